"""The seed holds the plan of the deliberation's annex, as typed from the seed text.

Expected values come from shared/seeds/000_6989fec541fee346.txt (annex "Plan
d'actions ESS 2023-2025"), read by hand, not from fixtures/.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command

from actions.models import Action, Axis, BudgetLine, Direction, Objective, Plan
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db

ANNEX_CODES = (
    "1.1.1 1.1.2 1.1.3 1.2.1 1.2.2 1.2.3 1.3.1 1.3.2 "
    "1.4.1 1.4.2 1.4.3 1.4.4 1.4.5 1.4.6 1.4.7 1.4.8 1.4.9 "
    "1.5.1 1.5.2 1.6.1 1.6.2 1.6.3 1.6.4 1.6.5 1.7.1 1.7.2 "
    "2.1.1 2.1.2 2.1.3 2.1.4 2.2.1 2.2.2 2.3.1 2.3.2 2.3.3 2.4.1 2.4.2 "
    "3.1.1 3.1.2 3.2.1 3.3.1 3.4.1 3.4.2 3.5.1 3.6.1"
).split()

ANNEX_TITLES = {
    "1.1.1": "Organiser des « cafés projets ESS »",
    "1.1.2": "Renforcer la médiatisation sur l'entrepreneuriat (portraits d'entrepreneurs "
    "engagés, teasers, …)",
    "1.3.2": "Accompagner la reprise / transmission d'entreprises en sociétés coopératives",
    "1.4.7": "Organiser et soutenir des événements favorisant l'interconnaissance "
    "(Café des ASSOS, …)",
    "1.6.1": "Mettre en place un Schéma de Promotion des Achats Socialement et "
    "Ecologiquement Responsables",
    "1.7.2": "Mettre en place une GPECT sur les emplois dans l'ESS",
    "2.1.1": "Elaborer une communication adaptée",
    "2.3.2": "Promouvoir l'ESS à travers des visites apprenantes, des eductours",
    "2.4.1": "Impulser la création d'un club des dirigeants ESS issu du comité de suivi",
    "3.2.1": "Lancer une étude sur la création d'un espace d'activité dédié",
    "3.5.1": "Organiser un Forum de l'ESS bi annuel",
    "3.6.1": "Se doter d'outils et d'indicateurs de performance",
}

ANNEX_OBJECTIVES = {
    "1.1": "Donner l'envie d'entreprendre dans l'ESS",
    "1.6": "Développer une commande publique et privée responsable",
    "2.2": "Faire connaitre l'ESS auprès du grand public",
    "3.4": "Coconstruire avec le comité de suivi ESS élargi",
}


def test_plan_carries_the_deliberation_references(plan):
    assert plan.title == "Plan d'actions ESS 2023-2025"
    assert plan.territory == "Communauté d'Agglomération du Cotentin"
    assert (plan.first_year, plan.last_year) == (2023, 2025)
    assert plan.deliberation_reference == "DEL2023_012A"
    assert plan.budget_envelope == Decimal("85000")
    assert "6188" in plan.budget_imputation and "77592" in plan.budget_imputation
    assert plan.state == Plan.State.ADOPTED


def test_plan_has_3_axes_17_objectives_45_actions(plan):
    assert list(Axis.objects.filter(plan=plan).values_list("number", flat=True)) == [1, 2, 3]
    assert Objective.objects.filter(axis__plan=plan).count() == 17
    assert Action.objects.filter(plan=plan).count() == 45


def test_action_codes_are_the_annex_codes_in_natural_order(plan):
    assert list(plan.actions.values_list("code", flat=True)) == ANNEX_CODES


@pytest.mark.parametrize("code", sorted(ANNEX_TITLES))
def test_action_titles_are_the_annex_wording(plan, code):
    assert plan.actions.get(code=code).title == ANNEX_TITLES[code]


@pytest.mark.parametrize("code", sorted(ANNEX_OBJECTIVES))
def test_objective_titles_are_the_annex_wording(plan, code):
    assert Objective.objects.get(axis__plan=plan, code=code).title == ANNEX_OBJECTIVES[code]


def test_each_action_sits_under_the_objective_of_its_code(plan):
    for action in plan.actions.select_related("objective__axis"):
        axis_number, objective_number, _ = action.code.split(".")
        assert action.objective.code == f"{axis_number}.{objective_number}"
        assert action.objective.axis.number == int(axis_number)


def test_directions_named_in_the_deliberation_exist():
    names = " | ".join(Direction.objects.values_list("name", flat=True)).lower()
    for expected in [
        "développement économique",
        "commande publique",
        "communication",
        "développement durable",
        "transversalité et coordination des politiques territoriales",
    ]:
        assert expected in names


def test_loading_the_seed_twice_duplicates_nothing_and_keeps_edits(plan):
    action = plan.actions.get(code="1.4.7")
    action.title = "Titre modifié par l'équipe"
    action.save(update_fields=["title"])
    counts = (
        Plan.objects.count(),
        Action.objects.count(),
        Objective.objects.count(),
        Direction.objects.count(),
        BudgetLine.objects.count(),
    )
    call_command("load_seed", verbosity=0)
    assert (
        Plan.objects.count(),
        Action.objects.count(),
        Objective.objects.count(),
        Direction.objects.count(),
        BudgetLine.objects.count(),
    ) == counts
    assert plan.actions.count() == 45
    action.refresh_from_db()
    assert action.title == "Titre modifié par l'équipe"


def test_codes_sort_naturally_not_as_text(plan):
    objective = Objective.objects.get(axis__plan=plan, code="1.4")
    Action.objects.create(plan=plan, objective=objective, code="1.4.10", title="Dixième")
    codes = list(plan.actions.filter(objective=objective).values_list("code", flat=True))
    assert codes[-2:] == ["1.4.9", "1.4.10"]


def test_caen_la_mer_programme_is_the_second_plan():
    # Seed 002: actions 1, 1.1, 2, 3, 3.1, 4, 5, 6 declared of community interest.
    caen = Plan.objects.get(slug="caen-la-mer-ess-2013-2015")
    assert list(caen.actions.values_list("code", flat=True)) == [
        "1",
        "1.1",
        "2",
        "3",
        "3.1",
        "4",
        "5",
        "6",
    ]
    assert caen.deliberation_reference == "C-12-05-01"
    charte = caen.actions.get(code="1.1")
    assert charte.title == "Constitution d'une charte ESS pour Caen la mer"
    assert charte.partners_text == "Les acteurs de l'ESS, les services de Caen la mer"
    assert Plan.objects.current().slug == COTENTIN
