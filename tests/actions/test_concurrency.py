"""Two editors, one record: the second save is refused, the first one's work is kept."""

import datetime
import html

import pytest
from django.test import Client
from django.urls import reverse

from actions.models import Action, BudgetLine, Campaign, ProgressUpdate
from essplan import roles
from tests.conftest import COTENTIN, make_user

pytestmark = pytest.mark.django_db


def fiche(action, **changes):
    data = {
        "version": "1",
        "priority": "normale",
        "planned_years": ["2023", "2024", "2025"],
        "pilot_direction": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def editors(editor):
    second = make_user("berenice", roles.EDITOR)
    first_client, second_client = Client(), Client()
    first_client.force_login(editor)
    second_client.force_login(second)
    return first_client, second_client


def test_second_save_of_the_same_fiche_is_refused_and_shows_what_changed(editors, action):
    url = action.url("actions:action_edit")
    first, second = editors
    # Both open the fiche at version 1.
    assert 'name="version" value="1"' in first.get(url).content.decode()
    assert 'name="version" value="1"' in second.get(url).content.decode()

    saved = first.post(url, fiche(action, description="Cafés des ASSOS trimestriels."))
    assert saved.status_code == 302

    refused = second.post(
        url, fiche(action, description="Version de Bérénice", location="Valognes")
    )
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "Modification concurrente : votre enregistrement est refusé" in html
    assert '<th scope="row">Descriptif</th><td>—</td><td>Cafés des ASSOS trimestriels.</td>' in html
    assert "Version de Bérénice" in html  # what she typed is still in the form

    action.refresh_from_db()
    assert action.description == "Cafés des ASSOS trimestriels."
    assert action.location == ""
    assert action.version == 2


def test_saving_again_from_the_current_version_succeeds(editors):
    action = Action.objects.get(plan__slug=COTENTIN, code="2.1.1")
    url = action.url("actions:action_edit")
    first, second = editors
    first.post(url, fiche(action, description="Première"))
    assert second.post(url, fiche(action, description="Seconde", version="2")).status_code == 302
    action.refresh_from_db()
    assert (action.description, action.version) == ("Seconde", 3)


def test_concurrent_progress_update_edit_is_refused(editors):
    action = Action.objects.get(plan__slug=COTENTIN, code="3.5.1")
    ProgressUpdate.objects.create(action=action, year=2025, status="en_cours", progress=20)
    url = action.url("actions:progress_edit", year=2025)
    first, second = editors
    data = {"version": "1", "status": "en_cours", "date": "2025-10-01"}
    assert first.post(url, {**data, "progress": "60"}).status_code == 302
    assert second.post(url, {**data, "progress": "30"}).status_code == 409
    assert ProgressUpdate.objects.get(action=action, year=2025).progress == 60


def test_concurrent_budget_line_edit_is_refused(editors):
    action = Action.objects.get(plan__slug=COTENTIN, code="3.5.1")
    line = BudgetLine.objects.create(action=action, year=2025, label="Forum", planned=1000)
    url = action.url("actions:budget_line_edit", pk=line.pk)
    first, second = editors
    data = {
        "version": "1",
        "year": "2025",
        "section": "fonctionnement",
        "flow": "depense",
        "label": "Forum",
    }
    assert first.post(url, {**data, "planned": "1 500"}).status_code == 302
    response = second.post(url, {**data, "planned": "900"})
    assert response.status_code == 409
    assert "Prévu (€)" in response.content.decode()
    line.refresh_from_db()
    assert line.planned == 1500


def test_a_save_from_any_other_path_moves_the_version_on(editors):
    # The admin, an import or a script save without knowing about versions: the
    # database trigger bumps the version, so an editor's stale form is still refused.
    action = Action.objects.get(plan__slug=COTENTIN, code="1.6.1")
    first, _ = editors
    assert (
        'name="version" value="1"' in first.get(action.url("actions:action_edit")).content.decode()
    )
    action.resources = "Guide des achats responsables"
    action.save()
    action.refresh_from_db()
    assert action.version == 2
    response = first.post(action.url("actions:action_edit"), fiche(action, resources="Autre texte"))
    assert response.status_code == 409
    action.refresh_from_db()
    assert action.resources == "Guide des achats responsables"


def test_two_first_entries_of_a_yearly_point_the_second_gets_the_conflict_screen(editors):
    action = Action.objects.get(plan__slug=COTENTIN, code="2.2.1")
    url = action.url("actions:progress_edit", year=2025)
    first, second = editors
    # Both open the form of a year without a point: no version is promised.
    for client in (first, second):
        assert '<input type="hidden" name="version" class="form-control" id="id_version">' in (
            client.get(url).content.decode()
        )
    data = {"version": "", "status": "en_cours", "date": "2025-10-01"}
    assert (
        first.post(url, {**data, "progress": "60", "achievements": "Forum tenu"}).status_code == 302
    )
    refused = second.post(url, {**data, "progress": "30", "achievements": "Version de Bérénice"})
    assert refused.status_code == 409
    html = refused.content.decode()
    assert '<th scope="row">Réalisations</th><td>—</td><td>Forum tenu</td>' in html
    assert "Version de Bérénice" in html  # her input is kept in the form
    update = ProgressUpdate.objects.get(action=action, year=2025)
    assert (update.progress, update.achievements, update.version) == (60, "Forum tenu", 1)


def test_a_first_entry_created_at_the_same_moment_is_a_conflict_not_an_error(editor):
    # Both requests found no row; the other one's INSERT came first: the unique constraint
    # refuses this one, which becomes a conflict with what the other stored.
    from actions.forms import ProgressUpdateForm
    from essplan.versioning import ConcurrentEdit, save_form

    action = Action.objects.get(plan__slug=COTENTIN, code="2.2.2")
    form = ProgressUpdateForm(
        {"version": "", "status": "en_cours", "progress": "30", "date": "2025-10-01"},
        instance=ProgressUpdate(action=action, year=2025),
    )
    assert form.is_valid()
    ProgressUpdate.objects.create(action=action, year=2025, status="realisee", progress=100)
    with pytest.raises(ConcurrentEdit) as raised:
        save_form(form=form, author=editor)
    assert ("avancement (%)", "—", "100") in [
        (str(label), old, new) for label, old, new in raised.value.changes
    ]
    assert ProgressUpdate.objects.get(action=action, year=2025).progress == 100


def test_two_people_saving_the_campaign_form_the_second_is_told_and_keeps_her_input(editors, plan):
    campaign = Campaign.objects.create(
        plan=plan,
        year=2025,
        opens_on=datetime.date(2025, 11, 1),
        due_on=datetime.date(2025, 12, 15),
        message="Premier",
    )
    url = reverse("actions:campaign_edit", kwargs={"slug": COTENTIN, "year": 2025})
    first, second = editors
    for client in editors:
        assert 'name="version" value="1"' in client.get(url).content.decode()
    form = {"year": "2025", "opens_on": "2025-11-01", "version": "1"}
    saved = first.post(url, {**form, "due_on": "2025-12-20", "message": "Relu par Émile"})
    assert saved.status_code == 302
    refused = second.post(url, {**form, "due_on": "2026-01-10", "message": "Texte de Bérénice"})
    assert refused.status_code == 409
    page = html.unescape(refused.content.decode())
    assert "Modification concurrente : votre enregistrement est refusé" in page
    assert "Date limite</th><td>15 décembre 2025</td><td>20 décembre 2025</td>" in page
    assert "Texte de Bérénice" in page  # her input is still in the form
    campaign.refresh_from_db()
    assert (campaign.due_on, campaign.message) == (datetime.date(2025, 12, 20), "Relu par Émile")
