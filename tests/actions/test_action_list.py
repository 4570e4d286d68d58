import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Direction, Objective, Plan, ProgressUpdate, Status
from tests import odf
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db

URL = reverse("actions:action_list", kwargs={"slug": COTENTIN})


def codes(response):
    return [action.code for action in response.context["page"]]


@pytest.fixture
def client(client_for):
    return client_for("viewer")


def test_list_shows_the_first_page_in_code_order(client):
    response = client.get(URL)
    assert response.context["page"].paginator.count == 45
    assert codes(response)[:3] == ["1.1.1", "1.1.2", "1.1.3"]
    assert len(codes(response)) == 25


def test_search_is_french_and_accent_insensitive(client):
    # 1.4.7 "événements", 2.2.1 "événements", 2.2.2 "événements": typed without accents.
    assert codes(client.get(URL, {"q": "evenements"})) == ["1.4.7", "2.2.1", "2.2.2"]
    # Stemming: "coopérative" finds "coopératives" and "coopération".
    assert codes(client.get(URL, {"q": "cooperative"})) == ["1.3.2", "1.4.5", "1.4.6"]
    assert codes(client.get(URL, {"q": "ACHATS responsables"})) == ["1.6.1", "1.6.3"]


def test_search_by_code_prefix(client):
    assert codes(client.get(URL, {"q": "3.4"})) == ["3.4.1", "3.4.2"]


def test_filter_by_axis_and_objective(client):
    plan = Plan.objects.get(slug=COTENTIN)
    axis = plan.axes.get(number=3)
    assert len(codes(client.get(URL, {"axis": axis.pk}))) == 8
    objective = Objective.objects.get(axis__plan=plan, code="2.3")
    assert codes(client.get(URL, {"objective": objective.pk})) == ["2.3.1", "2.3.2", "2.3.3"]


def test_filter_by_status_pilot_year_and_late(client):
    plan = Plan.objects.get(slug=COTENTIN)
    done = plan.actions.get(code="2.1.1")
    done.planned_years = [2023, 2024]
    done.save(update_fields=["planned_years"])
    ProgressUpdate.objects.create(action=done, year=2023, status=Status.DONE, progress=100)
    late = plan.actions.get(code="3.2.1")
    late.end_date = datetime.date(2024, 6, 30)
    late.planned_years = [2024]
    late.pilot_direction = Direction.objects.get(short_name="Commande publique")
    late.save(update_fields=["end_date", "planned_years", "pilot_direction"])
    ProgressUpdate.objects.create(action=late, year=2024, status=Status.IN_PROGRESS, progress=30)

    assert codes(client.get(URL, {"status": "realisee"})) == ["2.1.1"]
    assert codes(client.get(URL, {"status": "en_cours"})) == ["3.2.1"]
    assert client.get(URL, {"status": "a_venir"}).context["page"].paginator.count == 0
    assert client.get(URL, {"status": "sans_point"}).context["page"].paginator.count == 43
    # The plan ended on 31 December 2025: every action but the done one is late, 3.2.1 by its
    # own end date, the 43 others (no end date of their own) by the plan's.
    late_actions = client.get(URL, {"late": "on"})
    assert late_actions.context["page"].paginator.count == 44
    assert "2.1.1" not in codes(late_actions)
    assert codes(client.get(URL, {"pilot_direction": late.pilot_direction.pk})) == ["3.2.1"]
    # The annex gives no years: only the two actions given some are found by year.
    assert codes(client.get(URL, {"year": "2024"})) == ["2.1.1", "3.2.1"]
    assert codes(client.get(URL, {"year": "2023"})) == ["2.1.1"]
    assert client.get(URL, {"year": "2025"}).context["page"].paginator.count == 0


def test_pagination_keeps_the_filters_in_the_url(client):
    html = client.get(URL, {"status": "sans_point"}).content.decode()
    assert 'href="?status=sans_point&amp;page=2"' in html
    assert 'href="?status=sans_point&amp;format=csv"' in html
    # Axis 1 holds 3+3+2+9+2+5+2 = 26 actions: the 26th, first of page 2, is 1.7.2.
    page_2 = client.get(URL, {"status": "sans_point", "page": "2"})
    assert codes(page_2)[0] == "1.7.2"


def test_invalid_filter_value_shows_an_error_not_a_crash(client):
    response = client.get(URL, {"status": "inconnu"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_csv_export_is_the_filtered_list_byte_for_byte(client):
    plan = Plan.objects.get(slug=COTENTIN)
    action = plan.actions.get(code="3.4.2")
    action.start_date, action.end_date = datetime.date(2024, 1, 15), datetime.date(2025, 6, 30)
    action.planned_years = [2024, 2025]
    action.pilot_direction = Direction.objects.get(short_name="Développement économique")
    action.save(update_fields=["start_date", "end_date", "planned_years", "pilot_direction"])
    ProgressUpdate.objects.create(action=action, year=2024, status=Status.IN_PROGRESS, progress=35)
    response = client.get(URL, {"q": "3.4", "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="actions-{COTENTIN}-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    expected = (
        # The late column says its date, today's; without a point, the progress is unknown.
        "\ufeffCode;Action;Axe;Objectif;Direction pilote;Statut;Avancement (%);"
        f"En retard au {timezone.localdate():%d/%m/%Y};Années prévues;Début;Fin;Plan\r\n"
        "3.4.1;Elargir le comité de suivi à d'autres acteurs de l'ESS pour une meilleure "
        "représentativité géographique, des familles et des secteurs d'activité;3;3.4;"
        ";Sans point;;oui;;;;Plan d'actions ESS 2023-2025\r\n"
        "3.4.2;Mettre en place des ateliers d'échanges avec le comité de suivi et des entreprises "
        "engagées du Cotentin;3;3.4;Direction du développement économique, emploi, et de "
        "l'enseignement supérieur, recherche et innovation;En cours;35;oui;2024, 2025;"
        "15/01/2024;30/06/2025;Plan d'actions ESS 2023-2025\r\n"
    )
    assert response.content.decode("utf-8") == expected


def test_xlsx_and_ods_exports_hold_the_same_rows(client):
    xlsx = client.get(
        URL, {"axis": Plan.objects.get(slug=COTENTIN).axes.get(number=2).pk, "format": "xlsx"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.values)
    assert rows[0][:2] == ("Code", "Action")
    assert [row[0] for row in rows[1:]] == [
        "2.1.1",
        "2.1.2",
        "2.1.3",
        "2.1.4",
        "2.2.1",
        "2.2.2",
        "2.3.1",
        "2.3.2",
        "2.3.3",
        "2.4.1",
        "2.4.2",
    ]
    ods = client.get(URL, {"q": "3.6", "format": "ods"})
    assert ods["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    sheet = odf.sheets(ods.content)["Actions"]
    assert [row[0].text for row in sheet] == ["Code", "3.6.1"]


def test_exported_cells_cannot_run_as_formulas(client):
    action = Action.objects.get(plan__slug=COTENTIN, code="1.1.1")
    action.title = '=HYPERLINK("http://exemple.invalid","clic")'
    action.save(update_fields=["title"])
    content = client.get(URL, {"q": "1.1.1", "format": "csv"}).content.decode("utf-8")
    assert ';"\'=HYPERLINK(""http' in content


def test_unknown_export_format_is_not_found(client):
    assert client.get(URL, {"format": "pdf"}).status_code == 404


def make_actions(count):
    """Add COUNT actions to the plan, spread over new objectives of a fourth axis, with updates."""
    plan = Plan.objects.get(slug=COTENTIN)
    axis = plan.axes.create(number=4, title="Axe de charge")
    objectives = [
        Objective.objects.create(axis=axis, code=f"4.{n}", title=f"Objectif {n}")
        for n in range(1, count // 50 + 2)
    ]
    actions = Action.objects.bulk_create(
        Action(
            plan=plan,
            objective=objectives[n // 50],
            code=f"4.{n // 50 + 1}.{n % 50 + 1}",
            title=f"Action de charge {n}",
        )
        for n in range(count)
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(action=action, year=year, status=Status.IN_PROGRESS, progress=10)
        for action in actions
        for year in (2023, 2024)
    )


# Session, user, user permissions, group permissions, plan, count, page of actions (with
# objective, axis, pilot direction and the latest update's status) = 7, plus the data version
# (key of the cached filter form) and, the first time, the axis, objective and direction
# choices of the filter form = 11.
LIST_QUERIES = 11


@pytest.mark.parametrize("extra", [0, 405])
def test_list_query_budget_holds_at_45_and_450_actions(
    client, extra, django_assert_max_num_queries
):
    make_actions(extra)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(URL, {"q": "action", "status": "en_cours"})
    assert response.status_code == 200
