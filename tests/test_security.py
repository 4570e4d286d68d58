"""The classic attacks, tried on the app's own forms and URLs."""

import datetime
import html
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import Action, BudgetLine, Event, Plan, ProgressUpdate
from tests.conftest import COTENTIN, PASSWORD

pytestmark = pytest.mark.django_db

XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
CAEN = "caen-la-mer-ess-2013-2015"


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_repeated_failed_logins_lock_the_account_with_a_french_message(viewer):
    client = Client()
    for _ in range(4):
        assert login(client, "camille", "mauvais-mot-de-passe").status_code == 200
    # The fifth failure locks the account; even the right password is then refused.
    assert login(client, "camille", "mauvais-mot-de-passe").status_code == 429
    locked = login(client, "camille", PASSWORD)
    assert locked.status_code == 429
    assert "Connexion temporairement bloquée" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_login_before_the_limit_resets_the_count(viewer):
    client = Client()
    for _ in range(4):
        login(client, "camille", "mauvais-mot-de-passe")
    assert login(client, "camille", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    # Without the reset, the next failure would be the fifth and lock the account.
    for _ in range(4):
        assert login(client, "camille", "mauvais-mot-de-passe").status_code == 200
    assert login(client, "camille", PASSWORD).status_code == 302


def test_failed_login_message_is_french(viewer):
    html = login(Client(), "camille", "faux").content.decode()
    assert "Saisissez un nom d’utilisateur et un mot de passe valides." in html


def test_xss_in_every_text_field_of_the_fiche_is_escaped(client_for, action):
    client = client_for("editor")
    fields = [
        "expected_impacts",
        "description",
        "target_publics",
        "partners_text",
        "resources",
        "location",
    ]
    response = client.post(
        action.url("actions:action_edit"),
        {"version": "1", "priority": "normale", **dict.fromkeys(fields, XSS)},
    )
    assert response.status_code == 302
    for url in [action.get_absolute_url(), action.url("actions:action_history")]:
        html = client.get(url).content.decode()
        assert XSS not in html
        assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in html


def test_xss_in_progress_budget_and_event_text_is_escaped(client_for, action):
    client = client_for("editor")
    response = client.post(
        action.url("actions:progress_edit", year=2025),
        {
            "status": "en_cours",
            "progress": "10",
            "date": "2025-01-10",
            "achievements": XSS,
            "difficulties": XSS,
            "next_steps": XSS,
        },
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(action=action, year=2025)
    assert (update.achievements, update.difficulties, update.next_steps) == (XSS, XSS, XSS)
    client.post(
        action.url("actions:budget_line_create"),
        {
            "year": "2025",
            "section": "fonctionnement",
            "flow": "depense",
            "label": XSS,
            "chapter": "011",
            "planned": "1",
            "co_funder": XSS,
        },
    )
    client.post(
        reverse("actions:event_create", kwargs={"slug": COTENTIN}),
        {"date": "2025-02-01", "kind": "autre", "title": XSS, "place": XSS, "actions": [action.pk]},
    )
    assert (
        BudgetLine.objects.filter(label=XSS).exists() and Event.objects.filter(title=XSS).exists()
    )
    for url in [
        action.get_absolute_url(),
        reverse("actions:event_list", kwargs={"slug": COTENTIN}),
        action.url("actions:action_history"),
    ]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "value", ["' OR 1=1 --", "1.4.7'; DROP TABLE actions_action; --", '\\"&|!:*()', "%", "_"]
)
def test_sql_looking_search_is_just_text(client_for, value):
    client = client_for("viewer")
    response = client.get(reverse("actions:action_list", kwargs={"slug": COTENTIN}), {"q": value})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert Action.objects.count() == 53


@pytest.mark.parametrize("field", ["axis", "objective", "pilot_direction", "year", "status"])
def test_sql_looking_filter_values_are_refused_cleanly(client_for, field):
    response = client_for("viewer").get(
        reverse("actions:action_list", kwargs={"slug": COTENTIN}), {field: "1 OR 1=1"}
    )
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "http:evil.example", "/\\evil.example"]
)
def test_login_never_redirects_off_site(viewer, target):
    response = Client().post(
        f"{reverse('login')}?next={target}",
        {"username": "camille", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response.url == reverse("reports:home")


def test_posts_without_csrf_token_are_refused(editor, action):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(
        action.url("actions:budget_line_create"),
        {
            "year": "2025",
            "section": "fonctionnement",
            "flow": "depense",
            "label": "Sans jeton",
            "planned": "1",
        },
    )
    assert response.status_code == 403
    assert not BudgetLine.objects.filter(label="Sans jeton").exists()


def test_objects_of_another_plan_are_not_found(client_for, action):
    client = client_for("editor")
    caen_line = BudgetLine.objects.filter(action__plan__slug=CAEN).first()
    cotentin_action = action
    assert (
        client.get(cotentin_action.url("actions:budget_line_edit", pk=caen_line.pk)).status_code
        == 404
    )
    assert (
        client.post(cotentin_action.url("actions:budget_line_delete", pk=caen_line.pk)).status_code
        == 404
    )
    assert BudgetLine.objects.filter(pk=caen_line.pk).exists()
    caen_event = Event.objects.create(
        plan=Plan.objects.get(slug=CAEN), date=datetime.date(2014, 2, 1), title="Remise des prix"
    )
    url = reverse("actions:event_edit", kwargs={"slug": COTENTIN, "pk": caen_event.pk})
    assert client.get(url).status_code == 404
    # A Caen la mer action cannot be linked to a Cotentin event.
    caen_action = Action.objects.get(plan__slug=CAEN, code="6")
    response = client.post(
        reverse("actions:event_create", kwargs={"slug": COTENTIN}),
        {"date": "2025-02-01", "kind": "autre", "title": "Mélange", "actions": [caen_action.pk]},
    )
    assert response.status_code == 200
    assert not Event.objects.filter(title="Mélange").exists()


def test_security_headers(client_for):
    response = client_for("viewer").get(reverse("actions:plan_list"), secure=True)
    directives = dict(
        d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";")
    )
    assert directives["script-src"] == "'self'"
    # Only style attributes (the SVG charts' dash patterns) may be inline; never scripts.
    assert [name for name, value in directives.items() if "unsafe" in value] == ["style-src-attr"]
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_session_cookie_is_secure_httponly_and_samesite(viewer):
    response = Client().post(
        reverse("login"), {"username": "camille", "password": PASSWORD}, secure=True
    )
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True and cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert response.cookies["csrftoken"]["secure"] is True


def test_weak_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["azerty", "12345678901234", "motdepasse"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Cotentin-ESS-plan-2025!")


@pytest.mark.parametrize(
    "url", [f"/plans/{COTENTIN}/actions/", "/structures/", f"/plans/{COTENTIN}/indicateurs/"]
)
def test_every_export_refuses_an_unknown_format_with_a_404(client_for, url):
    client = client_for("viewer")
    assert client.get(url, {"format": "pdf"}).status_code == 404
    assert client.get(url, {"format": "csv"})["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize(
    "spelling",
    [
        "camille@lecotentin.test",
        "Camille@lecotentin.test",
        "CAMILLE@LECOTENTIN.TEST",
        # PostgreSQL's upper() maps the dotless ı to I: the backend finds camille's address by it.
        "camılle@lecotentin.test",
    ],
)
def test_a_locked_account_stays_locked_whatever_the_spelling_of_its_name(viewer, spelling):
    client = Client()
    for _ in range(5):
        login(client, "camille", "mauvais-mot-de-passe")
    locked = login(client, spelling, PASSWORD)
    assert locked.status_code == 429
    assert "Connexion temporairement bloquée" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_under_several_spellings_add_up(viewer):
    client = Client()
    for spelling in ["camille", "camille", "Camille@lecotentin.test", "CAMILLE@lecotentin.test"]:
        assert login(client, spelling, "mauvais-mot-de-passe").status_code == 200
    assert login(client, "camille@LECOTENTIN.test", "mauvais-mot-de-passe").status_code == 429
    assert login(client, "camille", PASSWORD).status_code == 429


def test_an_unknown_name_is_counted_whatever_its_case(db):
    client = Client()
    for _ in range(5):
        login(client, "Personne@Exemple.fr", "mauvais-mot-de-passe")
    assert login(client, "personne@exemple.FR", "mauvais-mot-de-passe").status_code == 429


def session_row(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key)


def test_an_idle_session_is_logged_out_with_a_french_message(client_for):
    client = client_for("viewer")
    url = reverse("actions:plan_list")
    assert client.get(url).status_code == 200
    session = client.session
    session["_seen"] = int(time.time()) - 2 * 60 * 60 - 1  # its last request, 2 h 1 s ago
    session.save()
    response = client.get(url, follow=True)
    assert response.redirect_chain[0][0] == f"{reverse('login')}?next={url}"
    assert (
        "Votre session a expiré après 2 h d'inactivité : reconnectez-vous pour continuer."
        in html.unescape(response.content.decode())
    )
    assert "_auth_user_id" not in client.session


def test_an_active_session_writes_the_time_of_its_request_at_most_once_a_minute(client_for):
    client = client_for("viewer")
    url = reverse("actions:plan_list")
    expires = session_row(client).expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [query for query in queries if 'UPDATE "django_session"' in query["sql"]]
    session = client.session
    session["_seen"] = int(time.time()) - 2 * 60 * 60 + 5  # 1 h 59 min 55 s ago
    session.save()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len([query for query in queries if 'UPDATE "django_session"' in query["sql"]]) == 1
    assert int(time.time()) - client.session["_seen"] < 60
    # The session still ends SESSION_COOKIE_AGE after its log-in, however active.
    assert session_row(client).expire_date == expires
