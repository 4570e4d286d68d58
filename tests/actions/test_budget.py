"""Budget roll-ups, checked against the totals printed in the seeds' own tables."""

import datetime
import html as html_text
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.budget import budget_totals
from actions.models import Action, BudgetLine, Campaign, Plan
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db

CAEN = "caen-la-mer-ess-2013-2015"


@pytest.fixture
def caen():
    return Plan.objects.get(slug=CAEN)


def test_caen_la_mer_totals_reproduce_the_deliberation_table(caen):
    # Seed 002, "Total section de fonctionnement-Dépenses": 73 000 / 121 000 / 67 000;
    # recettes 0 / 20 000 / 0; investissement 30 000 each year;
    # "Côté total des actions": 103 000 / 131 000 / 97 000.
    totals = budget_totals(caen, levels=["plan"])

    def planned(section):
        return [
            amounts.planned for _, amounts in totals.by_year("plan", caen.pk, caen.years, section)
        ]

    by_year = dict(totals.by_year("plan", caen.pk, caen.years))
    assert planned("fonctionnement") == [73000, 121000, 67000]
    assert [by_year[y].revenue for y in (2013, 2014, 2015)] == [0, 20000, 0]
    assert planned("investissement") == [30000, 30000, 30000]
    assert [by_year[y].net for y in (2013, 2014, 2015)] == [103000, 131000, 97000]
    assert totals.get("plan", caen.pk).net == Decimal("331000")


def test_caen_la_mer_subtotals_per_action(caen):
    # "Sous total action 1" 22 000 a year (1.1 included in the table's sub-total);
    # action 3 with 3.1: 2 000 / 0 / 1 000; action 6: 70 000 of expense, 20 000 of revenue.
    totals = budget_totals(caen, levels=["action", "objective"])
    action = {a.code: a.pk for a in caen.actions.all()}
    objective = {a.code: a.objective_id for a in caen.actions.all()}
    assert [totals.get("objective", objective["1"], y).planned for y in caen.years] == [
        22000,
        22000,
        22000,
    ]
    assert [totals.get("objective", objective["3"], y).planned for y in caen.years] == [
        2000,
        0,
        1000,
    ]
    assert totals.get("action", action["6"]).planned == 70000
    assert totals.get("action", action["6"]).revenue == 20000
    assert totals.get("action", action["6"]).net == 50000


def test_totals_roll_up_from_actions_to_axes_to_the_plan():
    plan = Plan.objects.get(slug=COTENTIN)
    lines = [
        ("1.1.1", 2023, "1500.50", "1000", "900"),
        ("1.4.7", 2023, "2000", "2000", "0"),
        ("1.4.7", 2024, "499.50", "0", "0"),
        ("3.5.1", 2025, "12000", "6000", "5999.99"),
    ]
    for code, year, planned, committed, spent in lines:
        BudgetLine.objects.create(
            action=plan.actions.get(code=code),
            year=year,
            label="L",
            planned=Decimal(planned),
            committed=Decimal(committed),
            spent=Decimal(spent),
        )
    BudgetLine.objects.create(
        action=plan.actions.get(code="3.5.1"),
        year=2025,
        label="Région",
        flow=BudgetLine.Flow.REVENUE,
        planned=Decimal("4000"),
    )
    totals = budget_totals(plan)
    axis1, axis3 = plan.axes.get(number=1).pk, plan.axes.get(number=3).pk
    assert totals.get("axis", axis1, 2023).planned == Decimal("3500.50")
    assert totals.get("axis", axis1).planned == Decimal("4000.00")
    assert totals.get("axis", axis1).committed == Decimal("3000.00")
    assert totals.get("axis", axis3).spent == Decimal("5999.99")
    assert totals.get("plan", plan.pk).planned == Decimal("16000.00")
    assert totals.get("plan", plan.pk).revenue == Decimal("4000.00")
    assert totals.get("plan", plan.pk).net == Decimal("12000.00")
    objective_14 = plan.actions.get(code="1.4.7").objective_id
    assert totals.get("objective", objective_14, 2024).planned == Decimal("499.50")


def test_plan_page_shows_envelope_and_what_remains(client_for):
    plan = Plan.objects.get(slug=COTENTIN)
    BudgetLine.objects.create(
        action=plan.actions.get(code="3.5.1"), year=2024, label="Forum", planned=Decimal("12345.67")
    )
    html = client_for("viewer").get(plan.get_absolute_url()).content.decode()
    # 85 000 − 12 345,67 = 72 654,33
    assert (
        '<dd class="col-sm-7 col-lg-9" data-testid="budget-remaining">72\xa0654,33\xa0€</dd>'
        in html
    )


def test_budget_page_lists_caen_la_mer_per_axis_objective_and_action(client_for):
    response = client_for("viewer").get(reverse("actions:plan_budget", kwargs={"slug": CAEN}))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<td class="text-end">131\xa0000,00\xa0€</td>' not in html  # planned only
    # Plan row, planned expenses per year: 103 000 / 151 000 / 97 000 (121 000 + 30 000 in 2014)
    assert '<td class="text-end">151\xa0000,00\xa0€</td>' in html
    # Cut by section: every axis and the 8 actions in operating, axis 5 and action 5 in
    # investment (seed 002: « Soutien Basse Normandie Active (BNA) »).
    tree = response.context["tree"]
    assert [section for section, _ in tree] == [
        "Section de fonctionnement",
        "Section d'investissement",
    ]
    operating = [level for level, *_ in tree[0][1]]
    assert operating.count("axis") == 6 and operating.count("action") == 8
    assert [(level, node.title) for level, node, *_ in tree[1][1]] == [
        ("axis", "Agir en matière d'entrepreneuriat social"),
        ("objective", "Aide à l'entrepreneuriat social"),
        ("action", "Entrepreneuriat ESS"),
    ]


def test_budget_page_query_budget_is_fixed(client_for, django_assert_max_num_queries):
    client = client_for("viewer")
    # session, user, versions (data and auth), 2 permission queries (cached with the auth
    # version once read), plan, plan tree (axes, objectives, actions with their status),
    # 8 total queries (2 per level: by year and overall), the budget by section, flow and
    # chapter, the deliberation's table: its rows and its lines = 20
    with django_assert_max_num_queries(20):
        assert client.get(reverse("actions:plan_budget", kwargs={"slug": CAEN})).status_code == 200


def test_action_page_shows_its_totals(client_for):
    action = Action.objects.get(plan__slug=CAEN, code="5")
    html = client_for("viewer").get(action.get_absolute_url()).content.decode()
    # 30 000 + 15 000 + 30 000 of operating plus 3 × 30 000 of investment = 165 000
    assert '<td class="text-end">165\xa0000,00\xa0€</td>' in html


def council_table(client):
    html = client.get(reverse("actions:plan_budget", kwargs={"slug": CAEN})).content.decode()
    table = html[html.index("council-budget") :]
    table = table[: table.index("</table>")]
    return (
        html_text.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table)))
        .replace("\xa0", " ")
        .replace("\u2212", "-")
    )


def council_row(text, label, columns):
    cells = re.search(re.escape(label) + rf"((?: -?[\d ]+?,\d\d €){{{columns}}})", text).group(1)
    return [cell.strip() for cell in cells.split("€")[:columns]]


def test_the_budget_page_presents_caen_la_mer_as_its_deliberation_does(client_for):
    # Seed 002: fonctionnement 73 000 / 121 000 / 67 000 €, recettes 20 000 € in 2014,
    # investissement 30 000 € each year, net totals 103 000 / 131 000 / 97 000 €.
    text = council_table(client_for("viewer"))

    def amounts(label):
        return council_row(text, label, 4)

    assert "aucun montant engagé ou réalisé n'est encore saisi" in text
    assert "Engagé" not in text
    assert amounts("Dépenses de fonctionnement") == [
        "73 000,00",
        "121 000,00",
        "67 000,00",
        "261 000,00",
    ]
    assert amounts("Recettes de fonctionnement") == ["0,00", "20 000,00", "0,00", "20 000,00"]
    assert amounts("Dépenses d'investissement") == [
        "30 000,00",
        "30 000,00",
        "30 000,00",
        "90 000,00",
    ]
    assert amounts("Total net (dépenses moins recettes)") == [
        "103 000,00",
        "131 000,00",
        "97 000,00",
        "331 000,00",
    ]
    assert "011 · Charges à caractère général" in text


def test_every_budget_line_of_a_plan_exports_as_a_spreadsheet(client_for):
    url = reverse("actions:plan_budget", kwargs={"slug": CAEN})
    response = client_for("viewer").get(url, {"format": "csv"})
    assert response["Content-Disposition"] == (
        f'attachment; filename="budget-{CAEN}-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    rows = response.content.decode("utf-8-sig").splitlines()
    assert rows[0] == (
        "Action;Année;Section;Sens;Chapitre;Libellé;Prévu (€);Engagé (€);Réalisé (€);Cofinanceur"
    )
    assert len(rows) - 1 == BudgetLine.objects.filter(action__plan__slug=CAEN).count()
    assert (
        "6;2014;Fonctionnement;Recette;70;Appel à projets. Somme versée par la caisse des "
        "dépôts. Cette somme est susceptible d'évoluer et 20 000 euros est la fourchette "
        "basse;20000,00;0,00;0,00;Caisse des Dépôts"
    ) in rows
    for fmt in ("xlsx", "ods"):
        assert client_for("viewer").get(url, {"format": fmt}).status_code == 200


def test_the_council_table_puts_committed_and_spent_beside_planned(client_for):
    lines = BudgetLine.objects.filter(action__plan__slug=CAEN)
    lines.filter(action__code="1", chapter="011", year=2013).update(
        committed=Decimal("1000.50"), spent=Decimal("812.30")
    )
    lines.filter(flow="recette").update(spent=Decimal("5000"))
    text = council_table(client_for("viewer"))
    assert "montants prévus par année, puis engagés et réalisés sur la durée du plan" in text
    # Planned 2013 / 2014 / 2015 / total (seed 002, chapter 011: 1 000 + 1 000 + 4 000 + 2 000
    # + 15 000; 1 000 + 1 000 + 4 000 + 10 000; 1 000 + 1 000 + 4 000 + 1 000 + 10 000), then
    # committed and spent, to the cent as every amount.
    assert council_row(text, "011 · Charges à caractère général", 6) == [
        "23 000,00",
        "16 000,00",
        "17 000,00",
        "56 000,00",
        "1 000,50",
        "812,30",
    ]
    assert council_row(text, "Recettes de fonctionnement", 6) == [
        "0,00",
        "20 000,00",
        "0,00",
        "20 000,00",
        "0,00",
        "5 000,00",
    ]
    # Net: 1 000,50 committed; 812,30 spent less 5 000 received = -4 187,70.
    assert council_row(text, "Total net (dépenses moins recettes)", 6) == [
        "103 000,00",
        "131 000,00",
        "97 000,00",
        "331 000,00",
        "1 000,50",
        "-4 187,70",
    ]


# A pilot's budget lines follow the rule of its points: its own action, a year whose campaign
# is open; and it never touches a line someone else entered.
LINE_DATA = {
    "year": "2025",
    "section": "fonctionnement",
    "flow": "depense",
    "label": "Affiches",
    "planned": "0",
}


def campaign(action, year, *, closed=False):
    return Campaign.objects.create(
        plan=action.plan,
        year=year,
        opens_on=datetime.date(year, 11, 1),
        due_on=datetime.date(year, 12, 15),
        closed_on=datetime.date(year, 12, 20) if closed else None,
    )


def line_urls(line):
    return [
        line.action.url("actions:budget_line_edit", pk=line.pk),
        line.action.url("actions:budget_line_delete", pk=line.pk),
    ]


def test_a_pilot_adds_changes_and_deletes_its_own_lines_while_the_campaign_is_open(
    client_for, action, pilot
):
    campaign(action, 2025)
    client = client_for("pilot")
    form = client.get(action.url("actions:budget_line_create")).context["form"]
    assert form.fields["year"].choices == [(2025, "2025")]
    assert (
        client.post(
            action.url("actions:budget_line_create"), {**LINE_DATA, "planned": "120"}
        ).status_code
        == 302
    )
    line = BudgetLine.objects.get(action=action, label="Affiches")
    assert line.created_by == pilot
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Ajouter une ligne budgétaire" in page
    assert all(f'href="{url}"' in page for url in line_urls(line))
    edit, delete = line_urls(line)
    changed = {**LINE_DATA, "planned": "150", "version": line.version}
    assert client.post(edit, changed).status_code == 302
    line.refresh_from_db()
    assert (line.planned, line.created_by) == (Decimal("150.00"), pilot)
    assert client.post(delete).status_code == 302
    assert not BudgetLine.objects.filter(pk=line.pk).exists()


def test_a_pilot_cannot_add_a_line_of_a_year_without_an_open_campaign(client_for, action, pilot):
    campaign(action, 2025)
    response = client_for("pilot").post(
        action.url("actions:budget_line_create"), {**LINE_DATA, "year": "2023", "planned": "5000"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["year"] == [
        "Une ligne budgétaire ne se saisit que pour l'année d'une campagne de suivi ouverte "
        "(2025) : pour une autre année, écrivez à l'équipe ESS."
    ]
    assert not action.budget_lines.exists()


@pytest.mark.parametrize("closed", [False, True], ids=["sans campagne", "campagne close"])
def test_a_pilot_cannot_add_a_line_while_no_campaign_is_open(client_for, action, pilot, closed):
    if closed:
        campaign(action, 2025, closed=True)
    client = client_for("pilot")
    url = action.url("actions:budget_line_create")
    refused = client.get(url)
    assert refused.status_code == 403
    assert "Aucune campagne de suivi n'est ouverte pour ce plan" in html_text.unescape(
        refused.content.decode()
    )
    assert client.post(url, LINE_DATA).status_code == 403
    assert not action.budget_lines.exists()
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Ajouter une ligne budgétaire" not in page


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("année sans campagne", "Aucune campagne de suivi 2023 n'est ouverte pour ce plan"),
        (
            "campagne close",
            "La campagne de suivi 2024 est close depuis le 20/12/2024 : pour "
            "corriger cette ligne, écrivez à l'équipe ESS.",
        ),
        ("ligne de l'équipe", "Cette ligne budgétaire n'a pas été saisie par vous"),
    ],
)
def test_a_pilot_cannot_change_or_delete_a_line_outside_its_rule(
    client_for, action, pilot, editor, case, message
):
    campaign(action, 2025)  # open: only the line's own year and author count
    campaign(action, 2024, closed=True)
    year, author = {
        "année sans campagne": (2023, pilot),
        "campagne close": (2024, pilot),
        "ligne de l'équipe": (2025, editor),
    }[case]
    line = BudgetLine.objects.create(
        action=action, year=year, label="Forum", planned=5000, created_by=author
    )
    client = client_for("pilot")
    edit, delete = line_urls(line)
    for url in (edit, delete):
        response = client.get(url)
        assert response.status_code == 403
        assert message in html_text.unescape(response.content.decode())
    forged = {**LINE_DATA, "year": str(year), "version": line.version}
    assert client.post(edit, forged).status_code == 403
    assert client.post(delete).status_code == 403
    line.refresh_from_db()
    assert (line.planned, line.label, line.version) == (Decimal("5000.00"), "Forum", 1)
    page = client.get(action.get_absolute_url()).content.decode()
    assert not any(f'href="{url}"' in page for url in (edit, delete))


def test_a_line_entered_before_authors_were_recorded_is_the_teams(client_for, action, pilot):
    campaign(action, 2025)
    line = BudgetLine.objects.create(action=action, year=2025, label="Forum", planned=5000)
    edit, _ = line_urls(line)
    assert client_for("pilot").post(edit, {**LINE_DATA, "version": 1}).status_code == 403
    assert BudgetLine.objects.get(pk=line.pk).planned == Decimal("5000.00")


def test_a_pilot_cannot_move_its_line_to_a_year_without_an_open_campaign(client_for, action, pilot):
    campaign(action, 2025)
    line = BudgetLine.objects.create(
        action=action, year=2025, label="Affiches", planned=120, created_by=pilot
    )
    edit, _ = line_urls(line)
    response = client_for("pilot").post(edit, {**LINE_DATA, "year": "2023", "version": 1})
    assert response.status_code == 200 and "year" in response.context["form"].errors
    assert BudgetLine.objects.get(pk=line.pk).year == 2025


def test_the_team_changes_any_line_of_any_year_and_keeps_its_author(client_for, action, pilot):
    campaign(action, 2025, closed=True)
    line = BudgetLine.objects.create(
        action=action, year=2025, label="Affiches", planned=120, created_by=pilot
    )
    client = client_for("editor")
    edit, _ = line_urls(line)
    assert (
        client.post(edit, {**LINE_DATA, "year": "2023", "planned": "90", "version": 1}).status_code
        == 302
    )
    line.refresh_from_db()
    assert (line.year, line.planned, line.created_by) == (2023, Decimal("90.00"), pilot)
    assert (
        client.post(
            action.url("actions:budget_line_create"), {**LINE_DATA, "year": "2023"}
        ).status_code
        == 302
    )
    added = action.budget_lines.get(label="Affiches", year=2023, planned=0)
    assert added.created_by.username == "emile"
