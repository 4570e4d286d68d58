import pytest

from actions.models import Action, BudgetLine
from essplan import history
from tests.factories import BudgetLineFactory

pytestmark = pytest.mark.django_db


def test_history_shows_who_changed_what_from_what_to_what(client_for, action):
    client = client_for("editor")
    client.post(
        action.url("actions:action_edit"),
        {
            "version": "1",
            "priority": "haute",
            "location": "Cherbourg-en-Cotentin",
            "planned_years": ["2024"],
            "pilot_direction": "",
        },
    )
    client.post(
        action.url("actions:progress_edit", year=2024),
        {"status": "realisee", "progress": "100", "date": "2024-12-15"},
    )
    html = client.get(action.url("actions:action_history")).content.decode()
    assert html.count("<td>emile</td>") == 2
    assert (
        '<span class="fw-semibold">Priorité</span> : <del>Non précisée</del> → <ins>Haute</ins>'
        in html
    )
    assert (
        '<span class="fw-semibold">Lieu</span> : <del>—</del> → <ins>Cherbourg-en-Cotentin</ins>'
        in html
    )
    assert '<span class="fw-semibold">Statut</span> : <ins>Réalisée</ins>' in html


def test_changes_outside_the_app_are_recorded_too(action):
    # An import, a script or a raw UPDATE: the database trigger still records it.
    Action.objects.filter(pk=action.pk).update(title="Titre changé par un script")
    BudgetLine.objects.create(action=action, year=2025, label="Ligne importée", planned=10)
    entries = {(entry.what, entry.label): entry for entry in history.for_object(action)}
    update = entries[("Action", "Modification")]
    assert update.who == "Système (import, script)"
    assert (
        "intitulé",
        "Organiser et soutenir des événements favorisant l'interconnaissance (Café des ASSOS, …)",
        "Titre changé par un script",
    ) in update.changes
    assert entries[("Ligne budgétaire", "Création")].who == "Système (import, script)"


def test_history_page_query_budget(client_for, action, django_assert_max_num_queries):
    BudgetLineFactory.create_batch(20, action=action, year=2025)
    client = client_for("editor")
    # session, user, 2 permissions, action, events (one query over every history table),
    # context users, then one query per model that a shown foreign key points to:
    # objective, direction, user, event = 11 at most, whatever the number of events.
    with django_assert_max_num_queries(11):
        assert client.get(action.url("actions:action_history")).status_code == 200


def test_history_prints_values_as_the_pages_do_with_the_authors_name(client_for, action, editor):
    editor.first_name, editor.last_name = "Émile", "Martin"
    editor.save()
    client = client_for("editor")
    client.post(
        action.url("actions:budget_line_create"),
        {
            "year": "2024",
            "section": "fonctionnement",
            "flow": "depense",
            "label": "Forum",
            "planned": "812,30",
        },
    )
    client.post(
        action.url("actions:action_edit"),
        {
            "version": "1",
            "priority": "normale",
            "planned_years": ["2023", "2024", "2025"],
            "pilot_direction": "",
        },
    )
    html = client.get(action.url("actions:action_history")).content.decode()
    assert "<td>Émile Martin</td>" in html
    assert "812,3" in html and "812,300000000" not in html
    assert "2023, 2024 et 2025" in html and "[2023, 2024, 2025]" not in html
