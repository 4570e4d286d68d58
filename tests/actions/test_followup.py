"""Progress updates, budget lines and events, as an editor records them in the browser."""

import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from actions.models import Action, BudgetLine, Direction, Event, ProgressUpdate, Status
from tests.conftest import COTENTIN
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def progress_url(action, year):
    return action.url("actions:progress_edit", year=year)


def test_editor_records_a_progress_update(client_for, action, editor):
    client = client_for("editor")
    response = client.post(
        progress_url(action, 2025),
        {
            "status": "en_cours",
            "progress": "40",
            "date": "2025-06-30",
            "achievements": "Deux Cafés des ASSOS.",
            "difficulties": "",
            "next_steps": "Un troisième",
        },
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(action=action, year=2025)
    assert (update.status, update.progress, update.author) == (Status.IN_PROGRESS, 40, editor)
    annotated = Action.objects.with_status().get(pk=action.pk)
    assert (annotated.current_status, annotated.current_progress) == ("en_cours", 40)


def test_a_second_update_for_the_same_year_edits_it(client_for, action):
    client = client_for("editor")
    data = {"status": "en_cours", "progress": "40", "date": "2025-06-30"}
    client.post(progress_url(action, 2025), data)
    form_page = client.get(progress_url(action, 2025)).content.decode()
    assert 'value="40"' in form_page
    client.post(
        progress_url(action, 2025),
        {**data, "status": "realisee", "progress": "100", "version": "1"},
    )
    assert ProgressUpdate.objects.filter(action=action).count() == 1
    assert ProgressUpdate.objects.get(action=action, year=2025).status == Status.DONE


def test_current_status_is_the_latest_years(action):
    ProgressUpdate.objects.create(action=action, year=2023, status=Status.DONE, progress=100)
    ProgressUpdate.objects.create(action=action, year=2024, status=Status.PAUSED, progress=60)
    annotated = Action.objects.with_status().get(pk=action.pk)
    assert (annotated.current_status, annotated.current_progress, annotated.status_year) == (
        "en_pause",
        60,
        2024,
    )


def test_action_without_update_is_sans_point_not_a_venir(action):
    annotated = Action.objects.with_status().get(pk=action.pk)
    # Its progress is unknown, not 0 % (an average leaves it out).
    assert (annotated.current_status, annotated.current_progress) == ("sans_point", None)
    assert annotated.current_status_label == "Sans point"


@pytest.mark.parametrize(
    ("end", "status", "as_of", "late"),
    [
        (datetime.date(2024, 12, 31), None, datetime.date(2025, 6, 1), True),
        (datetime.date(2024, 12, 31), Status.IN_PROGRESS, datetime.date(2025, 6, 1), True),
        (datetime.date(2024, 12, 31), Status.DONE, datetime.date(2025, 6, 1), False),
        (datetime.date(2024, 12, 31), Status.ABANDONED, datetime.date(2025, 6, 1), False),
        (datetime.date(2099, 12, 31), Status.IN_PROGRESS, datetime.date(2025, 6, 1), False),
        # Without an end date of its own, an action ends with its plan (31 December 2025).
        (None, Status.IN_PROGRESS, datetime.date(2025, 12, 31), False),
        (None, Status.IN_PROGRESS, datetime.date(2026, 1, 1), True),
        (None, None, datetime.date(2026, 11, 30), True),
        (None, Status.DONE, datetime.date(2026, 11, 30), False),
    ],
)
def test_late_is_computed_from_end_date_and_status(action, end, status, as_of, late):
    action.end_date = end
    action.save(update_fields=["end_date"])
    if status:
        ProgressUpdate.objects.create(action=action, year=2024, status=status)
    assert Action.objects.with_status(as_of=as_of).get(pk=action.pk).is_late is late


@pytest.mark.parametrize(
    ("progress", "message"),
    [
        ("140", "L&#x27;avancement est un pourcentage entre 0 et 100."),
        ("-5", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        ("beaucoup", "Saisissez un nombre entier."),
    ],
)
def test_progress_outside_0_100_is_refused_in_french(client_for, action, progress, message):
    response = client_for("editor").post(
        progress_url(action, 2024),
        {
            "status": "en_cours",
            "progress": progress,
            "date": "2024-05-01",
            "achievements": "Texte saisi à conserver",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Texte saisi à conserver" in html
    assert not ProgressUpdate.objects.filter(action=action).exists()


@pytest.mark.parametrize(
    ("status", "progress", "date", "field", "message"),
    [
        ("realisee", "90", "2024-12-15", "progress", "Une action réalisée est avancée à 100 %"),
        ("a_venir", "10", "2024-12-15", "progress", "Une action à venir est avancée à 0 %"),
        (
            "en_cours",
            "40",
            "2023-12-31",
            "date",
            "Le point 2024 ne peut pas être daté d&#x27;avant le 1er janvier 2024.",
        ),
    ],
)
def test_status_percentage_and_date_must_agree(
    client_for, action, status, progress, date, field, message
):
    response = client_for("editor").post(
        progress_url(action, 2024),
        {"status": status, "progress": progress, "date": date, "achievements": "À garder"},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert message in response.content.decode()
    assert "À garder" in response.content.decode()
    assert not ProgressUpdate.objects.filter(action=action).exists()


def test_the_admin_checks_a_point_the_same_way(client_for, action):
    response = client_for("admin_user").post(
        reverse("admin:actions_progressupdate_add"),
        {
            "action": action.pk,
            "year": "2024",
            "date": "2024-06-01",
            "status": "realisee",
            "progress": "50",
        },
    )
    assert response.status_code == 200
    assert "Une action réalisée est avancée à 100 %" in response.content.decode()
    assert not ProgressUpdate.objects.filter(action=action).exists()


def test_a_point_lower_than_last_years_is_saved_with_a_warning(client_for, action):
    ProgressUpdate.objects.create(action=action, year=2023, status=Status.IN_PROGRESS, progress=60)
    client = client_for("editor")
    response = client.post(
        progress_url(action, 2024),
        {"status": "en_cours", "progress": "45", "date": "2024-11-15"},
        follow=True,
    )
    assert ProgressUpdate.objects.get(action=action, year=2024).progress == 45
    text = html.unescape(response.content.decode()).replace("\xa0", " ")
    assert "L'avancement de l'action 1.4.7 baisse : 60 % au point 2023, 45 % au point 2024." in text
    # Going up says nothing of the kind.
    response = client.post(
        progress_url(action, 2024),
        {"status": "en_cours", "progress": "70", "date": "2024-11-15", "version": "1"},
        follow=True,
    )
    assert "baisse" not in response.content.decode()


def test_a_year_outside_the_plan_is_not_found(client_for, action):
    assert client_for("editor").get(progress_url(action, 2026)).status_code == 404


def test_budget_line_accepts_french_amounts(client_for, action):
    response = client_for("editor").post(
        action.url("actions:budget_line_create"),
        {
            "year": "2024",
            "section": "fonctionnement",
            "flow": "depense",
            "chapter": "011",
            "label": "Location de salle",
            "planned": "1 234,50",
            "committed": "1\u202f000",
            "spent": "999.99",
            "co_funder": "Région Normandie",
        },
    )
    assert response.status_code == 302
    line = BudgetLine.objects.get(action=action)
    assert (line.planned, line.committed, line.spent) == (
        Decimal("1234.50"),
        Decimal("1000.00"),
        Decimal("999.99"),
    )


@pytest.mark.parametrize(
    ("planned", "message"),
    [
        ("-10", "Un montant ne peut pas être négatif."),
        ("20 000 000", "Montant invraisemblable"),
        ("douze", "Saisissez un montant, par exemple 1 234,50."),
        ("12,345", "Assurez-vous qu’il n’y a pas plus de 2 chiffres après la virgule."),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_saved(client_for, action, planned, message):
    response = client_for("editor").post(
        action.url("actions:budget_line_create"),
        {
            "year": "2024",
            "section": "fonctionnement",
            "flow": "depense",
            "label": "Ma ligne",
            "planned": planned,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Ma ligne"' in html
    assert not BudgetLine.objects.filter(action=action).exists()


def test_budget_line_year_must_be_a_plan_year(client_for, action):
    response = client_for("editor").post(
        action.url("actions:budget_line_create"),
        {
            "year": "2022",
            "section": "fonctionnement",
            "flow": "depense",
            "label": "Trop tôt",
            "planned": "10",
        },
    )
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not BudgetLine.objects.filter(action=action).exists()


def test_deleting_a_budget_line_asks_for_confirmation_first(client_for, action):
    line = BudgetLine.objects.create(action=action, year=2024, label="Affiches", planned=5)
    client = client_for("editor")
    page = client.get(action.get_absolute_url()).content.decode()
    url = action.url("actions:budget_line_delete", pk=line.pk)
    # The action page's « Supprimer » is a link to a page that asks; nothing is deleted yet.
    assert f'href="{url}"' in page
    confirm = client.get(url)
    text = confirm.content.decode()
    assert "Supprimer la ligne budgétaire « Affiches » (2024) de l&#x27;action 1.4.7 ?" in text
    assert f'href="{action.get_absolute_url()}">Annuler</a>' in text
    assert BudgetLine.objects.filter(pk=line.pk).exists()
    response = client.post(url)
    assert response.url == action.get_absolute_url()
    assert not BudgetLine.objects.filter(pk=line.pk).exists()


def test_a_new_budget_line_is_for_the_current_year_with_empty_amounts(client_for, action):
    form = client_for("editor").get(action.url("actions:budget_line_create")).context["form"]
    # The plan runs 2023-2025 and today is past its end: its current year is its last.
    assert form["year"].value() == action.plan.current_year == 2025
    assert [form[name].value() for name in ("planned", "committed", "spent")] == [None] * 3


def test_budget_line_of_another_action_is_not_found(client_for, action):
    other = Action.objects.get(plan__slug=COTENTIN, code="1.1.1")
    line = BudgetLine.objects.create(action=other, year=2024, label="Autre", planned=5)
    url = action.url("actions:budget_line_edit", pk=line.pk)
    assert client_for("editor").get(url).status_code == 404


def test_editor_records_an_event_linked_to_actions(client_for, action):
    other = Action.objects.get(plan__slug=COTENTIN, code="3.5.1")
    response = client_for("editor").post(
        reverse("actions:event_create", kwargs={"slug": COTENTIN}),
        {
            "date": "2025-03-14",
            "kind": "forum",
            "title": "Forum de l'ESS",
            "place": "Cherbourg-en-Cotentin",
            "participants": "180",
            "actions": [action.pk, other.pk],
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(title="Forum de l'ESS")
    assert set(event.actions.values_list("code", flat=True)) == {"1.4.7", "3.5.1"}
    html = client_for("viewer").get(action.get_absolute_url()).content.decode()
    assert "Forum de l&#x27;ESS (Cherbourg-en-Cotentin) · 180 participants" in html


def test_event_outside_the_plan_years_is_refused(client_for):
    response = client_for("editor").post(
        reverse("actions:event_create", kwargs={"slug": COTENTIN}),
        {
            "date": "2019-03-14",
            "kind": "forum",
            "title": "Ancien forum",
        },
    )
    assert "La date doit tomber pendant le plan (2023-2025)." in response.content.decode()
    assert not Event.objects.exists()


def test_event_list_counts_events_and_participants_by_kind(client_for):
    plan = Action.objects.get(plan__slug=COTENTIN, code="1.1.1").plan
    for day, kind, people in [(1, "cafe_projet", 12), (2, "cafe_projet", 8), (3, "forum", None)]:
        Event.objects.create(
            plan=plan,
            date=datetime.date(2024, 4, day),
            kind=kind,
            title=f"Événement {day}",
            participants=people,
        )
    html = (
        client_for("viewer").get(reverse("actions:event_list", kwargs={"slug": COTENTIN})).content
    )
    html = html.decode()
    assert (
        '<th scope="row" class="fw-normal">Café projet</th><td class="text-end">2</td><td class="text-end">20</td>'
        in html
    )
    # The forum's attendance was not entered: « n. r. », not 0 (as it read before issue #29).
    assert (
        '<th scope="row" class="fw-normal">Forum</th><td class="text-end">1</td><td class="text-end">n. r.</td>'
        in html
    )


def test_viewer_sees_no_edit_control(client_for, action):
    BudgetLine.objects.create(action=action, year=2024, label="Ligne", planned=5)
    html = client_for("viewer").get(action.get_absolute_url()).content.decode()
    for control in [
        "Modifier la fiche",
        "Saisir",
        "Ajouter une ligne",
        "Supprimer",
        "Ajouter un événement",
        "Historique",
        '<form method="post" action="/plans',
    ]:
        assert control not in html
    html = client_for("editor").get(action.get_absolute_url()).content.decode()
    assert "Modifier la fiche" in html and "Supprimer" in html


def test_fiche_end_before_start_is_refused_and_keeps_the_input(client_for, action):
    response = client_for("editor").post(
        action.url("actions:action_edit"),
        {
            "version": "1",
            "priority": "normale",
            "description": "Mon descriptif",
            "start_date": "2025-06-01",
            "end_date": "2024-01-31",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "La date de fin doit être postérieure à la date de début." in html
    assert "Mon descriptif" in html
    action.refresh_from_db()
    assert (action.description, action.version) == ("", 1)


def test_editor_fills_the_fiche(client_for, action):
    direction = Direction.objects.get(short_name="Développement économique")
    response = client_for("editor").post(
        action.url("actions:action_edit"),
        {
            "version": "1",
            "priority": "haute",
            "description": "Cafés trimestriels",
            "target_publics": "Associations du territoire",
            "pilot_direction": direction.pk,
            "associated_directions": [direction.pk],
            "planned_years": ["2024", "2025"],
            "start_date": "2024-01-01",
            "end_date": "2025-12-31",
            "location": "Valognes",
            "partners_text": "CRESS Normandie",
            "expected_impacts": "Interconnaissance",
            "resources": "Chargée de mission ESS",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.planned_years == [2024, 2025]
    assert action.end_date == datetime.date(2025, 12, 31)
    assert list(action.associated_directions.all()) == [direction]
    assert action.version == 2


def test_editor_edits_and_deletes_an_event(client_for, action):
    event = Event.objects.create(
        plan=action.plan, date=datetime.date(2024, 9, 12), title="Salon", kind="salon"
    )
    client = client_for("editor")
    url = reverse("actions:event_edit", kwargs={"slug": COTENTIN, "pk": event.pk})
    response = client.post(
        url,
        {
            "version": "1",
            "date": "2024-09-13",
            "kind": "salon",
            "title": "Salon des achats responsables",
            "participants": "95",
            "actions": [action.pk],
        },
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.participants, event.version) == (
        "Salon des achats responsables",
        95,
        2,
    )
    delete = reverse("actions:event_delete", kwargs={"slug": COTENTIN, "pk": event.pk})
    assert "Supprimer l&#x27;événement « Salon des achats responsables » du 13/09/2024 ?" in (
        client.get(delete).content.decode()
    )
    assert Event.objects.filter(pk=event.pk).exists()
    assert client.post(delete).status_code == 302
    assert not Event.objects.filter(pk=event.pk).exists()


def test_an_event_added_from_an_action_page_leads_back_to_it(client_for, action):
    client = client_for("editor")
    url = reverse("actions:event_create", kwargs={"slug": COTENTIN}) + "?action=1.4.7"
    page = client.get(url)
    html = page.content.decode()
    assert f'<a href="{action.get_absolute_url()}">Action 1.4.7</a>' in html
    assert f'href="{action.get_absolute_url()}">Annuler</a>' in html
    assert list(page.context["form"]["actions"].value()) == [action.pk]
    response = client.post(
        url, {"date": "2025-03-14", "kind": "forum", "title": "Forum", "actions": [action.pk]}
    )
    assert response.url == action.get_absolute_url()
    assert Event.objects.get(title="Forum").actions.get() == action
    # From the event list, the list is where one returns.
    response = client.post(
        reverse("actions:event_create", kwargs={"slug": COTENTIN}),
        {"date": "2025-03-15", "kind": "forum", "title": "Forum bis", "actions": [action.pk]},
    )
    assert response.url == reverse("actions:event_list", kwargs={"slug": COTENTIN})


def test_event_list_query_budget(client_for, action, django_assert_max_num_queries):
    EventFactory.create_batch(40, plan=action.plan, participants=7, actions=[action])
    client = client_for("viewer")
    # session, user, versions, 2 permissions (cached with the auth version once read),
    # plan, counts by kind, page count, page of events, their actions = 10
    with django_assert_max_num_queries(10):
        assert (
            client.get(reverse("actions:event_list", kwargs={"slug": COTENTIN})).status_code == 200
        )


def test_editor_links_directory_structures_as_partners(client_for, action):
    from structures.models import Structure

    client = client_for("editor")
    url = action.url("actions:action_partners")
    found = list(client.get(url, {"q": "recyclerie"}).context["found"])
    assert [s.name for s in found] == sorted(s.name for s in found) and len(found) == 3
    client.post(url, {"structure": found[0].pk, "q": "recyclerie"})
    assert list(action.partner_structures.all()) == [found[0]]
    html = client.get(action.get_absolute_url()).content.decode()
    assert f'<a href="/structures/{found[0].pk}/">{found[0].name}</a>' in html
    assert found[0] not in client.get(url, {"q": "recyclerie"}).context["found"]
    client.post(url, {"structure": found[0].pk, "remove": "1"})
    assert not action.partner_structures.exists()
    assert Structure.objects.filter(pk=found[0].pk).exists()
