"""The pages of the yearly campaign read as many rows at the seed's size as at a national one:
« Mes actions », who has reported (the ESS team's page, its « en attente » view) and the bulk
entry, with the 45 actions of the seed, then 450 actions with three pilots each and their
points of the campaign's year."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from actions.models import Action, Campaign, Objective, ProgressUpdate, Review, Status
from essplan import roles
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db

# 0: the seed; 405: 450 actions, as the benchmark's plan.
SIZES = [0, 405]
PILOTS = 20


@pytest.fixture
def campaign(plan):
    return Campaign.objects.create(
        plan=plan,
        year=2025,
        opens_on=datetime.date(2025, 11, 1),
        due_on=datetime.date(2025, 12, 15),
    )


def grow(plan, pilot, extra):
    """EXTRA actions more in PLAN (a fourth axis), each with three pilots among PILOTS, PILOT
    one of them; a point of 2025 for two actions in three, one in two of them a draft."""
    if not extra:
        return
    axis = plan.axes.create(number=4, title="Axe de charge")
    objectives = [
        Objective.objects.create(axis=axis, code=f"4.{n}", title=f"Objectif {n}")
        for n in range(1, extra // 50 + 2)
    ]
    actions = Action.objects.bulk_create(
        Action(
            plan=plan,
            objective=objectives[n // 50],
            code=f"4.{n // 50 + 1}.{n % 50 + 1}",
            title=f"Action de charge {n}",
        )
        for n in range(extra)
    )
    pilots = [
        pilot,
        *User.objects.bulk_create(
            User(username=f"pilote-{n}", first_name="Pilote", last_name=f"n° {n}")
            for n in range(PILOTS - 1)
        ),
    ]
    Group.objects.get(name=roles.PILOT).user_set.add(*pilots[1:])
    links = Action.pilots.through
    links.objects.bulk_create(
        links(action=action, user=pilots[(n + k) % PILOTS])
        for n, action in enumerate(actions)
        for k in range(3)
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            action=action,
            year=2025,
            status=Status.IN_PROGRESS,
            progress=20,
            review=Review.DRAFT if n % 2 else Review.VALIDATED,
        )
        for n, action in enumerate(actions)
        if n % 3
    )


@pytest.mark.parametrize("extra", SIZES)
def test_my_actions_reads_the_same_rows_whatever_the_number_of_actions(
    client_for, plan, pilot, campaign, extra, django_assert_num_queries
):
    grow(plan, pilot, extra)
    client = client_for("pilot")
    # 8 queries: session, user, data versions, permissions (user's, group's), count and page
    # of the actions (+ plan, the open campaign of their plan and the state of their point),
    # the open decisions of the comité on them (+ action, plan, session)
    with django_assert_num_queries(8):
        response = client.get(reverse("actions:my_actions"))
    rows = response.context["rows"]
    # A pilot of one action in seven or so: 62 actions at the large size, on two pages.
    assert (
        response.context["page"].paginator.count
        == pilot.piloted_actions.count()
        == (62 if extra else 1)
    )
    assert len(rows) == (50 if extra else 1)
    assert response.content.decode().count("Saisir<span") == sum(
        row["review"] != Review.VALIDATED for row in rows
    )


@pytest.mark.parametrize("extra", SIZES)
@pytest.mark.parametrize(("persona", "queries"), [("viewer", 13), ("editor", 15)])
def test_who_has_reported_reads_the_same_rows_whatever_the_size_of_the_plan(
    client_for, plan, pilot, campaign, extra, persona, queries, django_assert_num_queries
):
    grow(plan, pilot, extra)
    client = client_for(persona)
    url = reverse("actions:campaign_detail", kwargs={"slug": COTENTIN, "year": 2025})
    # 13 queries: session, user, data versions, permissions (user's, group's), plan,
    # campaign, count and page of the waiting actions with their state, their pilots' names,
    # the state of the plan's points by direction, the directions and the pilots (filter);
    # for the ESS team, 2 more: the actions without a pilot and the people it may name.
    with django_assert_num_queries(queries):
        response = client.get(url, {"waiting": "on"})
    page = response.context["page"]
    # The seed's 45 actions wait for their point; of the others, one in three has none and
    # one in three a draft.
    assert page.paginator.count == 45 + (270 if extra else 0)
    assert len(page) == (50 if extra else 45)


@pytest.mark.parametrize("extra", SIZES)
def test_bulk_entry_reads_the_same_rows_whatever_the_size_of_the_plan(
    client_for, plan, pilot, extra, django_assert_num_queries
):
    grow(plan, pilot, extra)
    client = client_for("editor")
    url = reverse("actions:bulk_entry", kwargs={"slug": COTENTIN, "year": 2025})
    # 8 queries: session, user, data versions, permissions (user's, group's), plan, count and
    # page of the actions with their points of the year
    with django_assert_num_queries(8):
        response = client.get(url, {"page": 2 if extra else 1})
    rows = response.context["rows"]
    assert len(rows) == (50 if extra else 45)
    entered = ProgressUpdate.objects.filter(action__in=[row.action for row in rows], year=2025)
    assert sum(1 for row in rows if row.values["status"]) == entered.count() == (33 if extra else 0)
    assert response.content.decode().count(" selected>En cours</option>") == entered.count()
