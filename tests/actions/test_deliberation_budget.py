"""Caen la mer's budget table as its deliberation prints it, read from the pages and reports
that render it, against figures copied by hand from the source.

Source: fixtures/sources/deliberation_caen_la_mer_C-12-05-01.txt (a copy of
shared/seeds/002_5ea178ca00e1d196.txt), projet de délibération n° C-12-05-01, séance du
7 décembre 2012: the budget table printed after the deliberation's signature block
(« Philippe DURON ») and before « Fiche action n° 1 », in three parts, « section de
fonctionnement-Dépenses », « Section de fonctionnement-Recettes », « Section
d'investissement-Dépenses », then its three closing totals. The extraction has no page
numbers.

The labels of the budget lines are the application's (« Action 1 · Adhésion à la charte
RTES » where the source prints « Action 1 | Positionnement | adhésion à la charte RTES »), the
figures are the source's, with two deviations the fixture lists: the source leaves the
2013 and 2015 cells of « Sous total action 6 (dépenses-recettes) » empty (0 € here, action 6
having no line those years), and the two totals it gives without their lines (*) keep its
amounts, which no sum of its lines reproduces.
"""

import datetime
import html as html_text
import re

import pytest
from django.urls import reverse

from actions.budget import deliberation_budget
from actions.models import BudgetLine, Plan
from reports.services import evaluation_html, report_html
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db

CAEN = "caen-la-mer-ess-2013-2015"
GENERATED = datetime.datetime(2026, 11, 30, 10, 15, tzinfo=datetime.UTC)
PTCE = (
    "Action 4 · Forum ESS, petits déjeuners, visites d'entreprises, soutien à la création "
    "d'un Pôle territorial de coopération économique (PTCE)"
)
CDC = (
    "Action 6 · Appel à projets. Somme versée par la caisse des dépôts. Cette somme est "
    "susceptible d'évoluer et 20 000 euros est la fourchette basse"
)
THOUSAND = ["1 000", "1 000", "1 000"]

# (label, chapter, 2013, 2014, 2015, comment); a heading alone in its row.
SOURCE_TABLE = [
    ("Section de fonctionnement-Dépenses",),
    ("Action 1 · Adhésion à la charte RTES", "011", *THOUSAND, ""),
    ("Action 1 · 0,5 ETP (poste attaché)", "012", "20 000", "20 000", "20 000", ""),
    ("Action 1.1 · Constitution d'une charte pour CLM", "011", *THOUSAND, ""),
    ("Sous total action 1", "", "22 000", "22 000", "22 000", ""),
    ("Action 2 · Magazine Sillage", "011", *THOUSAND, ""),
    ("Action 2 · Création flyer", "011", *THOUSAND, ""),
    ("Action 2 · Événementiel", "011", "2 000", "2 000", "2 000", ""),
    ("Sous total action 2", "", "4 000", "4 000", "4 000", ""),
    ("Action 3 · Formation 1 journée techniciens", "011", "1 000", "0", "500", ""),
    ("Action 3.1 · Formation 1 journée élus", "011", "1 000", "0", "500", ""),
    ("Sous total action 3", "", "2 000", "0", "1 000", ""),
    (PTCE, "011", "15 000", "10 000", "10 000", ""),
    ("Sous total action 4", "", "15 000", "10 000", "10 000", ""),
    (
        "Action 5 · Soutien aux entreprises de l'Economie Sociale et Solidaire",
        "65",
        "30 000",
        "15 000",
        "30 000",
        "",
    ),
    ("Sous total action 5", "", "30 000", "15 000", "30 000", ""),
    ("Action 6 · Appel à projets", "65", "0", "70 000", "0", ""),
    ("Total section de fonctionnement-Dépenses", "", "73 000", "121 000", "67 000", ""),
    ("Section de fonctionnement-Recettes",),
    (CDC, "70", "0", "20 000", "0", ""),
    ("Sous total action 6 (dépenses-recettes)", "", "0", "-50 000", "0", ""),
    ("Total section de fonctionnement-Recettes", "", "0", "20 000", "0", ""),
    ("Bilan de la section de fonctionnement", "", "-73 000", "-101 000", "-67 000", ""),
    ("Section d'investissement-Dépenses",),
    ("Action 5 · Soutien Basse Normandie Active (BNA)", "", "30 000", "30 000", "30 000", ""),
    ("Bilan de la section d'investissement", "", "-30 000", "-30 000", "-30 000", ""),
    (
        "Côté total des actions-Budget dévéco, RH, Communication",
        "",
        "103 000",
        "131 000",
        "97 000",
        "",
    ),
    (
        "Total budget communication + RH *",
        "",
        "23 000",
        "22 000",
        "23 000",
        "Pris en charge par autres services Dévéco",
    ),
    ("Total budget Dévéco *", "", "80 000", "109 000", "74 000", "Pris en charge par dévéco"),
]


def plain(fragment):
    text = html_text.unescape(re.sub(r"<[^>]+>", " ", fragment))
    text = text.replace("\xa0", " ").replace("\u202f", " ").replace("\u2212", "-")
    return re.sub(r"\s+", " ", text).strip()


def table(html, css_class):
    """The rows of the table of CSS_CLASS, each a tuple of its cells' text (amounts without
    their « € »)."""
    start = html.index(f'{css_class}"')
    fragment = html[start : html.index("</table>", start)]
    body = fragment[fragment.index("</thead>") :]
    return [
        tuple(
            plain(cell).removesuffix(" €")
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        )
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    ]


def budget_page(client_for):
    response = client_for("viewer").get(reverse("actions:plan_budget", kwargs={"slug": CAEN}))
    assert response.status_code == 200
    return response.content.decode()


def annual_report(client_for):
    return report_html(Plan.objects.get(slug=CAEN), 2014, generated_at=GENERATED)


def evaluation(client_for):
    return evaluation_html(Plan.objects.get(slug=CAEN), generated_at=GENERATED)


RENDERINGS = pytest.mark.parametrize(
    "render",
    [budget_page, annual_report, evaluation],
    ids=["page budget", "rapport annuel", "bilan"],
)


def to_the_cent(row):
    """ROW of SOURCE_TABLE as the application prints it: every amount to the cent."""
    if len(row) == 1:
        return row
    label, chapter, *amounts, comment = row
    return (label, chapter, *(f"{amount},00" for amount in amounts), comment)


@RENDERINGS
def test_caen_la_mer_table_is_the_deliberations_line_by_line(client_for, render):
    html = render(client_for)
    assert table(html, "deliberation-budget") == [to_the_cent(row) for row in SOURCE_TABLE]
    assert "* Montants repris tels que la délibération les donne" in plain(html)
    # The table by chapter is the application's, no longer said to be the deliberation's.
    assert "Budget par section, sens et chapitre, calculé des lignes budgétaires" in plain(html)
    assert "comme le présente la délibération" not in html


def test_the_table_follows_the_budget_lines_but_the_stated_totals():
    # 1 000 € more on Action 2's flyer in 2014: its sub-total, the operating total and balance
    # and the net cost move by 1 000 €; the two totals the deliberation states do not.
    BudgetLine.objects.filter(action__plan__slug=CAEN, label="Création flyer", year=2014).update(
        planned=2000
    )
    rows = {
        row.label: row.by_year
        for _, rows in deliberation_budget(Plan.objects.get(slug=CAEN))["groups"]
        for row in rows
    }
    assert rows["Sous total action 2"] == [4000, 5000, 4000]
    assert rows["Bilan de la section de fonctionnement"] == [-73000, -102000, -67000]
    assert rows["Côté total des actions-Budget dévéco, RH, Communication"] == [
        103000,
        132000,
        97000,
    ]
    assert rows["Total budget communication + RH"] == [23000, 22000, 23000]


def test_a_plan_without_a_deliberation_table_shows_none(client_for):
    response = client_for("viewer").get(reverse("actions:plan_budget", kwargs={"slug": COTENTIN}))
    assert response.context["deliberation"] is None
    assert "deliberation-budget" not in response.content.decode()


# Axis × year tables: « Sous total action 5 » is 30 000 / 15 000 / 30 000 € of operating
# (seed 002, section de fonctionnement-Dépenses), the 30 000 € a year of investment (BNA) in
# the investment section, never added to it.
@pytest.mark.parametrize(
    "render", [budget_page, annual_report], ids=["page budget", "rapport annuel"]
)
def test_the_axis_table_keeps_the_two_sections_apart(client_for, render):
    html = render(client_for)
    if render is budget_page:
        rows = table(html, "budget-summary")
        operating = rows.index(("Section de fonctionnement",))
        investment = rows.index(("Section d'investissement",))
        # Axe, 2013, 2014, 2015, prévu, engagé, réalisé, recettes
        assert rows[operating + 5] == (
            "Axe 5",
            "30 000,00",
            "15 000,00",
            "30 000,00",
            "75 000,00",
            "0,00",
            "0,00",
            "0,00",
        )
        assert rows[operating + 7] == (
            "Total de la section",
            "73 000,00",
            "121 000,00",
            "67 000,00",
            "261 000,00",
            "0,00",
            "0,00",
            "20 000,00",
        )
        assert rows[investment + 1 : investment + 3] == [
            ("Axe 5", "30 000,00", "30 000,00", "30 000,00", "90 000,00", "0,00", "0,00", "0,00"),
            (
                "Total de la section",
                "30 000,00",
                "30 000,00",
                "30 000,00",
                "90 000,00",
                "0,00",
                "0,00",
                "0,00",
            ),
        ]
    else:
        text = plain(html)
        assert "Section de fonctionnement Axe 1 2013 22 000,00 € 0,00 € 0,00 € 0,00 €" in text
        assert (
            "Axe 5 2013 30 000,00 € 0,00 € 0,00 € 0,00 € 2014 15 000,00 € 0,00 € 0,00 € "
            "0,00 € 2015 30 000,00 € 0,00 € 0,00 € 0,00 € Total 75 000,00 €"
        ) in text
        assert (
            "Section d'investissement Axe 5 2013 30 000,00 € 0,00 € 0,00 € 0,00 € 2014 30 000,00 €"
        ) in text
