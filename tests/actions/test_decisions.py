"""The comité's decisions as follow-up items of their actions: who reads, closes and flags
them; closing one on the action's page or with the campaign's point (all or nothing); the
« À discuter » flag; « Mes actions » and the dashboard; the rows the pages read."""

import datetime
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actions import decisions
from actions.access import (
    may_close_decision,
    may_flag,
    may_lower_flag,
    may_read_decisions,
)
from actions.models import (
    Attachment,
    Campaign,
    Decision,
    DiscussionRequest,
    Plan,
    ProgressUpdate,
    Review,
)
from tests.conftest import COTENTIN
from tests.factories import HeldSessionFactory, OpenDecisionFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ACTION = {"slug": COTENTIN, "code": "1.4.7"}
PAGE = reverse("actions:action_detail", kwargs=ACTION)
FORM = reverse("actions:progress_edit", kwargs={**ACTION, "year": 2025})
FLAG = reverse("actions:action_flag", kwargs=ACTION)
LOWER = reverse("actions:action_flag_lower", kwargs=ACTION)
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def close_url(decision):
    return reverse("actions:decision_close", kwargs={**ACTION, "pk": decision.pk})


def text_of(response):
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text).replace("\xa0", " "))


@pytest.fixture
def campaign(plan):
    return Campaign.objects.create(
        plan=plan,
        year=2025,
        opens_on=datetime.date(2025, 11, 1),
        due_on=datetime.date(2025, 12, 15),
    )


@pytest.fixture
def decision(action):
    return OpenDecisionFactory(action=action, text="Relancer la CRESS", due_on=YESTERDAY)


def point_entry(**changes):
    """The point form as a pilot sends it (a draft)."""
    return {
        "status": "en_cours",
        "progress": "60",
        "date": "2025-11-20",
        "achievements": "Deux Cafés des ASSOS.",
        "draft": "1",
        **changes,
    }


# Who reads, closes, flags -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "reads", "closes", "flags", "lowers"),
    [
        ("pilot", True, True, True, False),
        ("other_pilot", False, False, False, False),
        ("viewer", True, False, False, False),
        ("editor", True, True, True, True),
        ("admin_user", True, True, True, True),
        ("outsider", False, False, False, False),
    ],
)
def test_who_reads_closes_and_flags(
    request, action, decision, persona, reads, closes, flags, lowers
):
    user = request.getfixturevalue(persona)
    assert may_read_decisions(user, action) is reads
    assert may_close_decision(user, decision) is closes
    assert may_flag(user, action) is flags
    assert may_lower_flag(user, action) is lowers


def test_on_a_closed_plan_only_those_who_manage_plans_write(
    action, decision, pilot, editor, admin_user
):
    Plan.objects.filter(pk=action.plan_id).update(state=Plan.State.CLOSED)
    action.plan.refresh_from_db()
    decision.action = action
    for user in (pilot, editor):
        assert may_read_decisions(user, action)
        assert not may_close_decision(user, decision)
        assert not may_flag(user, action)
    assert may_close_decision(admin_user, decision) and may_lower_flag(admin_user, action)


def test_a_closed_plan_refuses_a_pilots_close_and_flag_with_the_reason(
    client_for, action, decision, pilot
):
    Plan.objects.filter(pk=action.plan_id).update(state=Plan.State.CLOSED)
    client = client_for("pilot")
    response = client.post(close_url(decision), {"note": "Fait."})
    assert response.status_code == 403
    assert "Ce plan est clos" in response.content.decode()
    assert client.post(FLAG, {"reason": "Bloquée"}).status_code == 403
    decision.refresh_from_db()
    assert decision.done_at is None and not DiscussionRequest.objects.exists()


# The action's page ----------------------------------------------------------------------


def test_the_pilot_reads_open_decisions_first_late_marked_then_done_ones(
    client_for, action, pilot, editor
):
    carrier = UserFactory(first_name="Camille", last_name="Porteuse")
    session = HeldSessionFactory(plan=action.plan, date=datetime.date(2025, 3, 4))
    OpenDecisionFactory(
        action=action,
        session=session,
        text="Ouvrir un second café",
        due_on=TOMORROW,
        carrier=carrier,
    )
    OpenDecisionFactory(action=action, session=session, text="Relancer la CRESS", due_on=YESTERDAY)
    OpenDecisionFactory(
        action=action,
        session=session,
        text="Trouver une salle",
        done_at=timezone.make_aware(datetime.datetime(2025, 5, 6, 10, 0)),
        done_by=editor,
        done_note="Salle du Vox réservée",
    )
    editor.first_name, editor.last_name = "Émile", "Équipe"
    editor.save(update_fields=["first_name", "last_name"])
    page = text_of(client_for("pilot").get(PAGE))
    section = page[page.index("Décisions du comité de suivi") : page.index("Points d'avancement")]
    assert section.index("Relancer la CRESS en retard") < section.index("Ouvrir un second café")
    assert section.index("Ouvrir un second café") < section.index("Trouver une salle")
    assert "Ouvrir un second café Comité du 4 mars 2025 · porteur : Camille Porteuse" in section
    assert section.count("en retard") == 1
    assert (
        "Trouver une salle (comité du 4 mars 2025) réalisée le 6 mai 2025 par Émile Équipe : "
        "Salle du Vox réservée"
    ) in section
    assert section.count("Marquer réalisée") == 2
    assert "Proposer au comité (À discuter)" in section


def test_another_pilot_does_not_see_the_decisions_and_the_comite_cannot_close(
    client_for, decision, other_pilot, viewer
):
    assert "Relancer la CRESS" not in client_for("other_pilot").get(PAGE).content.decode()
    page = text_of(client_for("viewer").get(PAGE))
    assert "Relancer la CRESS" in page
    assert "Marquer réalisée" not in page and "Proposer au comité" not in page


def test_the_pilot_closes_a_decision_with_what_was_done(client_for, decision, pilot):
    response = client_for("pilot").post(close_url(decision), {"note": "Courrier envoyé."})
    assert response.status_code == 302 and response.url == f"{PAGE}#decisions"
    decision.refresh_from_db()
    assert decision.done_by == pilot and decision.done_note == "Courrier envoyé."
    assert timezone.now() - decision.done_at < datetime.timedelta(minutes=1)


def test_closing_without_a_note_is_refused_in_french_and_closes_nothing(
    client_for, decision, pilot
):
    response = client_for("pilot").post(close_url(decision), {"note": "   "})
    assert response.status_code == 200
    assert "Dites ce qui a été fait pour déclarer la décision réalisée" in text_of(response)
    decision.refresh_from_db()
    assert decision.done_at is None


def test_closing_twice_says_who_closed_it_and_when(client_for, decision, pilot, editor):
    editor.first_name, editor.last_name = "Émile", "Équipe"
    editor.save(update_fields=["first_name", "last_name"])
    decisions.close(decision, user=editor, note="Fait par l'équipe.")
    when = timezone.localtime(Decision.objects.get(pk=decision.pk).done_at)
    response = client_for("pilot").post(close_url(decision), {"note": "Fait."}, follow=True)
    assert f"a déjà été déclarée réalisée le {when:%d/%m/%Y à %H:%M} par Émile Équipe" in text_of(
        response
    )
    decision.refresh_from_db()
    assert decision.done_by == editor and decision.done_note == "Fait par l'équipe."


def test_a_stale_copy_cannot_close_a_decision_closed_meanwhile(decision, pilot, editor):
    stale = Decision.objects.get(pk=decision.pk)
    decisions.close(decision, user=editor, note="Premier.")
    with pytest.raises(decisions.AlreadyDone):
        decisions.close(stale, user=pilot, note="Second.")
    assert Decision.objects.get(pk=decision.pk).done_note == "Premier."


def test_a_decision_of_another_action_is_not_found(client_for, action, pilot):
    elsewhere = OpenDecisionFactory(action=action.plan.actions.get(code="1.4.6"))
    response = client_for("pilot").post(close_url(elsewhere), {"note": "Fait."})
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.done_at is None


def test_late_marking(action):
    today = timezone.localdate()
    late = OpenDecisionFactory(action=action, due_on=today - datetime.timedelta(days=1))
    due_today = OpenDecisionFactory(action=action, due_on=today)
    undated = OpenDecisionFactory(action=action, due_on=None)
    OpenDecisionFactory(
        action=action,
        due_on=today - datetime.timedelta(days=9),
        done_at=timezone.now(),
        done_note="Fait.",
    )
    assert late.is_late() and not due_today.is_late() and not undated.is_late()
    figures = decisions.decision_figures(action.plan)
    assert (figures.open, figures.late, figures.most_late) == (3, 1, [late])


# The « À discuter » flag --------------------------------------------------------------------


def test_the_pilot_raises_the_flag_and_the_team_lowers_it(client_for, action, pilot, editor):
    response = client_for("pilot").post(FLAG, {"reason": "Partenaire défaillant"}, follow=True)
    assert "L'action 1.4.7 est proposée au comité de suivi" in text_of(response)
    flag = DiscussionRequest.objects.get(action=action, closed_at__isnull=True)
    assert flag.raised_by == pilot and flag.reason == "Partenaire défaillant"
    page = text_of(client_for("pilot").get(PAGE))
    assert "À discuter au prochain comité : Partenaire défaillant" in page
    assert "par Paul Pilote" in page and "Retirer" not in page
    assert client_for("pilot").post(LOWER).status_code == 403
    client = client_for("editor")
    assert "Retirer « À discuter »" in text_of(client.get(PAGE))
    client.post(LOWER)
    flag.refresh_from_db()
    assert flag.closed_at is not None


def test_a_second_flag_at_once_is_refused_without_a_500(client_for, action, pilot, editor):
    # The flag someone raised an instant before: the view does not look first, the unique
    # constraint decides.
    DiscussionRequest.objects.create(action=action, reason="Premier", raised_by=editor)
    response = client_for("pilot").post(FLAG, {"reason": "Second"}, follow=True)
    assert response.status_code == 200
    assert "L'action 1.4.7 est déjà « À discuter »" in text_of(response)
    assert list(DiscussionRequest.objects.values_list("reason", flat=True)) == ["Premier"]


def test_a_flag_needs_a_reason_and_the_comite_cannot_raise_it(client_for, action, viewer, pilot):
    assert client_for("viewer").post(FLAG, {"reason": "x"}).status_code == 403
    response = client_for("pilot").post(FLAG, {"reason": ""})
    assert "Dites pourquoi le comité devrait en discuter." in text_of(response)
    assert not DiscussionRequest.objects.exists()


# The campaign's point form -------------------------------------------------------------


def test_ticked_decisions_close_with_the_point(client_for, action, campaign, pilot, decision):
    kept = OpenDecisionFactory(action=action, text="Pas encore")
    client = client_for("pilot")
    assert "Décisions du comité à traiter" in text_of(client.get(FORM))
    response = client.post(
        FORM,
        point_entry(
            **{f"decision-{decision.pk}-done": "on", f"decision-{decision.pk}-note": "Relancée."}
        ),
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    kept.refresh_from_db()
    assert decision.done_by == pilot and decision.done_note == "Relancée."
    assert kept.done_at is None
    assert ProgressUpdate.objects.filter(action=action, year=2025).exists()


def test_a_ticked_decision_without_its_note_refuses_everything_and_keeps_the_input(
    client_for, action, campaign, pilot, decision
):
    other = OpenDecisionFactory(action=action)
    response = client_for("pilot").post(
        FORM,
        {
            **point_entry(achievements="Texte gardé"),
            f"decision-{other.pk}-done": "on",
            f"decision-{other.pk}-note": "Fait aussi.",
            f"decision-{decision.pk}-done": "on",
            f"decision-{decision.pk}-note": "",
            "attachments": [SimpleUploadedFile("bilan.pdf", PDF)],
        },
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "Dites ce qui a été fait pour déclarer la décision réalisée" in page
    assert "Texte gardé" in page and "Fait aussi." in page
    assert not ProgressUpdate.objects.filter(action=action, year=2025).exists()
    assert not Attachment.objects.exists()
    assert Decision.objects.open().count() == 2


def test_a_refused_point_closes_nothing(client_for, action, campaign, pilot, decision):
    response = client_for("pilot").post(
        FORM,
        point_entry(
            progress="150",
            **{f"decision-{decision.pk}-done": "on", f"decision-{decision.pk}-note": "Fait."},
        ),
    )
    assert response.status_code == 200
    assert "L'avancement est un pourcentage entre 0 et 100." in text_of(response)
    decision.refresh_from_db()
    assert decision.done_at is None


def test_a_point_in_version_conflict_closes_nothing(client_for, action, campaign, pilot, decision):
    # The point was created by someone else after the pilot opened the empty form.
    ProgressUpdate.objects.create(
        action=action, year=2025, status="en_cours", progress=10, review=Review.DRAFT
    )
    response = client_for("pilot").post(
        FORM,
        point_entry(
            **{f"decision-{decision.pk}-done": "on", f"decision-{decision.pk}-note": "Fait."},
        ),
    )
    assert response.status_code == 409
    decision.refresh_from_db()
    assert decision.done_at is None


def test_a_note_without_its_box_is_refused(client_for, action, campaign, pilot, decision):
    response = client_for("pilot").post(
        FORM, point_entry(**{f"decision-{decision.pk}-note": "Fait."})
    )
    assert "Cochez « réalisée »" in text_of(response)
    assert not ProgressUpdate.objects.filter(action=action, year=2025).exists()


def test_a_decision_closed_meanwhile_refuses_the_point_saying_who(
    client_for, action, campaign, pilot, editor, decision
):
    editor.first_name, editor.last_name = "Émile", "Équipe"
    editor.save(update_fields=["first_name", "last_name"])
    decisions.close(decision, user=editor, note="Par l'équipe.")
    response = client_for("pilot").post(
        FORM,
        point_entry(
            **{f"decision-{decision.pk}-done": "on", f"decision-{decision.pk}-note": "Moi."}
        ),
    )
    assert response.status_code == 200
    assert "a déjà été déclarée réalisée le" in text_of(response)
    assert "par Émile Équipe" in text_of(response)
    assert not ProgressUpdate.objects.filter(action=action, year=2025).exists()
    assert Decision.objects.get(pk=decision.pk).done_note == "Par l'équipe."


def test_a_decision_closed_between_the_check_and_the_save_rolls_the_point_back(
    client_for, action, campaign, pilot, editor, decision, monkeypatch
):
    real_close = decisions.close

    def closed_first(target, *, user, note):
        Decision.objects.filter(pk=target.pk).update(
            done_at=timezone.now(), done_by=editor, done_note="Avant."
        )
        return real_close(target, user=user, note=note)

    monkeypatch.setattr(decisions, "close", closed_first)
    response = client_for("pilot").post(
        FORM,
        point_entry(
            **{f"decision-{decision.pk}-done": "on", f"decision-{decision.pk}-note": "Moi."}
        ),
    )
    assert response.status_code == 200
    assert "a déjà été déclarée réalisée le" in text_of(response)
    assert not ProgressUpdate.objects.filter(action=action, year=2025).exists()


def test_forged_decision_boxes_of_another_action_close_nothing(client_for, action, campaign, pilot):
    elsewhere = OpenDecisionFactory(action=action.plan.actions.get(code="1.4.6"))
    client_for("pilot").post(
        FORM,
        point_entry(
            **{f"decision-{elsewhere.pk}-done": "on", f"decision-{elsewhere.pk}-note": "Forgé"}
        ),
    )
    elsewhere.refresh_from_db()
    assert elsewhere.done_at is None


# « Mes actions » and the dashboard ---------------------------------------------------------


def test_my_actions_lists_the_pilots_open_decisions_late_marked(
    client_for, action, pilot, decision, django_assert_num_queries
):
    OpenDecisionFactory(action=action, text="À venir", due_on=TOMORROW)
    OpenDecisionFactory(action=action, text="Close", done_at=timezone.now(), done_note="Fait.")
    OpenDecisionFactory(action=action.plan.actions.get(code="1.4.6"), text="Pas la sienne")
    client = client_for("pilot")
    page = text_of(client.get(reverse("actions:my_actions")))
    section = page[page.index("Décisions du comité à traiter") :]
    assert "Action 1.4.7 · Relancer la CRESS en retard" in section
    assert "Action 1.4.7 · À venir Comité" in section
    assert "Close" not in section and "Pas la sienne" not in section
    assert f'href="{PAGE}#decisions"' in client.get(reverse("actions:my_actions")).content.decode()


def test_a_decision_is_followed_once_its_session_is_held(client_for, action, pilot, campaign):
    """Until « Séance tenue » the team may still change a decision's action or delete it:
    its pilot neither reads nor closes it, on the action's page, in « Mes actions » or with
    the point."""
    recording = SessionFactory(plan=action.plan, date=timezone.localdate())
    draft = OpenDecisionFactory(action=action, session=recording, text="Encore au relevé")
    client = client_for("pilot")
    assert "Encore au relevé" not in text_of(client.get(reverse("actions:my_actions")))
    assert "Encore au relevé" not in text_of(client.get(PAGE))
    assert client.post(close_url(draft), {"note": "Fait."}).status_code == 404
    assert decisions.to_close(action, [draft.pk]).count() == 0
    draft.refresh_from_db()
    assert draft.done_at is None


def my_actions_queries(client, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        assert client.get(reverse("actions:my_actions")).status_code == 200
    return len(captured)


def test_my_actions_queries_do_not_grow_with_decisions(
    client_for, action, pilot, django_assert_max_num_queries
):
    client = client_for("pilot")
    OpenDecisionFactory(action=action)
    few = my_actions_queries(client, django_assert_max_num_queries, 20)
    OpenDecisionFactory.create_batch(20, action=action, carrier=UserFactory())
    assert my_actions_queries(client, django_assert_max_num_queries, few) == few


def test_the_action_page_queries_do_not_grow_with_decisions(
    client_for, action, pilot, django_assert_max_num_queries
):
    client = client_for("pilot")
    OpenDecisionFactory(action=action)
    with django_assert_max_num_queries(40) as first:
        client.get(PAGE)
    OpenDecisionFactory.create_batch(10, action=action, carrier=UserFactory())
    OpenDecisionFactory.create_batch(
        10, action=action, done_at=timezone.now(), done_by=UserFactory(), done_note="Fait."
    )
    DiscussionRequest.objects.create(action=action, reason="x", raised_by=UserFactory())
    with django_assert_max_num_queries(len(first)):
        assert client.get(PAGE).status_code == 200


def test_the_point_form_queries_do_not_grow_with_decisions(
    client_for, action, campaign, pilot, django_assert_max_num_queries
):
    client = client_for("pilot")
    OpenDecisionFactory(action=action)
    with django_assert_max_num_queries(40) as first:
        client.get(FORM)
    OpenDecisionFactory.create_batch(10, action=action, carrier=UserFactory())
    with django_assert_max_num_queries(len(first)):
        assert client.get(FORM).status_code == 200


def test_the_dashboard_shows_the_next_session_and_the_late_decisions(
    client_for, action, decision, pilot
):
    SessionFactory(plan=action.plan, date=TOMORROW, place="Salle du conseil")
    OpenDecisionFactory(action=action, due_on=TOMORROW)
    page = text_of(client_for("viewer").get(reverse("reports:home")))
    block = page[page.index("Comité de suivi Prochaine séance") :]
    assert f"Prochaine séance : le {TOMORROW:%-d}" in block and "Salle du conseil" in block
    today = timezone.localdate()
    assert f"2 décisions du comité ouvertes au {today:%d/%m/%Y}, dont 1 en retard." in block
    assert f"1.4.7 · Relancer la CRESS échéance le {YESTERDAY:%d/%m/%Y}" in block
    # A pilot reads only its actions' decisions: not the plan's block.
    assert "Prochaine séance" not in text_of(client_for("pilot").get(reverse("reports:home")))


# Hostile input -----------------------------------------------------------------------------


def test_hostile_notes_and_reasons_are_bounded_and_escaped(client_for, action, decision, pilot):
    client = client_for("pilot")
    response = client.post(close_url(decision), {"note": "x" * 5001})
    assert "5000 caractères" in text_of(response)
    script = "<script>alert(1)</script>\x00"
    response = client.post(close_url(decision), {"note": script})
    assert response.status_code == 200  # the NUL character is refused by the form
    client.post(close_url(decision), {"note": "<script>alert(1)</script>"})
    client.post(FLAG, {"reason": "<img src=x onerror=alert(1)>"})
    markup = client.get(PAGE).content.decode()
    assert "<script>alert(1)</script>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "<img src=x" not in markup
    assert (
        client.post(
            reverse("actions:decision_close", kwargs={**ACTION, "pk": 10**30}), {"note": "x"}
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    "key",
    [
        "decision-99999999999999999999-done",
        "decision-٣-done",
        "decision--1-done",
        "decision-abc-done",
        "decision-1\x00-done",
    ],
)
def test_hostile_decision_boxes_in_the_point_form_are_ignored(
    client_for, action, campaign, pilot, decision, key
):
    response = client_for("pilot").post(FORM, {**point_entry(), key: "on"})
    assert response.status_code in (302, 400)
    decision.refresh_from_db()
    assert decision.done_at is None


# Demonstration data ------------------------------------------------------------------------

FICTITIOUS = "Décision fictive (données de démonstration)"


def test_a_fictitious_sessions_decisions_are_marked_wherever_they_show(
    client_for, action, campaign, pilot, decision
):
    demo = HeldSessionFactory(plan=action.plan, is_fictitious=True)
    OpenDecisionFactory(action=action, session=demo, text="Exemple ouvert", due_on=YESTERDAY)
    OpenDecisionFactory(
        action=action,
        session=demo,
        text="Exemple clos",
        done_at=timezone.now(),
        done_note="Fait pour l'exemple.",
    )
    client = client_for("pilot")
    mark = f"{FICTITIOUS} Comité"
    # The action's page: the open decision and the closed one; the real one is not marked.
    page = text_of(client.get(PAGE))
    assert f"Exemple ouvert en retard {mark}" in page
    assert f"Exemple clos (comité du {demo.date:%-d}" in page
    assert page.count(FICTITIOUS) == 2
    # « Mes actions », the point's form and the dashboard: once each, on the demo decision.
    mine = text_of(client.get(reverse("actions:my_actions")))
    assert f"Exemple ouvert en retard {mark}" in mine and mine.count(FICTITIOUS) == 1
    form = text_of(client.get(FORM))
    assert f"Exemple ouvert {mark}" in form and form.count(FICTITIOUS) == 1
    board = text_of(client_for("viewer").get(reverse("reports:home")))
    assert f"Exemple ouvert {FICTITIOUS} échéance" in board
    assert board.count(FICTITIOUS) == 1
