import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from actions.models import Action, Axis, Objective, Plan
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db


def test_action_code_is_unique_within_a_plan():
    plan = Plan.objects.get(slug=COTENTIN)
    objective = Objective.objects.get(axis__plan=plan, code="2.1")
    with pytest.raises(IntegrityError, match="unique_action_code_per_plan"):
        Action.objects.create(plan=plan, objective=objective, code="1.1.1", title="Doublon")


def test_same_code_is_allowed_in_another_plan():
    other = Plan.objects.create(
        title="Programme ESS 2013-2015",
        slug="caen-2013-2015",
        territory="Caen la mer",
        first_year=2013,
        last_year=2015,
    )
    axis = Axis.objects.create(plan=other, number=1, title="Axe")
    objective = Objective.objects.create(axis=axis, code="1.1", title="Objectif")
    Action.objects.create(plan=other, objective=objective, code="1.1.1", title="Autre plan")
    assert Action.objects.filter(code="1.1.1").count() == 2


def test_action_clean_rejects_an_objective_of_another_plan():
    other = Plan.objects.create(
        title="Autre", slug="autre", territory="Ailleurs", first_year=2026, last_year=2028
    )
    objective = Objective.objects.get(axis__plan__slug=COTENTIN, code="1.1")
    action = Action(plan=other, objective=objective, code="9.9.9", title="Incohérente")
    with pytest.raises(ValidationError) as excinfo:
        action.full_clean()
    assert "objective" in excinfo.value.message_dict


def test_action_clean_takes_the_plan_from_its_objective():
    objective = Objective.objects.get(axis__plan__slug=COTENTIN, code="3.6")
    action = Action(objective=objective, code="3.6.2", title="Nouvelle action")
    action.full_clean()
    assert action.plan.slug == COTENTIN


def test_plan_years_must_be_in_order():
    with pytest.raises(IntegrityError, match="plan_years_in_order"):
        Plan.objects.create(
            title="Inversé", slug="inverse", territory="X", first_year=2025, last_year=2023
        )


def test_malformed_code_is_rejected_by_validation():
    objective = Objective.objects.get(axis__plan__slug=COTENTIN, code="1.1")
    action = Action(objective=objective, code="1.1.a", title="Code invalide")
    with pytest.raises(ValidationError) as excinfo:
        action.full_clean()
    assert "code" in excinfo.value.message_dict
