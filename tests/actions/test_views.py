import re

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import (
    Action,
    Axis,
    BudgetLine,
    Direction,
    DiscussionRequest,
    Objective,
    Plan,
    ProgressUpdate,
    Status,
)
from structures.models import Structure
from tests.actions.test_seed import ANNEX_CODES
from tests.conftest import COTENTIN
from tests.factories import EventFactory, OpenDecisionFactory, ProgressUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db

PLAN_URL = reverse("actions:plan_detail", kwargs={"slug": COTENTIN})


def test_home_is_the_dashboard_of_the_adopted_plan(client_for):
    response = client_for("viewer").get(reverse("reports:home"))
    assert response.context["plan"].slug == COTENTIN


def test_plan_page_lists_every_action_in_code_order(client_for):
    html = client_for("viewer").get(PLAN_URL).content.decode()
    assert '<h1 class="h2">Plan d&#x27;actions ESS 2023-2025</h1>' in html
    assert "3 axes stratégiques, 17 objectifs opérationnels, 45 actions" in html
    codes = re.findall(r'<td class="code">([0-9.]+)</td>', html)
    assert codes == ANNEX_CODES
    assert html.count("Sans point</span>") == 45 and "À venir</span>" not in html
    # The period ended on 31 December 2025: every action is late, and the plan says it ended.
    assert html.count("En retard</span>") == 45
    assert "Adopté · Plan terminé le 31/12/2025" in html
    assert "Axe 2 · Promouvoir l&#x27;ESS et ses valeurs" in html


def test_each_action_has_its_own_page(client_for):
    client = client_for("viewer")
    for action in Action.objects.filter(plan__slug=COTENTIN).select_related("plan"):
        response = client.get(action.get_absolute_url())
        assert response.status_code == 200
        assert f">{action.code}</span>" in response.content.decode()


def test_action_page_shows_the_fiche(client_for, action):
    action.description = "Café des ASSOS trimestriel à Cherbourg-en-Cotentin."
    action.save(update_fields=["description"])
    html = client_for("viewer").get(action.get_absolute_url()).content.decode()
    assert "Café des ASSOS trimestriel à Cherbourg-en-Cotentin." in html
    assert "Objectif 1.4 · Favoriser le développement d&#x27;activités" in html
    # The annex names no pilot direction and no years for its actions.
    assert '<dt>Direction pilote</dt>\n      <dd><span class="empty">Non précisée</span>' in html
    assert '<dt>Années prévues</dt>\n      <dd><span class="empty">Non précisées</span>' in html


def test_unknown_action_code_is_a_french_404(client_for):
    url = reverse("actions:action_detail", kwargs={"slug": COTENTIN, "code": "9.9.9"})
    response = client_for("viewer").get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert '<h1 class="h2">Page introuvable</h1>' in html
    assert "L'adresse demandée ne correspond à aucune page de l'application." in html


def test_plan_page_query_budget(client_for, django_assert_max_num_queries):
    client = client_for("viewer")
    # 13 queries: session, user, versions (data and auth), user permissions, group
    # permissions (both cached with the auth version once read), plan (+ lead direction),
    # axes, objectives, actions (+ pilot direction, latest status), budget totals by axis and
    # for the plan, each by year and overall (4)
    with django_assert_max_num_queries(13):
        assert client.get(PLAN_URL).status_code == 200


def test_plan_page_queries_do_not_grow_with_the_plan(client_for, django_assert_max_num_queries):
    plan = Plan.objects.get(slug=COTENTIN)
    axis = Axis.objects.create(plan=plan, number=4, title="Axe supplémentaire")
    for o in range(1, 10):
        objective = Objective.objects.create(axis=axis, code=f"4.{o}", title=f"Objectif {o}")
        actions = Action.objects.bulk_create(
            Action(plan=plan, objective=objective, code=f"4.{o}.{a}", title=f"Action {a}")
            for a in range(1, 46)
        )
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(action=action, year=2024, status=Status.IN_PROGRESS)
            for action in actions
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(action=action, year=2024, label="L", planned=10) for action in actions
        )
    assert plan.actions.count() == 450
    client = client_for("viewer")
    with django_assert_max_num_queries(13):
        assert client.get(PLAN_URL).status_code == 200


ACTION_PAGE_QUERIES = 20


def test_action_page_query_budget(client_for, django_assert_max_num_queries):
    client = client_for("viewer")
    url = reverse("actions:action_detail", kwargs={"slug": COTENTIN, "code": "3.6.1"})
    # session, user, user permissions, group permissions,
    # action (+ plan, objective, axis, pilot direction, latest status), updates (+ author),
    # their review comments (+ author), their attachments, budget lines, versions (data and auth), budget totals by
    # year and overall (cached with the data), events, associated directions, pilots, partner
    # structures (+ commune), linked indicators (+ latest value), the actions that carry it
    # into a later plan, the comité's decisions on it (+ session, carrier, who closed), its
    # open « À discuter » flag (+ who raised it): 20 for the comité, which reads them
    with django_assert_max_num_queries(ACTION_PAGE_QUERIES):
        assert client.get(url).status_code == 200


def test_action_page_queries_do_not_grow_with_its_follow_up(
    client_for, django_assert_max_num_queries
):
    action = Action.objects.get(plan__slug=COTENTIN, code="3.6.1")
    for year in action.plan.years:
        ProgressUpdateFactory(action=action, year=year)
    BudgetLine.objects.bulk_create(
        BudgetLine(action=action, year=2024, label=f"Ligne {n}", planned=n) for n in range(30)
    )
    EventFactory.create_batch(10, plan=action.plan, actions=[action])
    action.associated_directions.set(Direction.objects.all())
    action.partner_structures.set(Structure.objects.all()[:20])
    OpenDecisionFactory.create_batch(5, action=action, carrier=UserFactory())
    OpenDecisionFactory.create_batch(
        5, action=action, done_at=timezone.now(), done_by=UserFactory(), done_note="Fait."
    )
    DiscussionRequest.objects.create(action=action, reason="Bloquée", raised_by=UserFactory())
    client = client_for("viewer")
    with django_assert_max_num_queries(ACTION_PAGE_QUERIES):
        assert client.get(action.get_absolute_url()).status_code == 200


def test_plan_list_query_budget(client_for, django_assert_max_num_queries):
    client = client_for("viewer")
    # 6 queries: session, user, versions, user permissions, group permissions (both cached
    # with the accounts' version once read), plans (+ lead direction)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("actions:plan_list"))
    assert "DEL2023_012A" in response.content.decode()


def test_the_plan_page_shows_the_deliberation_as_adopted(client_for):
    html = (
        client_for("viewer")
        .get(reverse("actions:plan_detail", kwargs={"slug": COTENTIN}))
        .content.decode()
    )
    assert (
        "N° DEL2023_012A (date non précisée dans le texte de la délibération) · vote : "
        "167 pour, 0 contre, 9 abstentions"
    ) in html
    assert "environ 85\xa0000\xa0€ (Budget principal, compte 6188, LdC n°77592)" in html
