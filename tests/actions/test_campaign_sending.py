"""« Prochains envois »: who the campaign writes to, what and when, read from the code that
sends; « Envoyer maintenant » for the reminders due and for the pending hand-offs."""

import datetime
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from actions import pilots, reminders, sending
from actions.models import Campaign, ReminderSent
from essplan import roles
from essplan.models import Notification
from jobs.models import Job, Status
from tests.conftest import COTENTIN, make_user

pytestmark = pytest.mark.django_db

OPENS, DUE = datetime.date(2025, 11, 1), datetime.date(2025, 12, 15)  # a Saturday, a Monday
TODAY = timezone.localdate()


def url(name, year=2025):
    return reverse(name, kwargs={"slug": COTENTIN, "year": year})


@pytest.fixture
def campaign(plan):
    return Campaign.objects.create(plan=plan, year=2025, opens_on=OPENS, due_on=DUE)


@pytest.fixture
def today_campaign(plan):
    """A campaign opening today: its opening reminders are due now."""
    return Campaign.objects.create(
        plan=plan, year=2025, opens_on=TODAY, due_on=TODAY + datetime.timedelta(days=40)
    )


def text(response):
    return unescape(response.content.decode())


def test_on_the_opening_day_the_opening_reminder_and_the_digest_are_due(
    campaign, action, pilot, editor
):
    found = sending.upcoming(campaign, OPENS)
    [paul] = found["pilots"]
    assert (paul.reminder.recipient, paul.when, paul.now) == (pilot, OPENS, True)
    assert paul.reminder.subject == (
        "[essplan] Ouverture · campagne de suivi 2025 : 1 point "
        "d'avancement à saisir avant le 15/12/2025"
    )
    [digest] = found["team"]
    assert (digest.reminder.recipient, digest.now) == (editor, True)
    assert digest.reminder.subject == (
        "[essplan] Campagne 2025 : 44 actions sans pilote, "
        "1 point attendu des pilotes, 0 point à valider"
    )
    assert found["due"] == 2


def test_once_sent_the_next_stage_is_shown_as_send_reminders_will_send_it(
    campaign, action, pilot, editor
):
    reminders.send(reminders.due(OPENS)[0])
    found = sending.upcoming(campaign, OPENS)
    [paul] = found["pilots"]
    # 14 days before the due date (settings: 14 and 3): 01/12; the digest next Monday.
    assert (paul.when, paul.now, paul.reminder.stage) == (
        datetime.date(2025, 12, 1),
        False,
        "avant-14",
    )
    assert paul.reminder.subject.startswith("[essplan] Rappel · campagne de suivi 2025")
    [digest] = found["team"]
    assert (digest.when, digest.now) == (datetime.date(2025, 11, 3), False)
    assert found["due"] == 0
    # That is what send_reminders does on those days, and nothing to the pilot between them.
    assert [r for r in reminders.due(datetime.date(2025, 11, 30))[0] if r.kind == "pilot"] == []
    on_day = reminders.due(datetime.date(2025, 12, 1))[0]
    assert [(r.recipient, r.stage) for r in on_day] == [
        (pilot, "avant-14"),
        (editor, "resume-2025-49"),
    ]
    # After the due date: weekly, the subject says how late.
    late = sending.upcoming(campaign, datetime.date(2025, 12, 16))["pilots"][0]
    assert late.now is True  # the due date's reminder was never sent
    reminders.send(reminders.due(datetime.date(2025, 12, 16))[0])
    late = sending.upcoming(campaign, datetime.date(2025, 12, 16))["pilots"][0]
    assert (late.when, late.reminder.stage) == (datetime.date(2025, 12, 22), "semaine-1")
    assert "en retard depuis le 15/12/2025" in late.reminder.subject


def test_a_closed_campaign_sends_nothing_more(campaign, action, pilot, editor):
    campaign.closed_on = datetime.date(2025, 12, 20)
    campaign.save()
    found = sending.upcoming(campaign, datetime.date(2025, 12, 21))
    assert [(send.when, send.now) for send in found["pilots"]] == [(None, False)]
    assert found["team"] == [] and found["due"] == 0


def test_the_page_says_who_gets_what_and_when(client_for, today_campaign, action, pilot, editor):
    nobody = make_user("sans-adresse", roles.PILOT)
    nobody.email, nobody.first_name, nobody.last_name = "", "Sans", "Adresse"
    nobody.save()
    action.plan.actions.get(code="1.4.6").pilots.add(nobody)
    page = text(client_for("editor").get(url("actions:campaign_sending")))
    assert "Relances aux pilotes" in page and "Paul Pilote" in page
    assert (
        f"[essplan] Ouverture · campagne de suivi 2025 : 1 point d'avancement à saisir "
        f"avant le {today_campaign.due_on:%d/%m/%Y}"
    ) in page
    assert "2 courriels sont dus aujourd'hui" in page
    assert "Sans adresse électronique, donc jamais relancé : Sans Adresse." in page
    assert url("actions:campaign_send_due") in page
    assert "Aucun avis en attente : tous sont partis." in page
    # Linked from the campaign page, for the team only.
    sending_url = url("actions:campaign_sending")
    assert sending_url in client_for("editor").get(url("actions:campaign_detail")).content.decode()
    assert (
        sending_url not in client_for("viewer").get(url("actions:campaign_detail")).content.decode()
    )


@pytest.mark.parametrize("extra", [0, 30])
def test_the_page_reads_the_same_rows_whatever_the_number_of_pilots(
    client_for, today_campaign, plan, pilot, editor, extra, django_assert_num_queries
):
    """EXTRA pilots more, each of an action of its own, and as many pending notifications."""
    people = [make_user(f"pilote-{n}", roles.PILOT) for n in range(extra)]
    for person, action in zip(people, plan.actions.order_by("code_key")):
        pilots.name_pilot(action, person)
    client = client_for("editor")
    # 13 queries: session, user, data versions, permissions (user's, group's), plan,
    # campaign, its reminders sent, its actions with their state, their pilots, the team
    # (digests due now), the team (next digests), the pending notifications.
    with django_assert_num_queries(13):
        response = client.get(url("actions:campaign_sending"))
    assert len(response.context["pilots"]) == extra + 1
    assert len(response.context["notifications"]) == extra


def test_envoyer_maintenant_sends_what_is_due_through_a_job_once(
    client_for, today_campaign, action, pilot, editor
):
    client = client_for("editor")
    response = client.post(url("actions:campaign_send_due"))
    job = Job.objects.get(kind="reminders")
    assert response.url == job.get_absolute_url()
    assert job.status == Status.DONE, job.error
    assert job.message == "2 relances envoyées."
    assert sorted(message.to[0] for message in mail.outbox) == sorted([pilot.email, editor.email])
    assert sorted(ReminderSent.objects.values_list("stage", flat=True))[0] == "ouverture"
    # Recorded under their stages: the hourly run and a second click send nothing more.
    assert reminders.due(TODAY) == ([], [])
    client.post(url("actions:campaign_send_due"))
    assert Job.objects.order_by("created_at").last().message == (
        "Rien n'était dû : chaque relance du jour est déjà partie."
    )
    assert len(mail.outbox) == 2
    page = text(client.get(url("actions:campaign_sending")))
    assert "courriels sont dus" not in page and url("actions:campaign_send_due") not in page


def test_envoyer_maintenant_is_refused_for_a_closed_campaign(
    client_for, today_campaign, action, pilot
):
    today_campaign.closed_on = TODAY
    today_campaign.save()
    response = client_for("editor").post(url("actions:campaign_send_due"), follow=True)
    assert "La campagne n'est pas ouverte aux pilotes : aucune relance n'est due." in text(response)
    assert not Job.objects.exists() and not mail.outbox


def test_pending_notifications_are_listed_and_sent_now(client_for, campaign, plan, editor):
    nina = make_user("nina", roles.PILOT)
    pilots.name_pilot(plan.actions.get(code="1.4.6"), nina)  # its commit never comes here
    Notification.objects.update(attempts=2, last_error="SMTPServerDisconnected: fermé")
    client = client_for("editor")
    page = text(client.get(url("actions:campaign_sending")))
    assert "Pilote nommé" in page and nina.email in page
    assert "SMTPServerDisconnected: fermé" in page
    response = client.post(url("actions:notifications_send"), follow=True)
    assert "1 avis confié à l'envoi" in text(response)
    told = Notification.objects.get()
    assert told.sent_at is not None and told.attempts == 3
    assert [message.to for message in mail.outbox] == [[nina.email]]
    assert "Aucun avis en attente : tous sont partis." in text(response)
    response = client.post(url("actions:notifications_send"), follow=True)
    assert "Aucun avis en attente d'envoi." in text(response)


@pytest.mark.parametrize(
    "name", ["actions:campaign_sending", "actions:campaign_send_due", "actions:notifications_send"]
)
def test_refusals(client_for, campaign, plan, name):
    post = name != "actions:campaign_sending"
    for persona in ("viewer", "pilot", "outsider"):
        client = client_for(persona)
        assert (client.post if post else client.get)(url(name)).status_code == 403
    editor = client_for("editor")
    assert (editor.get if post else editor.post)(url(name)).status_code == 405
    assert (editor.post if post else editor.get)(url(name, year=2024)).status_code == 404
    assert not Job.objects.exists() and not mail.outbox
    assert User.objects.filter(username="emile").exists()
