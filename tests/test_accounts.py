"""Accounts by e-mail: invitation, « Mot de passe oublié ? », log-in by address."""

import html
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse

from essplan import roles
from tests.conftest import PASSWORD

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
    return client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
                       follow=True)


def test_an_invited_person_chooses_a_password_and_logs_in_by_address(
        client_for, client, smtp_server):
    admin = client_for("admin_user")
    response = admin.post(reverse("invite"), {
        "first_name": "Paul", "last_name": "Lemarchand", "email": "Paul.Lemarchand@LeCotentin.fr",
        "role": roles.PILOT}, follow=True)
    assert ("Paul Lemarchand est invité(e) : un courriel lui a été envoyé à "
            "paul.lemarchand@lecotentin.fr.") in text_of(response)
    paul = User.objects.get(email="paul.lemarchand@lecotentin.fr")
    assert (paul.username, paul.has_usable_password()) == ("paul.lemarchand", False)
    assert list(paul.groups.values_list("name", flat=True)) == [roles.PILOT]
    [message] = smtp_server
    text = body(message)
    assert "avec le rôle « Pilote »" in text
    link = re.search(r"(http://testserver/mot-de-passe/choisir/\S+)", text).group(1)
    admin.logout()

    done = choose_password(client, link)
    assert "Mot de passe enregistré" in text_of(done)
    # The link served once: it no longer opens the form.
    assert "Ce lien ne sert plus" in text_of(client.get(link, follow=True))
    response = client.post(reverse("login"), {"username": "PAUL.LEMARCHAND@lecotentin.fr",
                                              "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("actions:my_actions")).status_code == 200


def test_an_address_already_used_is_refused_in_french(client_for, editor):
    response = client_for("admin_user").post(reverse("invite"), {
        "first_name": "Émile", "last_name": "Bis", "email": editor.email.upper(),
        "role": roles.VIEWER})
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
    link = re.search(r"(http://testserver/mot-de-passe/choisir/\S+)", message.body).group(1)
    tampered = link.rstrip("/")[:-3] + "abc/"
    assert "Ce lien ne sert plus" in text_of(client.get(tampered, follow=True))
    assert "Mot de passe enregistré" in text_of(choose_password(client, link))
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
    response = admin.post(url, {"username": "sans-adresse", "email": "", "usable_password": "true",
                                "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 200
    assert not User.objects.filter(username="sans-adresse").exists()
    response = admin.post(url, {"username": "doublon", "email": editor.email.upper(),
                                "usable_password": "true", "password1": NEW_PASSWORD,
                                "password2": NEW_PASSWORD})
    assert "Un compte utilise déjà cette adresse électronique." in text_of(response)
    response = admin.post(url, {"username": "nouvelle", "email": "nouvelle@lecotentin.fr",
                                "usable_password": "true", "password1": NEW_PASSWORD,
                                "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(username="nouvelle").email == "nouvelle@lecotentin.fr"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_administrators_adding_one_address_at_once_get_a_french_error_not_a_crash(
        client_for):
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
                form = AccountCreationForm({
                    "username": "premier", "email": "meme@lecotentin.fr", "usable_password": "true",
                    "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
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
    response = admin.post(reverse("admin:auth_user_add"), {
        "username": "second", "email": "MEME@lecotentin.fr", "usable_password": "true",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    thread.join(60)
    assert response.status_code == 200
    assert "Un compte utilise déjà cette adresse électronique." in text_of(response)
    assert list(User.objects.filter(email__iexact="meme@lecotentin.fr")
                .values_list("username", flat=True)) == ["premier"]
