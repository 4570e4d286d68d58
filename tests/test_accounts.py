"""Accounts by e-mail: invitation, « Mot de passe oublié ? », log-in by address."""

import datetime
import html
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import IntegrityError, connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from essplan import roles
from essplan.models import PasswordResetRequest
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Cafés-des-ASSOS-2025"


def text_of(response):
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def body(message):
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset())


def logs_in(client, username, password):
    """Log in through the login page (django-axes needs the request)."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def choose_password(client, link):
    """Follow a password link (Django moves the token out of the URL) and choose one."""
    response = client.get(link, follow=True)
    assert "Choisir votre mot de passe" in text_of(response)
    form_url = response.redirect_chain[-1][0]
    return client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )


def test_an_invited_person_chooses_a_password_and_logs_in_by_address(
    client_for, client, smtp_server
):
    admin = client_for("admin_user")
    response = admin.post(
        reverse("invite"),
        {
            "first_name": "Paul",
            "last_name": "Lemarchand",
            "email": "Paul.Lemarchand@LeCotentin.fr",
            "role": roles.PILOT,
        },
        follow=True,
    )
    assert (
        "Paul Lemarchand est invité(e) : un courriel lui a été envoyé à "
        "paul.lemarchand@lecotentin.fr."
    ) in text_of(response)
    paul = User.objects.get(email="paul.lemarchand@lecotentin.fr")
    assert (paul.username, paul.has_usable_password()) == ("paul.lemarchand", False)
    assert list(paul.groups.values_list("name", flat=True)) == [roles.PILOT]
    [message] = smtp_server
    text = body(message)
    assert "avec le rôle « Pilote »" in text
    link = re.search(r"(http://127.0.0.1:8000/mot-de-passe/choisir/\S+)", text).group(1)
    admin.logout()

    done = choose_password(client, link)
    # Logged in at once, on a pilot's home.
    assert done.redirect_chain[-1][0] == reverse("actions:my_actions")
    assert "Votre mot de passe est enregistré ; vous êtes connecté(e)." in text_of(done)
    assert done.context["user"] == paul
    # The link served once: it no longer opens the form.
    assert "Ce lien ne sert plus" in text_of(client.get(link, follow=True))
    client.logout()
    response = client.post(
        reverse("login"), {"username": "PAUL.LEMARCHAND@lecotentin.fr", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("actions:my_actions")).status_code == 200


def test_an_address_already_used_is_refused_in_french(client_for, editor):
    response = client_for("admin_user").post(
        reverse("invite"),
        {
            "first_name": "Émile",
            "last_name": "Bis",
            "email": editor.email.upper(),
            "role": roles.VIEWER,
        },
    )
    assert "Un compte utilise déjà cette adresse électronique." in text_of(response)
    assert User.objects.filter(email__iexact=editor.email).count() == 1
    # A second writer (a script, the Django admin) meets the database's unique index.
    with pytest.raises(IntegrityError):
        User.objects.create(username="emile2", email=editor.email.title())


def test_forgotten_password_by_address_and_a_tampered_link(client, viewer):
    response = client.post(reverse("password_reset"), {"email": viewer.email}, follow=True)
    assert "Vérifiez votre messagerie" in text_of(response)
    [message] = mail.outbox
    assert message.subject == "[essplan] Choisir un nouveau mot de passe"
    link = re.search(r"(http://127.0.0.1:8000/mot-de-passe/choisir/\S+)", message.body).group(1)
    tampered = link.rstrip("/")[:-3] + "abc/"
    assert "Ce lien ne sert plus" in text_of(client.get(tampered, follow=True))
    done = choose_password(client, link)
    # Logged in at once, on the dashboard (the comité's home).
    assert done.redirect_chain[-1][0] == reverse("reports:home")
    assert "Votre mot de passe est enregistré ; vous êtes connecté(e)." in text_of(done)
    assert done.context["user"] == viewer
    client.logout()
    assert logs_in(client, viewer.email, NEW_PASSWORD)
    # An unknown address gets the same answer and no mail (no account enumeration).
    client.post(reverse("password_reset"), {"email": "inconnu@example.org"})
    assert len(mail.outbox) == 1


def test_log_in_by_username_or_address(client, viewer):
    assert logs_in(client, "camille", PASSWORD)
    client.logout()
    assert logs_in(client, viewer.email.upper(), PASSWORD)
    client.logout()
    response = client.post(reverse("login"), {"username": viewer.email, "password": "faux"})
    assert response.status_code == 200
    assert "mot de passe valides" in text_of(response)


def test_the_django_admin_requires_a_unique_address(client_for, editor):
    admin = client_for("admin_user")
    url = reverse("admin:auth_user_add")
    response = admin.post(
        url,
        {
            "username": "sans-adresse",
            "email": "",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="sans-adresse").exists()
    response = admin.post(
        url,
        {
            "username": "doublon",
            "email": editor.email.upper(),
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert "Un compte utilise déjà cette adresse électronique." in text_of(response)
    response = admin.post(
        url,
        {
            "username": "nouvelle",
            "email": "nouvelle@lecotentin.fr",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="nouvelle").email == "nouvelle@lecotentin.fr"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_administrators_adding_one_address_at_once_get_a_french_error_not_a_crash(client_for):
    """Another administrator's account with the address is saved but not yet committed when
    this one's form is sent; it commits once this one waits on it (a lock not granted): the
    form then refuses the address instead of failing on the unique index."""
    import threading
    import time

    from django.db import connection, transaction

    from essplan.accounts import AccountCreationForm

    inserted = threading.Event()
    admin = client_for("admin_user")  # logged in first: a log-in writes the auth tables too

    def other_administrator():
        try:
            with transaction.atomic():
                form = AccountCreationForm(
                    {
                        "username": "premier",
                        "email": "meme@lecotentin.fr",
                        "usable_password": "true",
                        "password1": NEW_PASSWORD,
                        "password2": NEW_PASSWORD,
                    }
                )
                assert form.is_valid(), form.errors
                form.save()
                inserted.set()
                with connection.cursor() as cursor:
                    for _ in range(1200):
                        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted)")
                        if cursor.fetchone()[0]:
                            break
                        time.sleep(0.05)
        finally:
            connection.close()

    thread = threading.Thread(target=other_administrator)
    thread.start()
    assert inserted.wait(60)
    response = admin.post(
        reverse("admin:auth_user_add"),
        {
            "username": "second",
            "email": "MEME@lecotentin.fr",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    thread.join(60)
    assert response.status_code == 200
    assert "Un compte utilise déjà cette adresse électronique." in text_of(response)
    assert list(
        User.objects.filter(email__iexact="meme@lecotentin.fr").values_list("username", flat=True)
    ) == ["premier"]


SITE = "https://essplan.lecotentin.fr"


def reset_link(client, address, **extra):
    """Ask for a reset link for ADDRESS; the link of the last mail sent."""
    client.post(reverse("password_reset"), {"email": address}, **extra)
    return re.search(r"(https?://\S+/mot-de-passe/choisir/\S+)", mail.outbox[-1].body).group(1)


def test_mail_links_start_with_site_url_whatever_the_host_of_the_request(
    client_for, client, settings, viewer
):
    """A forged Host (one ALLOWED_HOSTS lets through) never makes the links of the mails."""
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    settings.SITE_URL = SITE
    reset = reset_link(client, viewer.email, HTTP_HOST="evil.example")
    assert reset.startswith(f"{SITE}/mot-de-passe/choisir/")
    client_for("admin_user").post(
        reverse("invite"),
        {
            "first_name": "Paul",
            "last_name": "Lemarchand",
            "email": "paul@lecotentin.fr",
            "role": roles.PILOT,
        },
        HTTP_HOST="evil.example",
    )
    invitation = mail.outbox[-1].body
    assert "evil.example" not in invitation
    assert re.search(r"(\S+/mot-de-passe/choisir/)", invitation).group(1) == (
        f"{SITE}/mot-de-passe/choisir/"
    )
    assert f"{SITE}/connexion/" in invitation


def test_a_link_issued_before_deactivation_sets_no_password(client, viewer):
    link = reset_link(client, viewer.email)
    response = client.get(link, follow=True)
    assert "Choisir votre mot de passe" in text_of(response)
    form_url = response.redirect_chain[-1][0]
    viewer.is_active = False
    viewer.save(update_fields=["is_active"])
    response = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert "Ce lien ne sert plus" in text_of(response)
    viewer.refresh_from_db()
    assert viewer.check_password(PASSWORD) and not viewer.check_password(NEW_PASSWORD)
    # Nor does the link open the form again.
    assert "Ce lien ne sert plus" in text_of(client.get(link, follow=True))


def test_thirty_reset_requests_for_one_address_send_three_mails_an_hour(client, viewer):
    """From thirty different clients, in two spellings: three links an hour to one address;
    the others get the same answer and no mail."""
    for number in range(30):
        address = viewer.email.upper() if number % 2 else viewer.email
        response = client.post(
            reverse("password_reset"), {"email": address}, REMOTE_ADDR=f"192.0.2.{number}"
        )
        assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 3
    assert {message.to[0] for message in mail.outbox} == {viewer.email}
    # An hour later, the address may ask again.
    PasswordResetRequest.objects.update(
        created_at=F("created_at") - datetime.timedelta(hours=1, seconds=1)
    )
    client.post(reverse("password_reset"), {"email": viewer.email})
    assert len(mail.outbox) == 4


def test_one_client_gets_ten_reset_links_an_hour(client):
    for account in [make_user(f"compte{number}") for number in range(4)]:
        for _ in range(3):
            client.post(reverse("password_reset"), {"email": account.email})
    assert len(mail.outbox) == 10


def test_a_known_and_an_unknown_address_cost_the_same_request(client, settings, viewer):
    """The request only queues the work (the worker looks the account up and sends the
    mail): the same answer and the same queries, whether an account has the address."""
    settings.JOBS_BACKEND = "default"  # queued for the worker, as in production
    answers, counts = [], []
    for address in [viewer.email, "inconnu@lecotentin.test"]:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("password_reset"), {"email": address})
        answers.append((response.status_code, response.url))
        counts.append(len(queries))
    assert answers == [(302, reverse("password_reset_done"))] * 2
    assert counts[0] == counts[1]
    assert not mail.outbox
    queued = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [row.args_kwargs["args"] for row in queued] == [
        [viewer.email],
        ["inconnu@lecotentin.test"],
    ]
    for row in queued:  # what the worker does
        row.task.call(*row.args_kwargs["args"])
    [message] = mail.outbox
    assert message.to == [viewer.email]
