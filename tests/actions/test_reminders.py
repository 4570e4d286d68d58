"""Campaign reminders by e-mail: each goes once, in French, with a link that works."""

import datetime
import html
import io
import re
import socket
from email.header import decode_header, make_header
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import resolve, reverse

from actions import jobs
from actions.models import Campaign, ProgressUpdate, ReminderSent, Review
from essplan import roles
from jobs.models import Job, Status
from jobs.runner import Progress, run_job
from tests.conftest import COTENTIN, make_user

pytestmark = pytest.mark.django_db

OPENS, DUE = datetime.date(2025, 11, 1), datetime.date(2025, 12, 15)


@pytest.fixture
def campaign(plan):
    return Campaign.objects.create(
        plan=plan,
        year=2025,
        opens_on=OPENS,
        due_on=DUE,
        message="Le comité de suivi se réunit en janvier.",
    )


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def days(first, last):
    while first <= last:
        yield first
        first += datetime.timedelta(days=1)


def test_a_simulated_campaign_sends_each_reminder_exactly_once(campaign, action, pilot, editor):
    for day in days(datetime.date(2025, 10, 25), datetime.date(2026, 1, 10)):
        if day == datetime.date(2025, 12, 20):
            ProgressUpdate.objects.create(action=action, year=2025, review=Review.SUBMITTED)
        run("--date", day.isoformat(), "--send")
        run("--date", day.isoformat(), "--send")  # hourly: the second run of a day sends nothing
    to_pilot = [m for m in mail.outbox if m.to == [pilot.email]]
    to_team = [m for m in mail.outbox if m.to == [editor.email]]
    # Opening (1/11), 14 days (1/12) and 3 days (12/12) before the due date, the due date
    # (15/12); submitted on 20/12, so no weekly reminder after it.
    assert list(ReminderSent.objects.filter(recipient=pilot).values_list("stage", flat=True)) == [
        "ouverture",
        "avant-14",
        "avant-3",
        "echeance",
    ]
    assert len(to_pilot) == 4
    assert to_pilot[0].subject == (
        "[essplan] Ouverture · campagne de suivi 2025 : 1 point "
        "d'avancement à saisir avant le 15/12/2025"
    )
    # One digest a week to the ESS team, from ISO week 44 of 2025 (opening on Saturday 1/11)
    # to week 2 of 2026: 9 weeks in 2025 (44 to 52) and 2 in 2026.
    assert len(to_team) == 11
    assert len({m.subject for m in to_team}) >= 2  # the counts move as points come in
    assert ReminderSent.objects.count() == 15


def test_weekly_reminders_follow_the_due_date_until_submitted(campaign, action, pilot):
    for day in days(OPENS, datetime.date(2026, 1, 5)):
        run("--date", day.isoformat(), "--send")
    stages = list(ReminderSent.objects.filter(recipient=pilot).values_list("stage", flat=True))
    # 22/12, 29/12 and 5/1: one, two and three weeks after the due date.
    assert stages == [
        "ouverture",
        "avant-14",
        "avant-3",
        "echeance",
        "semaine-1",
        "semaine-2",
        "semaine-3",
    ]


def test_the_reminder_reaches_a_real_smtp_server_in_french_with_a_working_link(
    campaign, action, pilot, smtp_server, client_for
):
    out, _ = run("--date", "2025-11-01", "--send")
    assert f"Envoyée : ouverture · campagne 2025 · {pilot.email} · 1 action" in out
    [message] = [m for m in smtp_server if m["To"] == pilot.email]
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject == (
        "[essplan] Ouverture · campagne de suivi 2025 : 1 point d'avancement "
        "à saisir avant le 15/12/2025"
    )
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode(part.get_content_charset())
        for part in message.walk()
        if not part.is_multipart()
    }
    text, page = parts["text/plain"], parts["text/html"]
    assert "Bonjour Paul Pilote," in text
    assert "La campagne de suivi 2025 du « Plan d'actions ESS 2023-2025 » est ouverte." in text
    assert "Le comité de suivi se réunit en janvier." in text
    link = re.search(r"Saisir le point : (\S+)", text).group(1)
    path = urlsplit(link).path
    assert path == f"/plans/{COTENTIN}/actions/1.4.7/avancement/2025/"
    assert resolve(path).view_name == "actions:progress_edit"
    assert f'href="{link}"' in page
    assert client_for("pilot").get(path).status_code == 200


def test_smtp_down_sends_nothing_records_nothing_and_the_next_run_sends(
    campaign, action, pilot, settings, smtp_server
):
    working = settings.MAILERS
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    with pytest.raises(CommandError, match="1 relance non envoyée : elle repartira"):
        run("--date", "2025-11-02", "--send")
    assert not ReminderSent.objects.exists()
    settings.MAILERS = working
    out, _ = run("--date", "2025-11-02", "--send")
    assert "1 relance envoyée le 02/11/2025." in out
    assert ReminderSent.objects.get().stage == "ouverture"
    assert len(smtp_server) == 1


def test_a_pilot_without_address_is_listed_not_a_crash(campaign, action, pilot):
    pilot.email = ""
    pilot.save()
    out, _ = run("--date", "2025-11-03", "--send")
    assert (
        "Injoignable (pas d'adresse électronique) : Paul Pilote, pilote de 1.4.7 (campagne 2025)."
    ) in out
    assert not mail.outbox


def test_dry_run_lists_and_sends_nothing(campaign, action, pilot):
    out, _ = run("--dry-run", "--date", "2025-12-01")
    assert f"Partirait : avant-14 · campagne 2025 · {pilot.email} · 1 action" in out
    assert not mail.outbox and not ReminderSent.objects.exists()


def test_dry_run_after_a_real_run_lists_nothing_already_sent(campaign, action, pilot):
    run("--date", "2025-12-01", "--send")
    assert len(mail.outbox) == 1
    out, _ = run("--dry-run", "--date", "2025-12-01")
    assert "Partirait" not in out
    assert "0 relance à envoyer le 01/12/2025 (essai : rien n'est envoyé)." in out
    assert len(mail.outbox) == 1 and ReminderSent.objects.count() == 1


def test_relancer_sends_one_reminder_now(client_for, campaign, action, pilot, settings):
    """Its links start with SITE_URL, even when the request came with a forged Host."""
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    settings.SITE_URL = "https://essplan.lecotentin.fr"
    url = reverse(
        "actions:campaign_remind", kwargs={"slug": COTENTIN, "year": 2025, "code": "1.4.7"}
    )
    response = client_for("editor").post(url, follow=True, HTTP_HOST="evil.example")
    assert "Relance envoyée à Paul Pilote pour l'action 1.4.7." in html.unescape(
        response.content.decode()
    )
    [message] = mail.outbox
    assert message.to == [pilot.email]
    assert (
        "https://essplan.lecotentin.fr/plans/cotentin-ess-2023-2025/actions/1.4.7/avancement/2025/"
    ) in message.body
    assert "evil.example" not in message.body
    assert ReminderSent.objects.get().stage.startswith("relance-1.4.7-")


def test_relancer_tous_reminds_each_awaited_pilot_once_through_a_job(
    client_for, campaign, action, pilot, other_pilot, editor, settings
):
    """Pilots await points of 1.4.7 (Paul, Pia) and 1.4.6 (Pia, and one without an address):
    one e-mail per reachable pilot, listing all its actions, its links at SITE_URL whatever
    the Host of the request; the same job run again sends nothing."""
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    settings.SITE_URL = "https://essplan.lecotentin.fr"
    action.pilots.add(other_pilot)
    nobody = make_user("sans-adresse", roles.PILOT)
    nobody.email, nobody.first_name, nobody.last_name = "", "Sans", "Adresse"
    nobody.save()
    action.plan.actions.get(code="1.4.6").pilots.add(nobody)
    url = reverse("actions:campaign_remind_all", kwargs={"slug": COTENTIN, "year": 2025})
    response = client_for("editor").post(url, HTTP_HOST="evil.example")
    job = Job.objects.get(kind="reminders")
    assert response.url == job.get_absolute_url()
    assert job.status == Status.DONE, job.error
    assert job.message == (
        "2 relances envoyées. Sans adresse électronique, donc non relancé(s) : Sans Adresse."
    )
    assert (job.done, job.total, job.unit) == (2, 2, "courriels")
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == sorted([pilot.email, other_pilot.email])
    assert "1.4.7" in by_address[pilot.email].body and "1.4.6" not in by_address[pilot.email].body
    assert (
        "https://essplan.lecotentin.fr/plans/cotentin-ess-2023-2025/actions/1.4.7/avancement/2025/"
    ) in by_address[pilot.email].body
    assert all("evil.example" not in message.body for message in mail.outbox)
    both = by_address[other_pilot.email]
    assert "1.4.7" in both.body and "1.4.6" in both.body
    assert both.subject.startswith(
        "[essplan] Relance · campagne de suivi 2025 : 2 points d'avancement"
    )
    run_job.call(str(job.pk))  # the same job once more: claimed already, sends nothing
    assert len(mail.outbox) == 2


def test_relancer_tous_is_refused_for_a_closed_campaign(client_for, campaign, action, pilot):
    campaign.closed_on = datetime.date(2025, 12, 20)
    campaign.save()
    url = reverse("actions:campaign_remind_all", kwargs={"slug": COTENTIN, "year": 2025})
    response = client_for("editor").post(url, follow=True)
    assert "La campagne n'est pas ouverte aux pilotes : personne n'est relancé." in html.unescape(
        response.content.decode()
    )
    assert not Job.objects.exists() and not mail.outbox


def test_a_job_run_again_never_sends_a_reminder_twice(campaign, action, pilot, editor):
    job = Job.objects.create(
        kind="reminders", label="Relance", created_by=editor, arguments={"campaign": campaign.pk}
    )
    first = jobs.remind(job, Progress(job))
    again = jobs.remind(job, Progress(job))
    assert first["message"] == "1 relance envoyée."
    assert again["message"] == "0 relance envoyée. 1 relance déjà envoyée(s) auparavant."
    assert len(mail.outbox) == 1


def test_after_the_due_date_the_reminder_says_late_since_then(campaign, action, pilot):
    """15/12 is the due date: on 22/12, a week later, the point is late, not « à saisir avant »."""
    run("--date", "2025-12-22", "--send")
    [message] = [m for m in mail.outbox if m.to == [pilot.email]]
    assert message.subject == (
        "[essplan] Relance · campagne de suivi 2025 : 1 point "
        "d'avancement en retard depuis le 15/12/2025"
    )
    assert "En retard depuis le 15/12/2025." in message.body
    assert "Date limite" not in message.body


def test_counts_take_the_french_plural(campaign, action, pilot):
    campaign.plan.actions.get(code="1.4.6").pilots.add(pilot)
    run("--date", "2025-12-01", "--send")
    [message] = [m for m in mail.outbox if m.to == [pilot.email]]
    assert message.subject == (
        "[essplan] Rappel · campagne de suivi 2025 : 2 points "
        "d'avancement à saisir avant le 15/12/2025"
    )
    assert "(s)" not in message.subject


def test_each_reminder_gives_the_ess_team_contact_address(
    campaign, action, pilot, settings, smtp_server
):
    settings.ESS_TEAM_CONTACT_EMAIL = "ess@lecotentin.fr"
    run("--date", "2025-11-01", "--send")
    [message] = [m for m in smtp_server if m["To"] == pilot.email]
    assert message["Reply-To"] == "ess@lecotentin.fr"
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode(part.get_content_charset())
        for part in message.walk()
        if not part.is_multipart()
    }
    assert "Écrivez à l'équipe ESS : ess@lecotentin.fr" in parts["text/plain"]
    assert "Écrivez à l'équipe ESS : ess@lecotentin.fr" in parts["text/html"]
    assert "n'y répondez pas" not in parts["text/plain"]
    assert (
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        in (parts["text/html"])
    )


def test_the_contact_address_defaults_to_the_sender():
    from django.conf import settings

    assert settings.ESS_TEAM_CONTACT_EMAIL == settings.DEFAULT_FROM_EMAIL


def test_the_team_digest_separates_no_pilot_waiting_and_submitted(
    campaign, plan, action, pilot, editor
):
    """1.4.7 waits for Paul; 1.4.6 has only a deactivated pilot, so nobody is reminded of
    it; 1.4.5's point is submitted. Every other action of the plan has no pilot."""
    gone = make_user("parti", roles.PILOT)
    gone.is_active = False
    gone.save()
    plan.actions.get(code="1.4.6").pilots.add(gone)
    submitted = plan.actions.get(code="1.4.5")
    ProgressUpdate.objects.update_or_create(
        action=submitted, year=2025, defaults={"review": Review.SUBMITTED}
    )
    others = plan.actions.exclude(code__in=["1.4.7", "1.4.5"]).count()
    run("--date", "2025-11-03", "--send")
    [digest] = [m for m in mail.outbox if m.to == [editor.email]]
    assert digest.subject == (
        f"[essplan] Campagne 2025 : {others} actions sans pilote, "
        "1 point attendu des pilotes, 1 point à valider"
    )
    body = digest.body
    no_pilot = body[body.index("Actions sans pilote") : body.index("Points attendus de leur")]
    waiting = body[body.index("Points attendus de leur") : body.index("Points soumis")]
    to_validate = body[body.index("Points soumis") :]
    assert "1.4.6 ·" in no_pilot and "1.4.7 ·" not in no_pilot
    assert "Points attendus de leur pilote (1)" in waiting and "1.4.7 ·" in waiting
    assert "1.4.6 ·" not in waiting
    assert "Points soumis, à valider (1)" in to_validate and "1.4.5 ·" in to_validate
    # Each submitted point links its review page; the queue takes them one after the other.
    assert f"/plans/{plan.slug}/actions/1.4.5/avancement/2025/revue/" in to_validate
    assert (
        f"Les relire l'un après l'autre : {settings.SITE_URL}/plans/{plan.slug}/campagnes/"
        "2025/a-valider/"
    ) in to_validate


def test_a_date_only_simulates_unless_send_is_given(campaign, action, pilot):
    out, _ = run("--date", "2025-12-01")
    assert f"Partirait : avant-14 · campagne 2025 · {pilot.email} · 1 action" in out
    assert "(essai : rien n'est envoyé)" in out
    assert not mail.outbox and not ReminderSent.objects.exists()
    run("--date", "2025-12-01", "--send")
    assert [m.to for m in mail.outbox] == [[pilot.email]]


def test_without_options_the_command_sends_for_today(campaign, action, pilot, monkeypatch):
    """What cron and the systemd timer run."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: datetime.date(2025, 12, 1))
    out, _ = run()
    assert "1 relance envoyée le 01/12/2025." in out
    assert ReminderSent.objects.get(recipient=pilot).stage == "avant-14"


def test_the_help_says_a_date_only_simulates():
    from actions.management.commands.send_reminders import Command

    parser = Command().create_parser("manage.py", "send_reminders")
    assert "rien n'est envoyé ni noté, sauf avec --send" in " ".join(parser.format_help().split())
