import pytest
from django.urls import reverse

from actions.models import Plan
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "plan", "axis", "objective", "action", "direction", "progressupdate", "budgetline", "event",
]


@pytest.mark.parametrize("model", CHANGELISTS)
def test_admin_changelists_open_for_administrators(client_for, model):
    response = client_for("admin_user").get(reverse(f"admin:actions_{model}_changelist"))
    assert response.status_code == 200


def test_action_changelist_searches_and_filters(client_for):
    client = client_for("admin_user")
    url = reverse("admin:actions_action_changelist")
    cotentin = Plan.objects.get(slug=COTENTIN).pk
    response = client.get(url, {"q": "PTCE"})
    # Cotentin's 1.4.6 by its title, Caen la mer's 4 by its description
    assert [action.code for action in response.context["cl"].result_list] == ["1.4.6", "4"]
    response = client.get(url, {"q": "PTCE", "plan__id__exact": cotentin})
    assert [action.code for action in response.context["cl"].result_list] == ["1.4.6"]
    response = client.get(url, {"plan__id__exact": cotentin})
    assert response.context["cl"].result_count == 45
    assert client.get(url, {"priority__exact": "haute"}).context["cl"].result_count == 0


def test_admin_is_in_french(client_for):
    html = client_for("admin_user").get(reverse("admin:index")).content.decode()
    assert "Plans d’actions" in html or "Plans d&#x27;actions" in html
    assert "Axes stratégiques" in html
    assert "Objectifs opérationnels" in html


@pytest.mark.parametrize("persona", ["viewer", "editor"])
def test_admin_changelist_is_closed_to_non_administrators(client_for, persona):
    response = client_for(persona).get(reverse("admin:actions_action_changelist"))
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_action_change_page_with_its_follow_up_inlines(client_for, action):


    response = client_for("admin_user").get(reverse("admin:actions_action_change", args=[action.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Points d’avancement" in html or "Points d&#x27;avancement" in html


@pytest.mark.parametrize("model", ["structure", "commune", "legalform", "nafcode"])
def test_directory_changelists_open_for_administrators(client_for, model):
    response = client_for("admin_user").get(reverse(f"admin:structures_{model}_changelist"))
    assert response.status_code == 200


def test_admin_offers_the_directory_import(client_for):
    response = client_for("admin_user").get(reverse("admin:structures_structure_import"))
    assert response.status_code == 200
    assert "Importer" in response.content.decode()


@pytest.mark.parametrize("model", ["indicator", "measurement"])
def test_indicator_changelists_open_for_administrators(client_for, model):
    response = client_for("admin_user").get(reverse(f"admin:indicators_{model}_changelist"))
    assert response.status_code == 200
