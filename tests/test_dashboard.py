"""The dashboard's figures against a hand-built data set, its selectors and its query budget."""

import datetime
import html as html_text
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import (
    Action,
    BudgetLine,
    Campaign,
    Decision,
    Event,
    Objective,
    ProgressUpdate,
    Review,
    Session,
    Status,
)
from structures.models import Commune, Structure
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db

HOME = reverse("reports:home")


@pytest.fixture
def data(plan):
    """Axis 2 (11 actions): 2.1.1 done 100 %, 2.1.2 in progress 60 %; axis 1: 1.1.1 at 30 %
    in 2024 then abandoned in 2025; 3.2.1 late (ended 2024, in progress 40 %)."""
    get = plan.actions.get
    ProgressUpdate.objects.create(
        action=get(code="2.1.1"), year=2024, status=Status.DONE, progress=100
    )
    ProgressUpdate.objects.create(
        action=get(code="2.1.2"), year=2025, status=Status.IN_PROGRESS, progress=60
    )
    ProgressUpdate.objects.create(
        action=get(code="1.1.1"), year=2024, status=Status.IN_PROGRESS, progress=30
    )
    ProgressUpdate.objects.create(
        action=get(code="1.1.1"), year=2025, status=Status.ABANDONED, progress=30
    )
    late = get(code="3.2.1")
    late.end_date = datetime.date(2024, 12, 31)
    late.save(update_fields=["end_date"])
    ProgressUpdate.objects.create(action=late, year=2024, status=Status.IN_PROGRESS, progress=40)
    BudgetLine.objects.create(
        action=get(code="2.1.1"),
        year=2024,
        label="a",
        planned=Decimal("1000"),
        committed=Decimal("800"),
        spent=Decimal("750.50"),
    )
    BudgetLine.objects.create(
        action=get(code="3.5.1"), year=2025, label="b", planned=Decimal("4000")
    )


def figures(response):
    return response.context


def test_progress_per_axis_status_counts_and_late_actions(client_for, data):
    context = client_for("viewer").get(HOME, {"annee": "2025"}).context
    axes = {axis["objective__axis__number"]: axis for axis in context["axes"]}
    # Over the actions with a validated point, never counting the others as 0 %:
    # axis 2: (100 + 60) / 2 = 80; axis 3: 40 / 1; axis 1: 30 / 1 (the abandoned 1.1.1)
    assert (axes[2]["progress"], axes[3]["progress"], axes[1]["progress"]) == (80, 40, 30)
    # overall: (100 + 60 + 30 + 40) / 4 = 57.5, over 4 of the 45 actions
    overall = context["overall"]
    assert (overall.average, overall.measured, overall.count) == (57.5, 4, 45)
    statuses = {value: count for value, _, count in context["statuses"]}
    # 41 actions have no point at all: « Sans point », not « À venir ».
    assert statuses == {
        "sans_point": 41,
        "a_venir": 0,
        "en_cours": 2,
        "realisee": 1,
        "en_pause": 0,
        "abandonnee": 1,
    }
    # Late on 31/12/2025, the date of reference of 2025: only 3.2.1 (ended 31 December 2024,
    # in progress); the others end with the plan that day, which has not passed yet.
    assert context["as_of"] == datetime.date(2025, 12, 31)
    assert context["late_count"] == 1
    assert [action.code for action in context["late"]] == ["3.2.1"]
    # Actions without a validated 2025 point: 45 − 2 (2.1.2 and 1.1.1)
    assert context["without_update"] == 43


def test_year_selector_reads_the_status_of_that_year(client_for, data):
    context = client_for("viewer").get(HOME, {"annee": "2024"}).context
    statuses = {value: count for value, _, count in context["statuses"]}
    # In 2024, 1.1.1 was still in progress and 2.1.2 had no update.
    assert statuses == {
        "sans_point": 42,
        "a_venir": 0,
        "en_cours": 2,
        "realisee": 1,
        "en_pause": 0,
        "abandonnee": 0,
    }
    assert context["year"] == 2024


def test_budget_figures_against_the_envelope(client_for, data):
    budget = client_for("viewer").get(HOME).context["budget"]
    assert (budget["total"].planned, budget["total"].committed, budget["total"].spent) == (
        Decimal("5000.00"),
        Decimal("800.00"),
        Decimal("750.50"),
    )
    assert budget["remaining"] == Decimal("80000.00")


def test_plan_selector_and_a_bad_year_fall_back_cleanly(client_for):
    client = client_for("viewer")
    context = client.get(HOME, {"plan": "caen-la-mer-ess-2013-2015", "annee": "1999"}).context
    assert context["plan"].slug == "caen-la-mer-ess-2013-2015"
    assert context["year"] == 2015  # the plan has ended: its last year
    assert client.get(HOME, {"plan": "inconnu", "annee": "abc"}).context["plan"].slug == COTENTIN


def test_directory_in_numbers(client_for):
    directory = client_for("viewer").get(HOME).context["directory"]
    families = {label: count for label, count, _ in directory["families"]}
    assert directory["total"] == 60 and families["Mutuelle"] == 3
    assert directory["jobs"] == sum(Structure.objects.values_list("employees", flat=True))


def test_editor_sees_what_needs_attention(client_for, data):
    html = client_for("editor").get(HOME, {"annee": "2025"}).content.decode()
    assert "43 actions sans point d'avancement validé pour 2025, 1 en retard au 31/12/2025." in html
    assert "situation 2025 · Plan terminé le 31/12/2025" in html
    assert "sans point d'avancement" not in client_for("viewer").get(HOME).content.decode()


def grow(plan, actions, structures):
    axis = plan.axes.create(number=9, title="Charge")
    objectives = [
        Objective.objects.create(axis=axis, code=f"9.{n}", title="o") for n in range(1, 11)
    ]
    created = Action.objects.bulk_create(
        Action(plan=plan, objective=objectives[n % 10], code=f"9.{n % 10 + 1}.{n}", title="a")
        for n in range(actions)
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(action=a, year=2025, status=Status.IN_PROGRESS, progress=50) for a in created
    )
    communes = list(Commune.objects.all())
    Structure.objects.bulk_create(
        Structure(name=f"S{n}", commune=communes[n % len(communes)], employees=3)
        for n in range(structures)
    )
    Event.objects.bulk_create(
        Event(plan=plan, date=datetime.date(2026, 12, 1), title="e") for _ in range(50)
    )
    if actions:
        # The comité's decisions on them, half of them late, and two sessions to come.
        session = Session.objects.create(plan=plan, date=datetime.date(2025, 3, 1))
        Session.objects.create(plan=plan, date=datetime.date(2099, 3, 1), place="Cherbourg")
        Session.objects.create(plan=plan, date=datetime.date(2099, 9, 1))
        Decision.objects.bulk_create(
            Decision(
                session=session,
                action=action,
                text="d",
                due_on=datetime.date(2025, 6, 1) if n % 2 else datetime.date(2099, 6, 1),
            )
            for n, action in enumerate(created[:500])
        )


# session, user, 2 permissions, plans, current plan, data version, overall, axes, objectives,
# statuses, late count, the 10 most overdue, without-update count, points not validated, the
# year's campaign, indicators, their targets, their values, computed indicators
# (K1, K2, K5, K7, K8: 5), axes, budget totals (4), directory by family, map (counts by
# commune, communes), latest updates (+ action, plan, author), upcoming events, the comité's
# open and late decisions (counts), the most overdue (+ action, plan), the next session = 37,
# the same with 4 500 actions and 5 060 structures, 500 decisions (on a cold cache: every
# figure is computed).
DASHBOARD_QUERIES = 37


@pytest.mark.parametrize(("actions", "structures"), [(0, 0), (4455, 5000)])
def test_dashboard_query_count_does_not_grow(
    client_for, plan, actions, structures, django_assert_max_num_queries
):
    grow(plan, actions, structures)
    client = client_for("viewer")
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        assert client.get(HOME).status_code == 200


def test_key_indicators_show_each_value_as_a_bar_with_its_figure(client_for, plan):
    """C1 has two values: two bars, each with its figure printed, the third year said to be
    missing in the text alternative; K1 has none: no chart, « aucune valeur »."""
    from indicators.models import Measurement

    c1 = plan.indicators.get(code="C1")
    Measurement.objects.create(indicator=c1, year=2023, value=495)
    Measurement.objects.create(indicator=c1, year=2024, value=501)
    html = client_for("viewer").get(HOME).content.decode()
    label = (
        'aria-label="Évolution de Établissements de l&#x27;ESS sur le territoire — '
        '2023 : 495, 2024 : 501, 2025 : pas de valeur"'
    )
    assert label in html
    chart = html[html.index(label) : html.index("</svg>", html.index(label))]
    assert re.findall(r'<text[^>]*class="value[^"]*"[^>]*>([^<]+)<', chart) == ["495", "501"]
    k1 = re.search(r"K1 · .*?</tr>", html, flags=re.S).group()
    assert "aucune valeur" in k1 and "<svg" not in k1


def flat(text):
    return re.sub(r"\s+", " ", html_text.unescape(text).replace("\xa0", " ").replace("\u202f", " "))


def test_the_first_screen_answers_where_the_plan_stands(client_for, data):
    """Key figures as tiles, the statuses as a ring, the budget as bars, each chart with its
    figures as its text alternative (data: see the fixture)."""
    response = client_for("viewer").get(HOME, {"annee": "2025"})
    html = flat(response.content.decode())
    tile = {
        name: re.search(rf'data-testid="{name}">([^<]+)<', html).group(1)
        for name in ("overall", "tile-realisee", "tile-en_cours", "tile-sans_point", "tile-spent")
    }
    # (100 + 60 + 30 + 40) / 4 = 57.5 %, rounded half up; 750.50 € spent is 0.88 % of 85 000 €
    assert tile == {
        "overall": "58 %",
        "tile-realisee": "1",
        "tile-en_cours": "2",
        "tile-sans_point": "41",
        "tile-spent": "750,50 €",
    }
    assert "750,50 € dépensés, 0,9 % de l'enveloppe" in page_text(response)
    assert (
        'aria-label="Actions par statut — Sans point : 41, À venir : 0, En cours : 2, '
        'Réalisée : 1, En pause : 0, Abandonnée : 1"'
    ) in html
    # Only the chart rounds to the euro, and says so.
    assert (
        "aria-label=\"Budget, montants arrondis à l'euro : Enveloppe environ 85 000 €, "
        'Prévu 5 000 €, Engagé 800 €, Réalisé 751 €"'
    ) in html
    # No campaign opened for 2025: no campaign tile.
    assert "tile-campaign" not in html


def test_axes_and_objectives_keep_their_full_names(client_for, plan):
    text = page_text(client_for("viewer").get(HOME))
    assert (
        "Axe 1 · Favoriser l'entrepreneuriat dans l'ESS et renforcer l'accompagnement des acteurs"
    ) in text
    objective = plan.actions.get(code="1.2.1").objective
    assert f"{objective.code} · {objective.title}" in text


def test_a_long_late_list_shows_the_ten_most_overdue_and_links_to_all(client_for, plan):
    """12 actions ended on 1 to 12 March 2024, none done: late on 31/12/2025 (the date of
    reference of 2025), the 10 earliest listed; the 33 others end with the plan that day."""
    for day, action in enumerate(plan.actions.order_by("code_key")[:12], start=1):
        action.end_date = datetime.date(2024, 3, day)
        action.save(update_fields=["end_date"])
    response = client_for("viewer").get(HOME)
    assert response.context["late_count"] == 12
    assert [a.end_date.day for a in response.context["late"]] == list(range(1, 11))
    html = response.content.decode()
    assert "Voir les 12 actions en retard" in html
    # The link leads to the same 12 on the same date; today, every action is late (the plan
    # ended on 31/12/2025 with none done), and the list says which date it speaks of.
    link = re.search(r'href="([^"]+)">Voir les 12 actions en retard', html).group(1)
    assert link.endswith("?late=on&amp;situation=2025")
    listing = page_text(client_for("viewer").get(link.replace("&amp;", "&")))
    assert "12 actions · statut au 31/12/2025 d'après le dernier point validé" in listing
    today = page_text(
        client_for("viewer").get(
            reverse("actions:action_list", kwargs={"slug": plan.slug}), {"late": "on"}
        )
    )
    assert (
        f"45 actions · statut au {timezone.localdate():%d/%m/%Y} d'après le dernier point validé"
    ) in today


def test_the_campaign_at_a_glance_and_the_points_not_yet_validated(client_for, plan, pilot):
    Campaign.objects.create(
        plan=plan,
        year=2025,
        opens_on=datetime.date(2025, 11, 1),
        due_on=datetime.date(2025, 12, 15),
    )
    ProgressUpdate.objects.create(
        action=plan.actions.get(code="1.4.7"),
        year=2025,
        status=Status.IN_PROGRESS,
        progress=40,
        review=Review.SUBMITTED,
    )
    ProgressUpdate.objects.create(
        action=plan.actions.get(code="2.1.1"),
        year=2025,
        status=Status.DONE,
        progress=100,
        review=Review.VALIDATED,
    )
    text = page_text(client_for("editor").get(reverse("reports:home"), {"annee": "2025"}))
    assert "Campagne de suivi 2025 · date limite le 15/12/2025" in text
    assert "2 points soumis ou validés sur 45 actions, dont 1 validé" in text
    assert "4 % des points 2025 soumis ou validés" in text  # 2 / 45 = 4.4 %
    # The to-do link leads to the campaign's waiting actions, not to an empty late list.
    assert (
        'href="/plans/cotentin-ess-2023-2025/campagnes/2025/?waiting=on"'
        in client_for("editor").get(reverse("reports:home"), {"annee": "2025"}).content.decode()
    )
    # 1.4.7's point is not validated: the page says so, and it moves no figure (1.4.7 has
    # no other point: it is « Sans point »; 2.1.1 is the one action done).
    assert (
        "1 point d'avancement 2025 attend la validation de l'équipe ESS (brouillon, soumis "
        "ou à revoir) : les chiffres ci-dessous ne le comptent pas."
    ) in text
    assert "100 % avancement moyen de 1 action ayant un point validé" in text
    # The waiting list names the pilots; 1.4.7, submitted, is not in it.
    assert "1.1.1 · Organiser des « cafés projets ESS » aucun pilote nommé" in text
    assert "1.4.7 · Organiser et soutenir" not in text.split("Actions dont le point est attendu")[1]


def page_text(response):
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html_text.unescape(text).replace("\xa0", " "))


def test_the_map_has_a_table_of_its_figures(client_for):
    commune = Structure.objects.order_by("pk").first().commune
    count = Structure.objects.filter(commune=commune, archived=False).count()
    text = page_text(client_for("viewer").get(HOME))
    table = text.split("Les chiffres de la carte, commune par commune")[1]
    assert f"{commune.name} {count} " in table
