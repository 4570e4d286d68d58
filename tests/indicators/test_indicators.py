import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import BudgetLine, Event, ProgressUpdate, Status
from indicators.computations import REGISTRY
from indicators.models import Indicator, Measurement, Target, Trend, on_track
from structures.models import Structure
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db


def test_seeded_baselines_are_the_deliberations(plan):
    baselines = {
        i.code: (i.baseline_value, i.baseline_year, i.unit)
        for i in plan.indicators.filter(kind="contexte", computation="")
    }
    assert baselines == {
        "C1": (Decimal("488"), 2022, "nombre"),
        "C2": (Decimal("6847"), 2022, "personnes"),
        "C3": (Decimal("11.2"), 2022, "pourcentage"),
        "C4": (Decimal("14.1"), 2022, "pourcentage"),
    }
    assert list(plan.indicators.get(code="R1").actions.values_list("code", flat=True)) == [
        "1.6.1",
        "1.6.2",
        "1.6.3",
        "1.6.4",
    ]


@pytest.mark.parametrize(
    ("direction", "value", "target", "expected"),
    [
        (Trend.UP, "10", "8", True),
        (Trend.UP, "7", "8", False),
        (Trend.DOWN, "7", "8", True),
        (Trend.DOWN, "9", "8", False),
        (Trend.STABLE, "104", "100", True),
        (Trend.STABLE, "94", "100", False),
        (Trend.UP, None, "8", None),
        (Trend.UP, "8", None, None),
    ],
)
def test_on_track_for_each_direction(direction, value, target, expected):
    def as_decimal(text):
        return None if text is None else Decimal(text)

    assert on_track(direction, as_decimal(value), as_decimal(target)) is expected


def test_computed_indicators_against_a_hand_built_data_set(plan):
    action = plan.actions.get(code="1.4.7")
    for day, kind, people in [(1, "cafe_projet", 12), (2, "cafe_projet", 8), (3, "forum", 150)]:
        Event.objects.create(
            plan=plan,
            date=datetime.date(2024, 3, day),
            kind=kind,
            title=f"E{day}",
            participants=people,
        )
    Event.objects.create(plan=plan, date=datetime.date(2025, 1, 10), kind="atelier", title="E4")
    # After the plan's last year (2025): no year of this plan's indicators counts it.
    Event.objects.create(
        plan=plan, date=datetime.date(2026, 2, 1), kind="forum", title="E5", participants=40
    )
    ProgressUpdate.objects.create(action=action, year=2024, status=Status.DONE)
    ProgressUpdate.objects.create(
        action=plan.actions.get(code="1.1.1"), year=2024, status=Status.IN_PROGRESS
    )
    BudgetLine.objects.create(action=action, year=2024, label="a", planned=1000, spent=250)
    BudgetLine.objects.create(action=action, year=2024, label="b", planned=600, spent=0)
    BudgetLine.objects.create(
        action=action, year=2024, label="r", planned=900, spent=900, flow=BudgetLine.Flow.REVENUE
    )
    assert REGISTRY["events_total"](plan) == {2024: 3, 2025: 1}
    # 2025 had an event, none a café projet: 0, not missing; 2023 had none: missing.
    assert REGISTRY["events_cafe_projet"](plan) == {2024: 2, 2025: 0}
    # E4's attendance is unknown: 2025 has no known participant, not 0.
    assert REGISTRY["participants_total"](plan) == {2024: 170}
    # The status at the end of each year of the plan (2023-2025, all past): no point in 2023,
    # the 2024 points still stand at the end of 2025.
    assert REGISTRY["actions_done"](plan) == {2023: 0, 2024: 1, 2025: 1}
    assert REGISTRY["actions_in_progress"](plan) == {2023: 0, 2024: 1, 2025: 1}
    # 250 spent of 1 600 planned expenses (revenue excluded) = 15.6 %
    assert REGISTRY["budget_spent_share"](plan) == {2024: Decimal("15.6")}
    # The plan has ended and the directory has no snapshot: no year reads today's directory.
    assert REGISTRY["structures_total"](plan) == {}
    assert REGISTRY["employees_total"](plan) == {}
    plan.first_year, plan.last_year = 2025, timezone.localdate().year  # running today, not saved
    assert REGISTRY["structures_total"](plan) == {
        plan.last_year: Structure.objects.filter(archived=False).count()
    }
    assert REGISTRY["structures_mutuelle"](plan) == {plan.last_year: 3}
    assert REGISTRY["employees_total"](plan) == {
        plan.last_year: sum(Structure.objects.values_list("employees", flat=True))
    }


def test_no_execution_rate_while_nothing_was_spent_or_committed(plan):
    """Planned expenses without any commitment or spending entered: the share spent is
    unknown, not 0 %; once something is spent, a year of nothing spent is 0 %."""
    action = plan.actions.get(code="1.4.7")
    BudgetLine.objects.create(action=action, year=2023, label="a", planned=1000)
    assert REGISTRY["budget_spent_share"](plan) == {}
    BudgetLine.objects.create(action=action, year=2024, label="b", planned=400, spent=100)
    assert REGISTRY["budget_spent_share"](plan) == {2023: Decimal("0.0"), 2024: Decimal("25.0")}


def test_with_latest_annotates_value_year_and_target_in_one_query(plan, django_assert_num_queries):
    indicator = plan.indicators.get(code="R3")
    Measurement.objects.create(indicator=indicator, year=2023, value=12)
    Measurement.objects.create(indicator=indicator, year=2024, value=30)
    Target.objects.create(indicator=indicator, year=2024, value=25)
    with django_assert_num_queries(1):
        latest = plan.indicators.with_latest().get(code="R3")
    assert (latest.latest_value, latest.latest_year) == (30, 2024)


def test_list_shows_latest_value_target_and_track(client_for, plan):
    indicator = plan.indicators.get(code="R3")
    Measurement.objects.create(indicator=indicator, year=2024, value=30)
    Target.objects.create(indicator=indicator, year=2024, value=25)
    response = client_for("viewer").get(
        reverse("indicators:indicator_list", kwargs={"slug": COTENTIN})
    )
    row = next(row for row in response.context["rows"] if row["indicator"].code == "R3")
    assert (row["value"], row["year"], row["target"], row["attainment"]) == (
        30,
        2024,
        25,
        "atteint",
    )
    codes = [row["indicator"].code for row in response.context["rows"]]
    assert codes.index("K2") < codes.index("K10")
    assert "calculé" in response.content.decode()


def test_the_list_judges_on_the_last_year_with_a_target(client_for, plan):
    """R3 reached its 2024 target, but has no value for 2025, whose target is set: the plan
    (2023-2025, ended) judges it on 2025, « non mesuré », not « atteint » on 2024's value."""
    indicator = plan.indicators.get(code="R3")
    Measurement.objects.create(indicator=indicator, year=2024, value=30)
    Target.objects.create(indicator=indicator, year=2024, value=25)
    Target.objects.create(indicator=indicator, year=2025, value=35)
    response = client_for("viewer").get(
        reverse("indicators:indicator_list", kwargs={"slug": COTENTIN})
    )
    row = next(row for row in response.context["rows"] if row["indicator"].code == "R3")
    assert (row["value"], row["year"], row["target"], row["attainment"], row["judged_year"]) == (
        30,
        2024,
        35,
        "non_mesure",
        2025,
    )
    assert "non mesuré en 2025" in response.content.decode()


def test_detail_chart_holds_values_targets_and_baseline(client_for, plan):
    indicator = plan.indicators.get(code="C1")
    Measurement.objects.create(indicator=indicator, year=2024, value=501)
    Target.objects.create(indicator=indicator, year=2025, value=520)
    html = client_for("viewer").get(indicator.get_absolute_url()).content.decode()
    svg = html[html.index('<svg role="img"') : html.index("</svg>", html.index('<svg role="img"'))]
    assert 'aria-label="Établissements de l&#x27;ESS sur le territoire"' in svg
    # The same name as the first <title> (the PDF's alternative text), the figures described.
    # The seed's baseline_note (« année non précisée ») makes 2022 an assumed year.
    assert (
        '"><title>Établissements de l&#x27;ESS sur le territoire</title><desc>Valeurs : '
        "2022 : 488, 2024 : 501 ; cibles : 2025 : 520. Référence 2022 (supposée) : 488."
        "</desc><defs>"
    ) in svg
    assert svg.count("<title>Établissements") == 1
    for series in ["Valeurs (trait plein)", "Cibles (tirets)", "Référence 2022 (supposée)"]:
        assert f">{series}</text>" in svg
    # x axis: the baseline year before the plan, then the plan's years
    assert re.findall(r">(20\d\d)<", svg)[:4] == ["2022", "2023", "2024", "2025"]
    assert "<script" not in svg and '<style nonce="' in svg
    # One dot per known point: the value 501 (2024), the target 520 (2025), the baseline 488
    # drawn on the values' line and as its own "Référence" dot.
    points = re.findall(r'<desc class="value">([^<]*)</desc>', svg)
    assert sorted(points) == ["488", "488", "501", "520"]
    assert '<th scope="row">2024</th>' in html


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("C3", "112", "Un pourcentage est compris entre 0 et 100."),
        ("R3", "-4", "Cette valeur ne peut pas être négative."),
        ("R3", "beaucoup", "Saisissez un montant, par exemple 1 234,50."),
    ],
)
def test_bad_values_are_refused_in_french(client_for, plan, code, value, message):
    indicator = plan.indicators.get(code=code)
    url = reverse(
        "indicators:measurement_edit", kwargs={"slug": COTENTIN, "code": code, "year": 2024}
    )
    response = client_for("editor").post(url, {"value": value})
    assert message in response.content.decode()
    assert not indicator.measurements.exists()


def test_french_decimal_comma_is_accepted_and_a_second_value_edits_the_first(client_for, plan):
    url = reverse(
        "indicators:measurement_edit", kwargs={"slug": COTENTIN, "code": "C3", "year": 2024}
    )
    client = client_for("editor")
    assert client.post(url, {"value": "11,2", "source": "Observatoire CRESS"}).status_code == 302
    assert client.post(url, {"value": "11,6", "version": "1"}).status_code == 302
    measurement = Measurement.objects.get(indicator__code="C3", year=2024)
    assert (measurement.value, measurement.version) == (Decimal("11.6"), 2)


def test_years_outside_the_plan_and_computed_indicators_take_no_value(client_for):
    client = client_for("editor")
    outside = reverse(
        "indicators:measurement_edit", kwargs={"slug": COTENTIN, "code": "C3", "year": 2030}
    )
    computed = reverse(
        "indicators:measurement_edit", kwargs={"slug": COTENTIN, "code": "K1", "year": 2024}
    )
    assert client.get(outside).status_code == 404
    assert client.get(computed).status_code == 404


def test_editor_defines_an_indicator_with_targets(client_for, plan):
    action = plan.actions.get(code="1.6.5")
    response = client_for("editor").post(
        reverse("indicators:indicator_create", kwargs={"slug": COTENTIN}),
        {
            "code": "R7",
            "name": "Heures d'insertion réalisées",
            "unit": "nombre",
            "kind": "resultat",
            "direction": "hausse",
            "computation": "",
            "baseline_value": "12 000",
            "baseline_year": "2022",
            "actions": [action.pk],
            "target_2024": "15 000",
            "target_2025": "18 000,5",
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(plan=plan, code="R7")
    assert indicator.baseline_value == 12000
    assert dict(indicator.targets.values_list("year", "value")) == {
        2024: Decimal("15000"),
        2025: Decimal("18000.50"),
    }


def test_list_and_detail_query_budgets_at_10_and_1000_indicators(
    client_for, plan, django_assert_max_num_queries
):
    client = client_for("viewer")
    url = reverse("indicators:indicator_list", kwargs={"slug": COTENTIN})
    # session, user, 2 permissions, plan, indicators with latest value, their targets, the data
    # version, then one query per distinct computation shown (16 registered) = 24 at most
    with django_assert_max_num_queries(24):
        client.get(url)
    Indicator.objects.bulk_create(
        Indicator(
            plan=plan, code=f"X{n}", name=f"Charge {n}", computation="events_total" if n % 2 else ""
        )
        for n in range(1000)
    )
    with django_assert_max_num_queries(24):
        assert client.get(url).status_code == 200
    # session, user, 2 permissions, indicator (+ plan), targets, measurements, the data version,
    # the computation, actions (+ plan) = 10
    detail = plan.indicators.get(code="K1").get_absolute_url()
    with django_assert_max_num_queries(10):
        assert client.get(detail).status_code == 200


def test_action_page_lists_its_indicators(client_for, plan):
    html = (
        client_for("viewer").get(plan.actions.get(code="1.6.1").get_absolute_url()).content.decode()
    )
    assert "R1 · Part des achats et services faisant appel à des acteurs de l&#x27;ESS" in html
    assert "R2 · Part des marchés publics" in html


def test_export_of_values(client_for, plan):
    Measurement.objects.create(
        indicator=plan.indicators.get(code="C3"), year=2024, value=Decimal("11.6"), source="CRESS"
    )
    content = (
        client_for("viewer")
        .get(reverse("indicators:indicator_list", kwargs={"slug": COTENTIN}), {"format": "csv"})
        .content.decode()
    )
    assert content == (
        "\ufeffCode indicateur;Indicateur;Unité;Année;Valeur;Source;Commentaire\r\n"
        "C3;Part de l'ESS dans l'emploi salarié local;%;2024;11,60;CRESS;\r\n"
    )


IMPORT_URL = reverse("indicators:measurement_import", kwargs={"slug": COTENTIN})


def upload_values(client, text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("valeurs.csv", text.encode("cp1252"))}
    )


def test_import_of_values_dry_run_then_confirm(client_for, plan):
    client = client_for("editor")
    text = "Code indicateur;Année;Valeur;Source\nC3;2024;11,6;CRESS\nR3;2024;30;RH\n"
    response = upload_values(client, text)
    report = response.context["report"]
    assert report.ok and (report.new, report.updated) == (2, 0)
    assert not Measurement.objects.exists()
    client.post(
        reverse("indicators:measurement_import_confirm", kwargs={"slug": COTENTIN}),
        {"token": response.context["token"]},
    )
    assert dict(Measurement.objects.values_list("indicator__code", "value")) == {
        "C3": Decimal("11.6"),
        "R3": Decimal("30"),
    }


def test_import_of_values_is_all_or_nothing_with_row_messages(client_for, plan):
    text = (
        "Code indicateur;Année;Valeur\nC3;2024;11,6\nC3;2025;140\nR3;2030;5\n"
        "K1;2024;3\nZZ;2024;1\nR3;2024;dix\n"
    )
    report = upload_values(client_for("editor"), text).context["report"]
    assert not report.ok
    assert report.errors == [
        (3, "Valeur : Un pourcentage est compris entre 0 et 100."),
        (4, "Année : Année hors du plan (2023-2025)."),
        (5, "L'indicateur K1 est calculé : ses valeurs ne se saisissent pas."),
        (6, "Indicateur inconnu dans ce plan : « ZZ »."),
        (7, "Valeur : « dix » n'est pas un nombre."),
    ]
    assert not Measurement.objects.exists()


def test_history_of_an_indicators_values(client_for, plan):
    client = client_for("editor")
    url = reverse(
        "indicators:measurement_edit", kwargs={"slug": COTENTIN, "code": "R3", "year": 2024}
    )
    client.post(url, {"value": "12"})
    client.post(url, {"value": "15", "version": "1"})
    html = client.get(
        reverse("indicators:indicator_history", kwargs={"slug": COTENTIN, "code": "R3"})
    ).content.decode()
    assert '<span class="fw-semibold">Valeur</span> : <del>12</del> → <ins>15</ins>' in html
    assert html.count("<td>emile</td>") == 2


def test_our_own_xlsx_export_with_empty_cells_imports_back(client_for, plan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("editor")
    Measurement.objects.create(indicator=plan.indicators.get(code="R3"), year=2024, value=30)
    exported = client.get(
        reverse("indicators:indicator_list", kwargs={"slug": COTENTIN}), {"format": "xlsx"}
    ).content
    response = client.post(IMPORT_URL, {"file": SimpleUploadedFile("valeurs.xlsx", exported)})
    report = response.context["report"]
    assert report.ok, report.errors
    client.post(
        reverse("indicators:measurement_import_confirm", kwargs={"slug": COTENTIN}),
        {"token": response.context["token"]},
    )
    measurement = Measurement.objects.get(indicator__code="R3", year=2024)
    assert (measurement.value, measurement.source, measurement.comment) == (30, "", "")


def test_value_rows_name_their_error_in_french_never_in_python(client_for, plan):
    text = (
        "Code indicateur;Année;Valeur\nC3;2024.5;11,6\nR3;2024;30\nR3;2024;31\nC3;2025;1e999999\n"
    )
    report = upload_values(client_for("editor"), text).context["report"]
    assert report.errors[:2] == [
        (2, "Année : « 2024.5 » n'est pas une année (quatre chiffres, par exemple 2024)."),
        (4, "Doublon dans le fichier : même indicateur et même année qu'à la ligne 3."),
    ]
    assert len(report.errors) == 3
    assert not any("<class" in message or "Error" in message for _, message in report.errors)
    assert not Measurement.objects.exists()


def test_two_first_entries_of_an_indicator_value_the_second_is_a_conflict(client_for, plan):
    from django.test import Client

    from essplan import roles
    from tests.conftest import make_user

    url = reverse(
        "indicators:measurement_edit", kwargs={"slug": COTENTIN, "code": "R3", "year": 2024}
    )
    first = client_for("editor")
    second = Client()
    second.force_login(make_user("berenice", roles.EDITOR))
    assert first.post(url, {"version": "", "value": "12", "source": "RH"}).status_code == 302
    refused = second.post(url, {"version": "", "value": "15"})
    assert refused.status_code == 409
    assert '<th scope="row">Valeur</th><td>—</td><td>12</td>' in refused.content.decode()
    assert Measurement.objects.get(indicator__code="R3", year=2024).value == 12


def test_an_indicator_page_names_its_unit_even_a_plain_number(client_for, plan):
    html = (
        client_for("viewer")
        .get(reverse("indicators:indicator_detail", kwargs={"slug": COTENTIN, "code": "C1"}))
        .content.decode()
    )
    assert "unité : nombre · sens souhaité" in html
    assert "unité :  ·" not in html


def test_a_baseline_year_the_deliberation_does_not_give_is_said_to_be_assumed(client_for, plan):
    html = (
        client_for("viewer")
        .get(reverse("indicators:indicator_detail", kwargs={"slug": COTENTIN, "code": "C2"}))
        .content.decode()
    )
    assert (
        "référence : 6\xa0847 personnes en 2022, année supposée (référence de la délibération "
        "de 2023, année non précisée)"
    ) in html
