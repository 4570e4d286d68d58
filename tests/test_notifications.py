"""Every hand-off tells whoever acts next, by e-mail through the worker, once, after the change
is committed; an SMTP failure keeps the change and the notification, which goes on retry."""

import datetime
import io
import os
import re
import socket
import subprocess
import sys
from email.header import decode_header, make_header

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from actions import campaigns
from actions.models import Campaign, ProgressUpdate, Review
from essplan import accounts, notify, roles
from essplan.models import Invitation, Notification
from structures.models import Commune, ListingRequest
from tests.conftest import COTENTIN, make_user
from tests.helpers import BASE_DIR, PRODUCTION_ENV
from tests.jobs.test_worker import database_url, finish

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
REVIEW = reverse("actions:point_review", kwargs={"slug": COTENTIN, "code": "1.4.7", "year": 2025})


@pytest.fixture
def campaign(plan):
    return Campaign.objects.create(
        plan=plan,
        year=2025,
        opens_on=datetime.date(2025, 11, 1),
        due_on=datetime.date(2025, 12, 15),
    )


@pytest.fixture
def submitted(action, pilot, campaign):
    return ProgressUpdate.objects.create(
        action=action,
        year=2025,
        status="en_cours",
        progress=40,
        review=Review.SUBMITTED,
        author=pilot,
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the code under test left for after its commit (the test's own transaction
    never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def subject(message):
    return str(make_header(decode_header(message["Subject"])))


def parts(message):
    """The text and the HTML of MESSAGE, decoded."""
    text, page = message.get_payload()
    return (text.get_payload(decode=True).decode(), page.get_payload(decode=True).decode())


def unreachable_mailer(settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


def test_a_point_sent_back_tells_its_pilot_with_the_comment_and_the_form_link(
    client_for, submitted, pilot, editor, smtp_server, committed
):
    team = client_for("editor")
    with committed():
        team.post(
            REVIEW,
            {
                "version": submitted.version,
                "decision": "a_revoir",
                "text": "Précisez le nombre de participants.",
            },
        )
    [message] = smtp_server
    assert message["To"] == pilot.email
    assert subject(message).startswith("[essplan] Point 2025 à revoir · 1.4.7 ")
    text, page = parts(message)
    assert "Précisez le nombre de participants." in text and "Précisez le" in page
    # The text part is plain text: no HTML escapes in the action's title.
    assert "favorisant l'interconnaissance (Café des ASSOS, …)." in text
    form = "http://127.0.0.1:8000" + submitted.action.url("actions:progress_edit", year=2025)
    assert form in text and f'href="{form}"' in page
    notification = Notification.objects.get()
    assert (notification.kind, notification.recipient, notification.attempts) == (
        Kind.POINT_SENT_BACK,
        pilot,
        1,
    )
    assert notification.sent_at is not None


def test_a_validated_point_tells_its_pilot(submitted, pilot, editor, smtp_server, committed):
    with committed():
        campaigns.review_point(
            submitted.pk, version=submitted.version, decision=Review.VALIDATED, text="", user=editor
        )
    [message] = smtp_server
    assert message["To"] == pilot.email
    assert subject(message).startswith("[essplan] Point 2025 validé · 1.4.7 ")


def test_a_submitted_point_tells_each_member_of_the_ess_team(
    client_for, action, pilot, editor, campaign, smtp_server, committed
):
    second = make_user("ines", roles.EDITOR)
    make_user("victor", roles.VIEWER)  # the comité is not told
    with committed():
        client_for("pilot").post(
            action.url("actions:progress_edit", year=2025),
            {
                "status": "en_cours",
                "progress": "40",
                "date": "2025-11-20",
                "achievements": "Deux Cafés des ASSOS.",
                "submit": "1",
            },
        )
    assert sorted(message["To"] for message in smtp_server) == sorted([editor.email, second.email])
    text, _ = parts(smtp_server[0])
    assert "Paul Pilote a soumis le point 2025 de l'action 1.4.7" in text


def test_a_hand_off_is_told_once_even_when_recorded_or_run_twice(
    submitted, pilot, editor, smtp_server, committed
):
    with committed():
        comment = campaigns.review_point(
            submitted.pk, version=submitted.version, decision=Review.VALIDATED, text="", user=editor
        )
        notify.notify(Kind.POINT_VALIDATED, comment, [pilot])  # recorded again: no second row
    notify.deliver.call(Kind.POINT_VALIDATED, comment.pk)  # the job run again
    assert len(smtp_server) == 1
    assert Notification.objects.count() == 1


def test_a_rolled_back_change_sends_nothing(submitted, editor, smtp_server, committed):
    with committed() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        campaigns.review_point(
            submitted.pk, version=submitted.version, decision=Review.VALIDATED, text="", user=editor
        )
        raise RuntimeError("the writer fails after the review")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert smtp_server == []
    submitted.refresh_from_db()
    assert submitted.review == Review.SUBMITTED


def test_an_smtp_failure_keeps_the_change_and_the_notification_which_goes_on_retry(
    client_for, submitted, pilot, settings, smtp_server, committed
):
    working = settings.MAILERS
    unreachable_mailer(settings)
    with committed():
        response = client_for("editor").post(
            REVIEW, {"version": submitted.version, "decision": "a_revoir", "text": "Un chiffre ?"}
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.review == Review.TO_REVISE
    pending = Notification.objects.get()
    assert (pending.sent_at, pending.attempts) == (None, 1)
    assert pending.last_error.startswith("ConnectionRefusedError")
    settings.MAILERS = working
    assert notify.send_pending() == (1, 0)
    [message] = smtp_server
    assert message["To"] == pilot.email
    pending.refresh_from_db()
    assert (pending.attempts, pending.last_error) == (2, "")
    assert pending.sent_at is not None
    assert notify.send_pending() == (0, 0)


def test_the_worker_queues_a_deferred_retry_after_an_smtp_failure_and_stops_at_the_limit(
    submitted, pilot, editor, settings, committed
):
    settings.JOBS_BACKEND = "default"  # queued in django-tasks-db's table, as in production
    unreachable_mailer(settings)
    with committed():
        comment = campaigns.review_point(
            submitted.pk, version=submitted.version, decision=Review.VALIDATED, text="", user=editor
        )
    [queued] = DBTaskResult.objects.all()
    assert queued.args_kwargs["args"] == [Kind.POINT_VALIDATED, comment.pk]
    queued.task.call(*queued.args_kwargs["args"])  # what the worker does
    retry = DBTaskResult.objects.exclude(pk=queued.pk).get()
    assert retry.run_after > queued.enqueued_at + notify.RETRY_DELAY - datetime.timedelta(seconds=5)
    Notification.objects.update(attempts=notify.MAX_ATTEMPTS - 1)
    retry.task.call(*retry.args_kwargs["args"])
    assert DBTaskResult.objects.count() == 2  # the last attempt failed: no more retries
    assert Notification.objects.get().attempts == notify.MAX_ATTEMPTS
    assert notify.send_pending() == (0, 0)


def test_a_pilot_named_on_the_action_page_is_told(
    client_for, action, smtp_server, committed, django_assert_num_queries
):
    zoe = make_user("zoe", roles.PILOT)
    client = client_for("editor")
    url = action.url("actions:action_pilots")
    client.get(url)  # the session and the permissions read once
    # The session, 3 data versions, the action, the candidate; the nomination in its
    # transaction (savepoint, look-up, savepoint, insert, release), the notification, release.
    with committed(), django_assert_num_queries(13):
        client.post(url, {"user": zoe.pk})
    client.post(url, {"user": zoe.pk})  # named again: nothing new to tell
    [message] = smtp_server
    assert message["To"] == zoe.email
    assert subject(message).startswith("[essplan] Vous êtes pilote de l'action 1.4.7 ")
    assert "http://127.0.0.1:8000" + action.get_absolute_url() in parts(message)[0]


def test_pilots_named_by_an_import_are_told_after_it_and_not_by_its_dry_run(
    client_for, plan, smtp_server, committed
):
    zoe = make_user("zoe", roles.PILOT)
    client = client_for("editor")
    with committed():
        response = client.post(
            reverse("actions:pilot_import", kwargs={"slug": COTENTIN}),
            {
                "file": SimpleUploadedFile(
                    "pilotes.csv",
                    (f"Code;E-mail\r\n1.4.7;{zoe.email}\r\n2.1.1;{zoe.email}\r\n").encode(),
                )
            },
        )
    assert response.context["report"].ok
    assert smtp_server == [] and not Notification.objects.exists()
    with committed():
        client.post(
            reverse("actions:pilot_import_confirm", kwargs={"slug": COTENTIN}),
            {"token": response.context["token"]},
        )
    assert [message["To"] for message in smtp_server] == [zoe.email] * 2
    prefix = "[essplan] Vous êtes pilote de l'action "
    assert sorted(subject(message).removeprefix(prefix)[:14] for message in smtp_server) == [
        "1.4.7 Organise",
        "2.1.1 Elaborer",
    ]


def test_a_listing_request_tells_the_team_and_its_decision_the_requester(
    client, client_for, editor, smtp_server, committed
):
    with committed():
        client.post(
            reverse("public:listing_request"),
            {
                "name": "Atelier du réemploi de Valognes",
                "siret": "73282932000074",
                "commune": Commune.objects.get(name="Valognes").pk,
                "contact_name": "Paule Martin",
                "email": "paule.martin@example.org",
                "consent": "on",
                "fax": "",
            },
        )
    [received] = smtp_server
    assert received["To"] == editor.email
    assert subject(received) == (
        "[essplan] Demande d'inscription à l'annuaire : Atelier du réemploi de Valognes"
    )
    assert (
        "http://127.0.0.1:8000" + reverse("structures:listing_request_list") in parts(received)[0]
    )
    item = ListingRequest.objects.get()
    with committed():
        client_for("editor").post(
            reverse("structures:listing_request_accept", kwargs={"pk": item.pk})
        )
    decided = smtp_server[1]
    assert decided["To"] == "paule.martin@example.org"
    assert subject(decided) == "Votre demande d'inscription à l'annuaire de l'ESS : acceptée"
    assert "la structure figure dans l'annuaire" in parts(decided)[0]


def test_the_hourly_send_reminders_sends_what_the_smtp_server_refused(
    submitted, pilot, editor, settings, smtp_server, committed
):
    working = settings.MAILERS
    unreachable_mailer(settings)
    with committed():
        campaigns.review_point(
            submitted.pk, version=submitted.version, decision=Review.VALIDATED, text="", user=editor
        )
    settings.MAILERS = working
    out = io.StringIO()
    call_command(
        "send_reminders", "--date", "2025-10-01", "--send", stdout=out
    )  # before the campaign
    assert "Avis en attente : 1 envoyé, 0 refusé par le serveur de courrier." in (out.getvalue())
    assert [message["To"] for message in smtp_server] == [pilot.email]


def test_an_accepted_invitation_tells_the_inviter_once(
    client, client_for, admin_user, smtp_server, committed
):
    with committed():
        client_for("admin_user").post(
            reverse("invite"),
            {
                "first_name": "Zoé",
                "last_name": "Lefèvre",
                "email": "zoe.lefevre@lecotentin.fr",
                "role": roles.PILOT,
            },
        )
    [invitation_mail] = smtp_server  # sent by the request, as before
    link = re.search(
        r"(http://127.0.0.1:8000/mot-de-passe/choisir/\S+)", parts(invitation_mail)[0]
    ).group(1)
    invitation = Invitation.objects.get(user__email="zoe.lefevre@lecotentin.fr")
    assert (invitation.invited_by, invitation.accepted_at) == (admin_user, None)
    client.logout()
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    with committed():
        client.post(
            form_url,
            {"new_password1": "Cafés-des-ASSOS-2025", "new_password2": "Cafés-des-ASSOS-2025"},
        )
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    accepted = smtp_server[1]
    assert accepted["To"] == admin_user.email
    assert subject(accepted) == "[essplan] Zoé Lefèvre a activé son compte"
    assert (
        "Zoé Lefèvre (zoe.lefevre@lecotentin.fr) a accepté votre invitation et choisi son "
        "mot de passe : son compte (Pilote) est actif."
    ) in parts(accepted)[0]
    # A password chosen again later (« Mot de passe oublié ? ») tells nobody.
    zoe = invitation.user
    with committed():
        accounts.accept_invitation(zoe)
    assert len(smtp_server) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_sends_a_committed_hand_off_to_the_real_smtp_server(
    action, pilot, editor, settings, smtp_server
):
    settings.JOBS_BACKEND = "default"  # queued in django-tasks-db's table, as in production
    point = ProgressUpdate.objects.create(action=action, year=2025, review=Review.SUBMITTED)
    campaigns.review_point(
        point.pk, version=point.version, decision=Review.TO_REVISE, text="Un chiffre ?", user=editor
    )  # committed: no test transaction
    assert smtp_server == [] and DBTaskResult.objects.count() == 1
    port = settings.MAILERS["default"]["OPTIONS"]["port"]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "DATABASE_URL"}
    }
    env.update(
        PRODUCTION_ENV,
        DATABASE_URL=database_url(),
        JOBS_BACKEND="default",
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        DJANGO_SETTINGS_MODULE="essplan.settings",
    )
    process = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--interval", "0.2"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert finish(process) == [0]
    [message] = smtp_server
    assert message["To"] == pilot.email
    assert subject(message).startswith("[essplan] Point 2025 à revoir · 1.4.7 ")
    assert Notification.objects.get().sent_at is not None
