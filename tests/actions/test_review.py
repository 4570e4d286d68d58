"""The ESS team's review queue: « À valider » lists a campaign's submitted points oldest first,
each opens whole on its review page, a decision leads to the next one; the pilots of the
action re-read what they sent there and answer a point sent back."""

import datetime
import html
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from actions.models import Attachment, Campaign, ProgressUpdate, Review, ReviewComment
from essplan import roles
from essplan.models import Notification
from tests.conftest import COTENTIN, make_user

pytestmark = pytest.mark.django_db
QUEUE = reverse("actions:review_queue", kwargs={"slug": COTENTIN, "year": 2025})


@pytest.fixture
def campaign(plan):
    return Campaign.objects.create(
        plan=plan,
        year=2025,
        opens_on=datetime.date(2025, 11, 1),
        due_on=datetime.date(2025, 12, 15),
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the code under test left for after its commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def submit(plan, code, *, days_ago, author=None, **fields):
    """The 2025 point of action CODE, submitted DAYS_AGO days ago (its thread says when)."""
    point = ProgressUpdate.objects.create(
        action=plan.actions.get(code=code),
        year=2025,
        status="en_cours",
        progress=40,
        review=Review.SUBMITTED,
        author=author,
        **fields,
    )
    ReviewComment.objects.create(
        point=point,
        author=author,
        review=Review.SUBMITTED,
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    return point


def review_url(code, year=2025):
    return reverse("actions:point_review", kwargs={"slug": COTENTIN, "code": code, "year": year})


def text_of(response):
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text).replace("\xa0", " "))


def test_the_queue_lists_the_submitted_points_oldest_first_with_their_pilots(
    client_for, plan, action, pilot, campaign, django_assert_num_queries
):
    submit(plan, "3.5.1", days_ago=2, author=pilot)
    submit(plan, "1.4.7", days_ago=9, author=pilot)
    submit(plan, "2.1.1", days_ago=5)
    draft = submit(plan, "1.4.6", days_ago=20)
    ProgressUpdate.objects.filter(pk=draft.pk).update(review=Review.DRAFT)
    ProgressUpdate.objects.create(action=action, year=2024, review=Review.SUBMITTED)
    client = client_for("editor")
    # 10 queries: session, data versions, user, permissions (user's, group's), plan,
    # campaign, count and page of the points (with their action, author and submission
    # date), their pilots' names
    with django_assert_num_queries(10):
        response = client.get(QUEUE)
    assert [point.action.code for point in response.context["page"]] == ["1.4.7", "2.1.1", "3.5.1"]
    text = text_of(response)
    assert "3 points à valider" in text
    assert re.search(
        r"1\.4\.7 · [^·]+ Paul Pilote \d\d/\d\d/\d{4} à \d\d:\d\d ?par Paul Pilote "
        r"Relire le point 2025 de 1\.4\.7",
        text,
    )
    assert f'href="{review_url("1.4.7")}"' in response.content.decode()
    # The campaign page and the dashboard's campaign lead there, with the count.
    assert "3 points à valider" in text_of(client.get(campaign.get_absolute_url()))
    assert "3 points à valider" in text_of(client.get(reverse("reports:home") + "?annee=2025"))
    assert "à valider" not in text_of(client_for("viewer").get(campaign.get_absolute_url()))


def test_after_each_decision_the_next_submitted_point_opens_then_the_queue(
    client_for, plan, action, pilot, campaign
):
    first = submit(plan, "1.4.7", days_ago=9)
    second = submit(plan, "2.1.1", days_ago=5)
    third = submit(plan, "3.5.1", days_ago=2)
    client = client_for("editor")
    # Opened from the queue's middle: after it, the next one, then the one left before it.
    response = client.post(review_url("2.1.1"), {"version": second.version, "decision": "valide"})
    assert response.url == review_url("3.5.1")
    response = client.post(
        review_url("3.5.1"),
        {"version": third.version, "decision": "a_revoir", "text": "Combien de participants ?"},
    )
    assert response.url == review_url("1.4.7")
    response = client.post(
        review_url("1.4.7"), {"version": first.version, "decision": "valide"}, follow=True
    )
    assert response.redirect_chain == [(QUEUE, 302)]
    text = text_of(response)
    assert "Le point 2025 de l'action 1.4.7 est validé." in text
    assert "Tous les points soumis sont relus." in text
    assert "Aucun point n'attend votre relecture." in text
    assert dict(ProgressUpdate.objects.filter(year=2025).values_list("action__code", "review")) == {
        "1.4.7": "valide",
        "2.1.1": "valide",
        "3.5.1": "a_revoir",
    }


def test_the_review_page_shows_the_whole_point_beside_last_years_and_its_thread(
    client_for, plan, action, pilot, campaign, django_assert_num_queries
):
    ProgressUpdate.objects.create(
        action=action,
        year=2024,
        status="en_cours",
        progress=20,
        review=Review.VALIDATED,
        achievements="Un premier café.",
    )
    point = submit(
        plan,
        "1.4.7",
        days_ago=3,
        author=pilot,
        achievements="Trois cafés, 85 participants.",
        difficulties="Peu de monde au sud.",
        next_steps="Un café à Carentan.",
    )
    attachment = Attachment(
        point=point, name="bilan.pdf", size=9, content_type="application/pdf", uploaded_by=pilot
    )
    attachment.file.save("bilan.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
    attachment.save()
    client = client_for("editor")
    # 12 queries: session, data versions, user, permissions (user's, group's), action (+
    # plan), point (+ author), the pilots' names, the thread (+ authors), last year's point
    # (+ author), the campaign, the attachments (+ who uploaded them). (The team does not
    # pilot: whether it pilots the action is not asked.)
    with django_assert_num_queries(12):
        response = client.get(review_url("1.4.7"))
    text = text_of(response)
    for shown in [
        "Point 2025",
        "40 %",
        "Trois cafés, 85 participants.",
        "Peu de monde au sud.",
        "Un café à Carentan.",
        "Point 2024, pour comparer",
        "20 %",
        "Un premier café.",
        "bilan.pdf 9 octets",
        "Pilote : Paul Pilote",
        "soumis le",
        "Décision",
        "Valider",
        "Renvoyer au pilote",
    ]:
        assert shown in text, shown
    page = response.content.decode()
    assert (
        reverse(
            "actions:attachment_download",
            kwargs={"slug": COTENTIN, "code": "1.4.7", "year": 2025, "pk": attachment.pk},
        )
        in page
    )
    assert '<textarea name="text" cols="40" rows="6"' in page
    assert f'name="version" value="{point.version}"' in page


def test_who_reads_and_who_decides(client_for, plan, action, pilot, other_pilot, campaign):
    point = submit(plan, "1.4.7", days_ago=1, author=pilot)
    decision = {"version": point.version, "decision": "valide"}
    url = review_url("1.4.7")
    anonymous = client_for("anonymous").get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/connexion/")
    # The pilot re-reads what it sent, but does not decide.
    pilot_page = client_for("pilot").get(url)
    assert pilot_page.status_code == 200
    assert "Point 2025" in text_of(pilot_page) and "Décision" not in text_of(pilot_page)
    assert client_for("pilot").post(url, decision).status_code == 403
    # Neither the pilot of another action nor the comité reads it here (the comité reads the
    # action's page), nor decides.
    for persona in ["other_pilot", "viewer"]:
        client = client_for(persona)
        assert client.get(url).status_code == 403
        assert client.post(url, decision).status_code == 403
        assert client.get(QUEUE).status_code == 403
    point.refresh_from_db()
    assert point.review == Review.SUBMITTED and point.comments.count() == 1
    assert client_for("editor").post(url, decision).status_code == 302
    point.refresh_from_db()
    assert point.review == Review.VALIDATED
    # The action page offers the review page, not a cramped form in the table.
    point.review = Review.SUBMITTED
    point.save(update_fields=["review"])
    detail = client_for("editor").get(action.get_absolute_url()).content.decode()
    assert "Relire et décider" in detail and 'name="decision"' not in detail


def test_a_decision_on_a_point_changed_meanwhile_keeps_the_comment_typed(
    client_for, plan, action, pilot, campaign
):
    point = submit(plan, "1.4.7", days_ago=1, author=pilot)
    opened = point.version
    ProgressUpdate.objects.filter(pk=point.pk).update(progress=60)  # the team corrects it
    response = client_for("editor").post(
        review_url("1.4.7"),
        {"version": opened, "decision": "a_revoir", "text": "Précisez les participants."},
    )
    assert response.status_code == 409
    text = text_of(response)
    assert "Ce point a changé depuis que vous l'avez ouvert" in text
    assert "60 %" in text
    page = response.content.decode()
    assert re.search(r'<textarea name="text"[^>]*>\s*Précisez les participants.</textarea>', page)
    point.refresh_from_db()
    assert f'name="version" value="{point.version}"' in page and point.version != opened
    assert point.review == Review.SUBMITTED and point.comments.count() == 1
    # Decided by someone else meanwhile: no form, the comment still there to copy.
    ProgressUpdate.objects.filter(pk=point.pk).update(review=Review.VALIDATED)
    response = client_for("editor").post(
        review_url("1.4.7"),
        {"version": point.version, "decision": "a_revoir", "text": "Précisez les participants."},
    )
    assert response.status_code == 409
    assert "il est maintenant « Validé »" in text_of(response)
    assert re.search(r"readonly>Précisez les participants.</textarea>", response.content.decode())


def test_the_pilot_answers_a_point_sent_back_and_the_team_is_told_once(
    client_for, plan, action, pilot, editor, campaign, smtp_server, committed
):
    second = make_user("ines", roles.EDITOR)
    point = submit(plan, "1.4.7", days_ago=3, author=pilot)
    client_for("editor").post(
        review_url("1.4.7"),
        {"version": point.version, "decision": "a_revoir", "text": "Combien de participants ?"},
    )
    smtp_server.clear()
    client = client_for("pilot")
    page = client.get(review_url("1.4.7"))
    assert "Répondre à l'équipe ESS" in text_of(page) and "Corriger le point 2025" in text_of(page)
    reply = reverse("actions:point_reply", kwargs={"slug": COTENTIN, "code": "1.4.7", "year": 2025})
    assert "Écrivez votre réponse" in text_of(client.post(reply, {"text": " "}))
    with committed():
        response = client.post(
            reply, {"text": "35 participants, la liste est jointe."}, follow=True
        )
    assert "Votre réponse est envoyée à l'équipe ESS." in text_of(response)
    point.refresh_from_db()
    assert point.review == Review.TO_REVISE
    answer = point.comments.last()
    assert (answer.author, answer.review, answer.text) == (
        pilot,
        Review.TO_REVISE,
        "35 participants, la liste est jointe.",
    )
    assert sorted(message["To"] for message in smtp_server) == sorted([editor.email, second.email])
    assert list(
        Notification.objects.filter(kind=Notification.Kind.POINT_REPLIED).values_list(
            "object_id", flat=True
        )
    ) == [answer.pk, answer.pk]
    body = smtp_server[0].get_payload()[0].get_payload(decode=True).decode()
    assert "Paul Pilote répond à votre retour sur le point 2025 de l'action 1.4.7" in body
    assert "http://127.0.0.1:8000" + review_url("1.4.7") in body
    # Once submitted again, no answer is taken; another action's pilot never answers.
    ProgressUpdate.objects.filter(pk=point.pk).update(review=Review.SUBMITTED)
    assert client.post(reply, {"text": "Encore"}).status_code == 403
    ProgressUpdate.objects.filter(pk=point.pk).update(review=Review.TO_REVISE)
    assert client_for("other_pilot").post(reply, {"text": "Intrus"}).status_code == 403
    assert point.comments.count() == 3


def test_a_point_sent_back_reads_corriger_for_its_pilot(client_for, plan, action, pilot, campaign):
    ProgressUpdate.objects.create(action=action, year=2025, review=Review.TO_REVISE)
    client = client_for("pilot")
    mine = text_of(client.get(reverse("actions:my_actions")))
    assert "Corriger le point 2025 de 1.4.7" in mine and "Saisir le point 2025 de 1.4.7" not in mine
    assert "Voir le point 2025 de 1.4.7" in mine
    detail = text_of(client.get(action.get_absolute_url()))
    assert "Corriger le point 2025" in detail and "Voir le point 2025" in detail
    # The ESS team modifies, whatever the state.
    assert "Corriger le point" not in text_of(client_for("editor").get(action.get_absolute_url()))
