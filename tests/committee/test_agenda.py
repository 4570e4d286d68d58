"""A session's agenda: the proposals drawn from the plan, the team's edits, the sending, the
members' proposals and their moderation.

The seeded Cotentin plan (2023-2025) has no validated point, no campaign, no target: every
proposal below comes from the rows each test makes. Its current year is 2025, whose date of
reference is 31/12/2025 (today is after it)."""

import datetime
from email.header import decode_header, make_header

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actions.models import (
    Action,
    AgendaItem,
    Campaign,
    Decision,
    DiscussionRequest,
    Member,
    ProgressUpdate,
    Review,
    Session,
    Status,
)
from committee import agenda, agenda_edit
from committee.models import AgendaSending
from essplan import roles
from essplan.models import Notification
from indicators.models import Measurement, Target
from structures.models import Structure
from tests.conftest import COTENTIN, make_user
from tests.factories import AgendaItemFactory, SessionFactory

pytestmark = pytest.mark.django_db
Source = AgendaItem.Source
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def point(plan, code, year, status, review=Review.VALIDATED, progress=None):
    return ProgressUpdate.objects.create(
        action=plan.actions.get(code=code),
        year=year,
        status=status,
        progress=progress if progress is not None else 50,
        review=review,
    )


@pytest.fixture
def session(plan):
    return SessionFactory(plan=plan, date=datetime.date(2027, 1, 15))


def url(name, session, **kwargs):
    return reverse(f"committee:{name}", kwargs={"slug": COTENTIN, "pk": session.pk, **kwargs})


@pytest.fixture
def plan_state(plan, editor):
    """One row for each source of proposal, and rows each source must leave out."""
    late = plan.actions.get(code="1.1.1")
    late.end_date = datetime.date(2025, 6, 30)
    late.save(update_fields=["end_date"])
    point(plan, "1.1.1", 2025, Status.IN_PROGRESS, progress=40)
    point(plan, "1.1.2", 2024, Status.PAUSED)
    point(plan, "1.1.3", 2025, Status.ABANDONED)
    # A pause not validated yet moves nothing.
    point(plan, "1.2.1", 2025, Status.PAUSED, review=Review.SUBMITTED)
    # Done before its end date: not late.
    done = plan.actions.get(code="1.2.2")
    done.end_date = datetime.date(2024, 6, 30)
    done.save(update_fields=["end_date"])
    point(plan, "1.2.2", 2025, Status.DONE, progress=100)
    DiscussionRequest.objects.create(
        action=plan.actions.get(code="1.4.7"),
        reason="Le Café des ASSOS manque de lieux.",
        raised_by=editor,
    )
    closed = DiscussionRequest.objects.create(
        action=plan.actions.get(code="1.4.6"), reason="Réglé.", closed_at=timezone.now()
    )
    Campaign.objects.create(
        plan=plan,
        year=2025,
        opens_on=datetime.date(2025, 11, 1),
        due_on=datetime.date(2025, 12, 15),
    )
    missed = plan.indicators.get(code="C1")
    Target.objects.create(indicator=missed, year=2025, value=100)
    Measurement.objects.create(indicator=missed, year=2025, value=80)
    reached = plan.indicators.get(code="C2")
    Target.objects.create(indicator=reached, year=2025, value=100)
    Measurement.objects.create(indicator=reached, year=2025, value=120)
    earlier = SessionFactory(plan=plan, date=datetime.date(2026, 6, 15), state=Session.State.HELD)
    Decision.objects.create(
        session=earlier,
        action=late,
        text="Trouver un nouveau lieu pour les cafés projets.",
        carrier_name="Direction du développement économique",
        due_on=datetime.date(2026, 9, 30),
    )
    Decision.objects.create(
        session=earlier, text="Déjà faite.", done_at=timezone.now(), done_note="Faite."
    )
    later = SessionFactory(plan=plan, date=datetime.date(2027, 6, 15))
    Decision.objects.create(session=later, text="Une décision d'après.")
    return {"closed": closed}


def test_each_source_proposes_what_the_dashboard_figures_say(session, plan_state):
    found = agenda.proposals(session)
    assert [(p.source, p.action.code if p.action else None) for p in found] == [
        (Source.OPEN_DECISIONS, None),
        (Source.LATE, "1.1.1"),
        (Source.PAUSED, "1.1.2"),
        (Source.ABANDONED, "1.1.3"),
        (Source.TO_DISCUSS, "1.4.7"),
        (Source.MISSING_POINTS, None),
        (Source.INDICATOR, None),
    ]
    decisions, late, paused, abandoned, discuss, missing, indicator = found
    assert decisions.title == "Décisions encore ouvertes (1)"
    assert decisions.detail == (
        "- Trouver un nouveau lieu pour les cafés projets. (Séance du 15/06/2026, action 1.1.1, "
        "porteur : Direction du développement économique, échéance : 30/09/2026 (dépassée))"
    )
    assert late.title == (
        "Action 1.1.1 — Organiser des « cafés projets ESS » : en retard au 31/12/2025"
    )
    assert late.detail == (
        "Échéance : 30/06/2025. Statut : En cours (point validé 2025), avancement 40 %."
    )
    assert paused.title.endswith(" : suspendue au 31/12/2025")
    assert paused.detail == "Statut : En pause (point validé 2024), avancement 50 %."
    assert abandoned.title.endswith(" : abandonnée au 31/12/2025")
    assert discuss.title.endswith(" : à discuter")
    assert discuss.detail.endswith("par emile : Le Café des ASSOS manque de lieux.")
    # 45 actions; 1.1.1, 1.1.3 and 1.2.2 validated, 1.2.1 submitted for 2025: 41 awaited.
    assert missing.title == (
        "Points de la campagne 2025 manquants : 41 actions sans point soumis ni validé"
    )
    lines = missing.detail.splitlines()
    assert lines[0].startswith("- 1.1.2 ") and len(lines) == 21
    assert lines[-1] == "… et 21 autres."
    assert indicator.title == "Indicateurs hors cible (1)"
    assert indicator.detail == (
        "- C1 Établissements de l'ESS sur le territoire : 80 pour une cible de 100 en 2025"
    )


def test_nothing_is_proposed_from_a_plan_with_nothing_to_say(session):
    assert agenda.proposals(session) == []


def test_a_proposal_already_on_the_agenda_is_not_proposed_again(session, plan_state, editor):
    late = session.plan.actions.get(code="1.1.1")
    AgendaItemFactory(session=session, source=Source.LATE, action=late)
    AgendaItemFactory(session=session, source=Source.MISSING_POINTS)
    # A member's proposal set aside does not hide anything.
    AgendaItemFactory(
        session=session,
        source=Source.PAUSED,
        action=session.plan.actions.get(code="1.1.2"),
        state=AgendaItem.State.REFUSED,
    )
    sources = [p.source for p in agenda.proposals(session)]
    assert Source.LATE not in sources and Source.MISSING_POINTS not in sources
    assert Source.PAUSED in sources


def test_an_abandonment_taken_up_by_an_earlier_session_is_not_proposed_again(session, plan_state):
    earlier = Session.objects.get(date=datetime.date(2026, 6, 15))
    AgendaItemFactory(
        session=earlier, source=Source.ABANDONED, action=session.plan.actions.get(code="1.1.3")
    )
    assert Source.ABANDONED not in [p.source for p in agenda.proposals(session)]


def test_the_team_adds_several_proposals_at_once_and_the_discussion_request_closes(
    client_for, session, plan_state
):
    keys = [
        p.key for p in agenda.proposals(session) if p.source in (Source.LATE, Source.TO_DISCUSS)
    ]
    response = client_for("editor").post(
        url("agenda_add", session), {"propositions": [*keys, "retard:999999", "forgé"]}
    )
    assert response.status_code == 302
    items = list(agenda_edit.kept(session))
    assert [(item.position, item.source, item.action.code) for item in items] == [
        (1, Source.LATE, "1.1.1"),
        (2, Source.TO_DISCUSS, "1.4.7"),
    ]
    request = DiscussionRequest.objects.get(action__code="1.4.7", action__plan=session.plan)
    assert request.closed_at is not None and request.item == items[1]
    # Added twice (a second tab): nothing more.
    client_for("editor").post(url("agenda_add", session), {"propositions": keys})
    assert session.items.count() == 2


def test_removing_an_item_taken_from_a_request_opens_the_request_again(
    client_for, session, plan_state
):
    [key] = [p.key for p in agenda.proposals(session) if p.source == Source.TO_DISCUSS]
    client_for("editor").post(url("agenda_add", session), {"propositions": [key]})
    item = session.items.get()
    client_for("editor").post(url("agenda_item_remove", session, item=item.pk))
    assert not session.items.exists()
    assert (
        DiscussionRequest.objects.get(action__code="1.4.7", action__plan=session.plan).closed_at
        is None
    )


def test_items_move_up_and_down_and_are_numbered_again(client_for, session):
    first, second, third = (AgendaItemFactory(session=session, position=p) for p in (3, 7, 9))
    team = client_for("editor")
    team.post(url("agenda_item_move", session, item=third.pk), {"sens": "haut"})
    assert [i.pk for i in agenda_edit.kept(session)] == [first.pk, third.pk, second.pk]
    assert [i.position for i in agenda_edit.kept(session)] == [1, 2, 3]
    team.post(url("agenda_item_move", session, item=first.pk), {"sens": "bas"})
    assert [i.pk for i in agenda_edit.kept(session)] == [third.pk, first.pk, second.pk]
    # The first one up, the last one down: nothing moves.
    team.post(url("agenda_item_move", session, item=third.pk), {"sens": "haut"})
    team.post(url("agenda_item_move", session, item=second.pk), {"sens": "bas"})
    assert [i.pk for i in agenda_edit.kept(session)] == [third.pk, first.pk, second.pk]


def test_the_team_adds_a_free_item_with_a_document_whose_name_is_cleaned(client_for, session):
    action = session.plan.actions.get(code="1.4.7")
    response = client_for("editor").post(
        url("agenda", session),
        {
            "title": "Bilan du forum",
            "detail": "Présenté par la CRESS.",
            "action": action.pk,
            "document": SimpleUploadedFile("../../bilan\x07 final.html", PDF),
        },
    )
    assert response.status_code == 302
    item = session.items.get()
    assert (item.source, item.state, item.action, item.position) == (
        Source.TEAM,
        AgendaItem.State.KEPT,
        action,
        1,
    )
    stored = item.document.name.rsplit("/", 1)[-1]
    assert stored.endswith(".pdf") and ".." not in item.document.name and "\x07" not in stored
    download = client_for("viewer").get(url("agenda_item_download", session, item=item.pk))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


def test_a_document_too_large_or_not_a_document_is_refused(client_for, session, settings):
    item = AgendaItemFactory(session=session)
    team = client_for("editor")
    script = SimpleUploadedFile("ordre.pdf", b"#!/bin/sh\nrm -rf /\n")
    response = team.post(
        url("agenda_item_document", session, item=item.pk), {"document": script}, follow=True
    )
    assert "ni un PDF, ni une image" in response.content.decode()
    big = SimpleUploadedFile("gros.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = team.post(
        url("agenda_item_document", session, item=item.pk), {"document": big}, follow=True
    )
    assert "dépasse 10 Mo" in response.content.decode()
    item.refresh_from_db()
    assert not item.document


def test_a_forged_post_from_the_comite_changes_nothing(client_for, session, plan_state):
    item = AgendaItemFactory(session=session)
    viewer = client_for("viewer")
    for name, kwargs in [
        ("agenda_add", {}),
        ("agenda_send", {}),
        ("agenda_item_remove", {"item": item.pk}),
        ("agenda_item_move", {"item": item.pk}),
        ("item_keep", {"item": item.pk}),
        ("item_refuse", {"item": item.pk}),
    ]:
        assert (
            viewer.post(url(name, session, **kwargs), {"propositions": "retard:1"}).status_code
            == 403
        )
    assert viewer.post(url("agenda", session), {"title": "Forgé"}).status_code == 403
    assert list(session.items.all()) == [item]
    session.refresh_from_db()
    assert session.state == Session.State.PREPARED


def test_an_item_of_another_session_is_out_of_reach(client_for, session):
    other = AgendaItemFactory()
    response = client_for("editor").post(
        url("agenda_item_remove", session, item=other.pk), follow=True
    )
    assert "plus à l&#x27;ordre du jour" in response.content.decode()
    assert AgendaItem.objects.filter(pk=other.pk).exists()


def test_a_held_session_keeps_its_agenda(client_for, session):
    item = AgendaItemFactory(session=session)
    Session.objects.filter(pk=session.pk).update(state=Session.State.HELD)
    response = client_for("editor").post(
        url("agenda_item_remove", session, item=item.pk), follow=True
    )
    assert "ne change plus" in response.content.decode()
    assert session.items.exists()
    page = client_for("editor").get(url("agenda", session)).content.decode()
    assert "Cette séance est tenue" in page
    assert "Retirer" not in page and "Envoyer l" not in page


def subject(message):
    return str(make_header(decode_header(message["Subject"])))


def text_of(message):
    return message.get_payload()[0].get_payload(decode=True).decode().replace("\r\n", "\n")


@pytest.fixture
def members(session, viewer):
    no_address = make_user("sans-adresse", roles.VIEWER)
    no_address.email = ""
    no_address.save(update_fields=["email"])
    structures = list(Structure.objects.order_by("pk")[:2])
    Structure.objects.filter(pk=structures[0].pk).update(email="contact@cress-normandie.test")
    Structure.objects.filter(pk=structures[1].pk).update(email="")
    Member.objects.create(session=session, user=viewer)
    Member.objects.create(session=session, user=no_address)
    Member.objects.create(session=session, structure=structures[0])
    Member.objects.create(session=session, structure=structures[1])


def test_the_agenda_is_sent_once_per_address_and_again_as_modified(
    client_for, session, members, viewer, smtp_server, django_capture_on_commit_callbacks
):
    Session.objects.filter(pk=session.pk).update(
        starts_at=datetime.time(14, 30), video_link="https://visio.example.org/comite"
    )
    AgendaItemFactory(session=session, title="Décisions encore ouvertes", position=1)
    AgendaItemFactory(session=session, title="Bilan du forum", position=2)
    team = client_for("editor")
    page = team.get(url("agenda", session)).content.decode()
    assert "2 sans adresse de courriel" in page
    with django_capture_on_commit_callbacks(execute=True):
        team.post(url("agenda_send", session))
    session.refresh_from_db()
    assert session.state == Session.State.CONVENED and session.agenda_sent_at is not None
    assert sorted(m["To"] for m in smtp_server) == sorted(
        ["contact@cress-normandie.test", viewer.email]
    )
    assert subject(smtp_server[0]) == "[essplan] Comité de suivi du 15/01/2027 : ordre du jour"
    text = text_of(smtp_server[0])
    assert "vendredi 15 janvier 2027 à 14h30" in text
    assert "Visioconférence : https://visio.example.org/comite" in text
    assert "1. Décisions encore ouvertes\n2. Bilan du forum" in text
    assert "http://127.0.0.1:8000" + session.get_absolute_url() in text
    with django_capture_on_commit_callbacks(execute=True):
        team.post(url("agenda_send", session), {"envois": "1"})
    assert len(smtp_server) == 4
    assert subject(smtp_server[-1]) == (
        "[essplan] Comité de suivi du 15/01/2027 : ordre du jour modifié"
    )
    assert AgendaSending.objects.filter(session=session).count() == 2


def test_a_second_click_on_send_does_not_send_the_agenda_again(
    client_for, session, members, smtp_server, django_capture_on_commit_callbacks
):
    """Two posts of the same page (a double click, two members of the team): the second one
    saw no sending, and one has been made since: nobody gets a second mail saying the agenda
    changed when it did not."""
    AgendaItemFactory(session=session, title="Bilan du forum", position=1)
    team = client_for("editor")
    page = team.get(url("agenda", session)).content.decode()
    assert 'name="envois" value="0"' in page
    with django_capture_on_commit_callbacks(execute=True):
        team.post(url("agenda_send", session), {"envois": "0"})
    with django_capture_on_commit_callbacks(execute=True):
        response = team.post(url("agenda_send", session), {"envois": "0"}, follow=True)
    assert "vient d&#x27;être envoyé" in response.content.decode()
    assert AgendaSending.objects.filter(session=session).count() == 1
    assert len(smtp_server) == 2
    assert 'name="envois" value="1"' in team.get(url("agenda", session)).content.decode()


def test_an_empty_agenda_is_not_sent(client_for, session, members):
    response = client_for("editor").post(url("agenda_send", session), follow=True)
    assert "ordre du jour est vide" in response.content.decode()
    assert not Notification.objects.exists()
    session.refresh_from_db()
    assert session.state == Session.State.PREPARED


def test_a_member_proposes_and_the_team_keeps_or_sets_aside_telling_the_proposer(
    client_for, session, viewer, editor, smtp_server, django_capture_on_commit_callbacks
):
    AgendaItemFactory(session=session, position=4)
    member = client_for("viewer")
    with django_capture_on_commit_callbacks(execute=True):
        response = member.post(
            url("item_propose", session),
            {"title": "Les tiers-lieux", "detail": "Trois ouvertures en 2026."},
        )
    assert response.status_code == 302
    item = session.items.get(source=Source.MEMBER)
    assert (item.state, item.proposed_by) == (AgendaItem.State.PROPOSED, viewer)
    [told] = smtp_server
    assert told["To"] == editor.email
    assert "Trois ouvertures en 2026." in text_of(told)
    # Not on the kept agenda until the team keeps it.
    assert item not in agenda_edit.kept(session)
    team = client_for("editor")
    with django_capture_on_commit_callbacks(execute=True):
        team.post(url("item_keep", session, item=item.pk))
    item.refresh_from_db()
    assert (item.state, item.position) == (AgendaItem.State.KEPT, 5)
    assert smtp_server[-1]["To"] == viewer.email
    assert subject(smtp_server[-1]).endswith(" : retenu")
    second = AgendaItemFactory(
        session=session, source=Source.MEMBER, state=AgendaItem.State.PROPOSED, proposed_by=viewer
    )
    # No reason, no refusal.
    team.post(url("item_refuse", session, item=second.pk), {"reason": ""})
    second.refresh_from_db()
    assert second.state == AgendaItem.State.PROPOSED
    with django_capture_on_commit_callbacks(execute=True):
        team.post(url("item_refuse", session, item=second.pk), {"reason": "Hors du plan."})
    second.refresh_from_db()
    assert (second.state, second.refusal_reason) == (AgendaItem.State.REFUSED, "Hors du plan.")
    assert "Motif : Hors du plan." in text_of(smtp_server[-1])
    # Decided once: a second answer changes nothing.
    team.post(url("item_keep", session, item=second.pk))
    second.refresh_from_db()
    assert second.state == AgendaItem.State.REFUSED


def test_a_member_has_at_most_five_proposals_waiting(client_for, session, viewer):
    for _ in range(agenda_edit.MAX_PENDING):
        AgendaItemFactory(
            session=session,
            source=Source.MEMBER,
            state=AgendaItem.State.PROPOSED,
            proposed_by=viewer,
        )
    response = client_for("viewer").post(
        url("item_propose", session), {"title": "Un de trop", "detail": "Pourquoi pas."}
    )
    assert response.status_code == 400
    assert "déjà 5 propositions en attente" in response.content.decode()
    assert session.items.count() == agenda_edit.MAX_PENDING


def test_proposals_are_closed_after_their_date(client_for, session):
    Session.objects.filter(pk=session.pk).update(proposals_until=datetime.date(2026, 1, 1))
    response = client_for("viewer").post(
        url("item_propose", session), {"title": "Trop tard", "detail": "…"}
    )
    assert response.status_code == 403
    assert not session.items.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"title": "x" * 301, "detail": "ok"},
        {"title": "ok", "detail": "x" * 2001},
        {"title": "a\x00b", "detail": "ok"},
        {"title": "ok", "detail": "ok", "action": "99999999999999999999"},
        {"title": "ok", "detail": "ok", "action": "' OR 1=1 --"},
        {"title": "", "detail": "ok"},
    ],
)
def test_hostile_proposals_are_refused_without_error(client_for, session, data):
    response = client_for("viewer").post(url("item_propose", session), data)
    assert response.status_code == 400
    assert not session.items.exists()


def test_an_action_of_another_plan_cannot_be_named(client_for, session):
    foreign = Action.objects.exclude(plan=session.plan).first()
    response = client_for("editor").post(
        url("agenda", session), {"title": "Ailleurs", "action": foreign.pk}
    )
    assert response.status_code == 400
    assert not session.items.exists()


def test_the_comite_reads_only_the_kept_agenda(client_for, session, plan_state):
    AgendaItemFactory(session=session, title="Point retenu")
    AgendaItemFactory(
        session=session, title="Proposition en attente", state=AgendaItem.State.PROPOSED
    )
    page = client_for("viewer").get(url("agenda", session)).content.decode()
    assert "Point retenu" in page and "Proposition en attente" not in page
    assert "Propositions tirées du plan" not in page and "Retirer" not in page
    assert "Proposer un point" in page
    team_page = client_for("editor").get(url("agenda", session)).content.decode()
    assert "Propositions tirées du plan (7)" in team_page
    assert "Proposition en attente" in team_page


@pytest.mark.parametrize("count", [1, 8])
def test_the_agenda_page_costs_the_same_whatever_its_length(
    client_for, session, plan_state, members, viewer, django_assert_num_queries, count
):
    for _ in range(count):
        AgendaItemFactory(session=session, action=session.plan.actions.get(code="1.4.7"))
        AgendaItemFactory(
            session=session,
            state=AgendaItem.State.PROPOSED,
            proposed_by=viewer,
            action=session.plan.actions.get(code="1.4.6"),
        )
    team = client_for("editor")
    team.get(url("agenda", session))  # the indicators' computations are cached
    # 19 queries: the login session, the data versions; the session, its kept items, its
    # members; the proposals: items taken, open decisions, abandonments already taken up, the
    # actions' states, « À discuter » requests, the campaign, its awaited points and their
    # count (more than listed), indicators, targets, measurements; the pending proposals, the
    # last sending; the free item form's actions.
    with django_assert_num_queries(QUERIES):
        assert team.get(url("agenda", session)).status_code == 200


QUERIES = 19
