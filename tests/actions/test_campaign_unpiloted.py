"""The actions nobody would be reminded of: counted when the campaign opens, listed on its
page with « Nommer » for the ESS team; the bulk pilots page reachable from the plan."""

import datetime
from html import unescape

import pytest
from django.urls import reverse

from actions import drafting
from actions.models import Campaign, Plan
from essplan.models import Notification
from tests.conftest import COTENTIN, make_user

pytestmark = pytest.mark.django_db

NAME = reverse("actions:campaign_name_pilot", kwargs={"slug": COTENTIN, "year": 2025})
PAGE = reverse("actions:campaign_detail", kwargs={"slug": COTENTIN, "year": 2025})


@pytest.fixture
def campaign(plan):
    return Campaign.objects.create(
        plan=plan,
        year=2025,
        opens_on=datetime.date(2025, 11, 1),
        due_on=datetime.date(2025, 12, 15),
    )


@pytest.fixture
def nina(db):
    user = make_user("nina", "Pilote")
    user.first_name, user.last_name = "Nina", "Lefèvre"
    user.save(update_fields=["first_name", "last_name"])
    return user


def text(response):
    return unescape(response.content.decode())


def test_opening_says_how_many_actions_have_no_pilot_and_lands_on_their_list(
    client_for, plan, pilot
):
    client = client_for("editor")
    response = client.post(
        reverse("actions:campaign_create", kwargs={"slug": COTENTIN}),
        {"year": "2025", "opens_on": "2025-11-01", "due_on": "2025-12-15"},
    )
    assert response.status_code == 302
    assert response.url == f"{PAGE}#sans-pilote"
    page = text(client.get(PAGE))
    # 45 actions, 1.4.7 piloted by Paul.
    assert (
        "44 actions sur 45 n'ont pas de pilote : personne ne sera relancé pour elles ; "
        "nommez leurs pilotes ci-dessous."
    ) in page
    assert '<section id="sans-pilote"' in page
    assert "44 actions sans pilote" in page
    assert page.count('name="action" value="') == 44
    assert 'name="action" value="1.4.7"' not in page


def test_an_inactive_pilot_counts_as_none(client_for, plan, pilot, campaign):
    pilot.is_active = False
    pilot.save(update_fields=["is_active"])
    page = text(client_for("editor").get(PAGE))
    assert "45 actions sans pilote" in page and 'name="action" value="1.4.7"' in page


def test_the_comite_does_not_see_the_list(client_for, plan, campaign):
    page = text(client_for("viewer").get(PAGE))
    assert "sans-pilote" not in page and NAME not in page


def test_nommer_names_the_pilot_tells_them_and_comes_back(client_for, plan, campaign, nina):
    client = client_for("editor")
    page = text(client.get(PAGE))
    assert f'<option value="{nina.pk}">Nina Lefèvre</option>' in page
    response = client.post(NAME, {"action": "1.4.6", "user": nina.pk})
    assert response.status_code == 302 and response.url == f"{PAGE}#sans-pilote"
    action = plan.actions.get(code="1.4.6")
    assert list(action.pilots.all()) == [nina]
    told = Notification.objects.get(kind=Notification.Kind.PILOT_NAMED)
    assert (told.address, told.recipient) == (nina.email, nina)
    page = text(client.get(PAGE))
    assert (
        "Nina Lefèvre est pilote de l'action 1.4.6. Un courriel le lui dit ; les relances "
        "de la campagne le lui rappelleront."
    ) in page
    assert 'name="action" value="1.4.6"' not in page
    # Naming again (a second click, another tab) changes nothing and tells no one twice.
    client.post(NAME, {"action": "1.4.6", "user": nina.pk})
    assert action.pilots.count() == 1 and Notification.objects.count() == 1


def test_nommer_refusals(client_for, plan, campaign, nina, outsider):
    client = client_for("editor")
    response = client.post(NAME, {"action": "1.4.6", "user": ""}, follow=True)
    assert "Choisissez la personne à nommer pilote de l'action 1.4.6." in text(response)
    # Someone without a pilot's role, an action of no plan's, a forged id: not found.
    assert client.post(NAME, {"action": "1.4.6", "user": outsider.pk}).status_code == 404
    assert client.post(NAME, {"action": "9.9.9", "user": nina.pk}).status_code == 404
    assert client.post(NAME, {"action": "1.4.6", "user": "abc"}).status_code == 404
    other = reverse("actions:campaign_name_pilot", kwargs={"slug": COTENTIN, "year": 2024})
    assert client.post(other, {"action": "1.4.6", "user": nina.pk}).status_code == 404
    for persona in ("viewer", "pilot"):
        assert (
            client_for(persona).post(NAME, {"action": "1.4.6", "user": nina.pk}).status_code == 403
        )
    assert client_for("editor").get(NAME).status_code == 405
    assert not plan.actions.get(code="1.4.6").pilots.exists()
    assert not Notification.objects.exists()


def test_a_closed_plan_names_no_pilot(client_for, plan, campaign, nina):
    draft = drafting.draft_next_plan(
        plan, slug="cotentin-ess-2026-2028", first_year=2026, last_year=2028, codes=["1.4.7"]
    )
    Plan.objects.filter(pk=draft.pk).update(state=Plan.State.ADOPTED)
    Plan.objects.filter(pk=plan.pk).update(state=Plan.State.CLOSED)
    client = client_for("editor")
    assert client.post(NAME, {"action": "1.4.6", "user": nina.pk}).status_code == 403
    assert NAME not in text(client.get(PAGE))
    plan_page = text(client.get(reverse("actions:plan_detail", kwargs={"slug": COTENTIN})))
    assert reverse("actions:pilot_table", kwargs={"slug": COTENTIN}) not in plan_page


@pytest.mark.parametrize(
    ("persona", "linked"),
    [("viewer", False), ("pilot", False), ("editor", True), ("admin_user", True)],
)
def test_the_plan_links_the_pilots_page_for_those_who_may_use_it(client_for, plan, persona, linked):
    page = text(client_for(persona).get(reverse("actions:plan_detail", kwargs={"slug": COTENTIN})))
    assert (reverse("actions:pilot_table", kwargs={"slug": COTENTIN}) in page) is linked
