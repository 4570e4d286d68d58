"""Personal links: a pilot's mail opens its point form signed in, kept to that campaign's
pages, until the campaign ends, the account is deactivated or its links revoked."""

import datetime
import re
import time
from collections import Counter
from email.header import decode_header, make_header
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions import campaigns, pilots, reminders
from actions.models import Campaign, ProgressUpdate, Review
from essplan import links
from essplan.models import LinkRevocation
from tests.conftest import COTENTIN, PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")
FORM = reverse("actions:progress_edit", kwargs={"slug": COTENTIN, "code": "1.4.7", "year": 2025})


@pytest.fixture
def campaign(plan):
    """The 2025 campaign, open, due in a month."""
    today = timezone.localdate()
    return Campaign.objects.create(
        plan=plan,
        year=2025,
        opens_on=today - datetime.timedelta(10),
        due_on=today + datetime.timedelta(30),
    )


@pytest.fixture
def other_campaign(plan):
    """The 2024 campaign of the same plan, also open."""
    today = timezone.localdate()
    return Campaign.objects.create(
        plan=plan,
        year=2024,
        opens_on=today - datetime.timedelta(10),
        due_on=today + datetime.timedelta(30),
    )


@pytest.fixture
def link(campaign, action, pilot):
    return links.personal_url(pilot, campaign, action)


def path_of(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def text_of(message):
    return next(
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() == "text/plain"
    )


def signed_in(client, link):
    """CLIENT after following LINK, checked to land on the form without the token."""
    response = client.get(path_of(link))
    assert response.status_code == 302 and response.url == FORM
    return client


def test_a_reminder_link_read_from_a_real_mail_signs_the_pilot_in_on_the_form(
    client, campaign, action, pilot, smtp_server
):
    reminders.remind_action(campaign, action)
    [message] = smtp_server
    text = text_of(message)
    url = re.search(r"Saisir le point : (\S+)", text).group(1)
    assert url.startswith(f"http://127.0.0.1:8000/acces/{COTENTIN}/2025/1.4.7/?sesame=")
    response = client.get(path_of(url))
    # Signed in, sent to the form by a URL without the token, which no page names onward.
    assert response.status_code == 302 and response.url == FORM
    assert "sesame" not in response.url
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert client.session[SESSION_KEY] == str(pilot.pk)
    page = client.get(FORM)
    assert page.status_code == 200
    assert "sesame" not in page.content.decode()


def test_the_team_digest_carries_no_token(campaign, action, pilot, editor, smtp_server):
    due, _ = reminders.due(timezone.localdate())
    reminders.send(due)
    digest = next(m for m in smtp_server if m["To"] == editor.email)
    pilots_mail = next(m for m in smtp_server if m["To"] == pilot.email)
    assert "sesame=" not in digest.as_string()
    assert "sesame=" in text_of(pilots_mail)


# What a link session may open (200) and what logs it out and asks for the password: the
# other campaign's form, another action's, the team's pages, the dashboard, the admin.
ALLOWED = {
    "the form": FORM,
    "mes actions": reverse("actions:my_actions"),
    "the action's page": reverse(
        "actions:action_detail", kwargs={"slug": COTENTIN, "code": "1.4.7"}
    ),
}
REFUSED = {
    "the other campaign's form": reverse(
        "actions:progress_edit", kwargs={"slug": COTENTIN, "code": "1.4.7", "year": 2024}
    ),
    "another action's form": reverse(
        "actions:progress_edit", kwargs={"slug": COTENTIN, "code": "1.4.6", "year": 2025}
    ),
    "another action's page": reverse(
        "actions:action_detail", kwargs={"slug": COTENTIN, "code": "1.4.6"}
    ),
    "the campaign's page (team)": reverse(
        "actions:campaign_detail", kwargs={"slug": COTENTIN, "year": 2025}
    ),
    "the plan": reverse("actions:plan_detail", kwargs={"slug": COTENTIN}),
    "the dashboard": reverse("reports:home"),
    "the admin": reverse("admin:index"),
}


@pytest.mark.parametrize("page", sorted(ALLOWED))
def test_a_link_session_opens_its_campaign_pages(client, link, other_campaign, page):
    assert signed_in(client, link).get(ALLOWED[page]).status_code == 200


@pytest.mark.parametrize("page", sorted(REFUSED))
def test_a_link_session_is_logged_out_anywhere_else(client, link, other_campaign, page):
    response = signed_in(client, link).get(REFUSED[page])
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={REFUSED[page]}"
    assert SESSION_KEY not in client.session
    assert client.get(FORM).url.startswith(LOGIN)


def test_a_password_log_in_lifts_the_limits(client, link, pilot):
    signed_in(client, link).get(reverse("reports:home"))  # logged out, sent to log in
    response = client.post(LOGIN, {"username": pilot.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("reports:home")).status_code == 200


def test_a_password_log_in_within_a_link_session_lifts_the_limits(client, link, pilot):
    signed_in(client, link)
    # As a log-in after choosing a password would: the same session, its key cycled.
    client.force_login(pilot, backend="essplan.backends.CachedPermissionsBackend")
    assert client.session[links.LINK_CAMPAIGN]  # still there, no longer heeded
    assert client.get(reverse("reports:home")).status_code == 200


def test_a_password_session_is_kept_whole_by_a_link(client, link, pilot):
    client.force_login(pilot)
    signed_in(client, link)
    assert client.get(reverse("reports:home")).status_code == 200


def test_a_link_of_one_campaign_does_not_open_another(
    client, action, pilot, other_campaign, campaign
):
    token = urlsplit(links.personal_url(pilot, other_campaign, action)).query
    response = client.get(f"/acces/{COTENTIN}/2025/1.4.7/?{token}")
    assert response.status_code == 403
    assert SESSION_KEY not in client.session


def test_a_link_leads_to_the_action_once_the_point_is_validated(client, link, action, pilot):
    ProgressUpdate.objects.create(
        action=action,
        year=2025,
        status="en_cours",
        progress=40,
        review=Review.VALIDATED,
        author=pilot,
    )
    response = client.get(path_of(link))
    assert response.url == action.get_absolute_url()


def test_a_link_expires_with_its_campaign(client, link, campaign, settings):
    Campaign.objects.filter(pk=campaign.pk).update(closed_on=timezone.localdate())
    response = client.get(path_of(link))
    assert response.status_code == 410
    page = response.content.decode()
    assert "Ce lien a expiré" in page
    assert f'href="{LOGIN}?next={FORM}"' in page and f'href="{reverse("password_reset")}"' in page
    assert SESSION_KEY not in client.session


def test_a_link_expires_grace_days_after_the_due_date(client, link, campaign, settings):
    settings.PERSONAL_LINK_GRACE_DAYS = 5
    Campaign.objects.filter(pk=campaign.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(6)
    )
    assert "Ce lien a expiré" in client.get(path_of(link)).content.decode()


def test_a_link_session_ends_when_its_campaign_closes(client, link, campaign):
    signed_in(client, link)
    Campaign.objects.filter(pk=campaign.pk).update(closed_on=timezone.localdate())
    assert client.get(FORM).url == f"{LOGIN}?next={FORM}"


def test_revoked_links_are_refused_and_the_next_ones_serve(client, campaign, action, pilot):
    sent = links.personal_url(pilot, campaign, action)
    time.sleep(1.1)  # tokens count whole seconds: one of the revocation's second goes too
    links.revoke([pilot])
    response = client.get(path_of(sent))
    assert response.status_code == 403
    assert "Ce lien n'est plus valable" in response.content.decode()
    time.sleep(1.1)
    signed_in(client, links.personal_url(pilot, campaign, action))


def test_the_admin_revokes_a_persons_links(client_for, link, pilot):
    admin = client_for("admin_user")
    response = admin.post(
        reverse("admin:auth_user_changelist"),
        {"action": "revoke_links", "_selected_action": [pilot.pk]},
        follow=True,
    )
    assert "Les liens personnels déjà envoyés à 1 compte ne servent plus." in (
        response.content.decode()
    )
    assert LinkRevocation.objects.filter(user=pilot).exists()


def test_a_deactivated_account_is_refused(client, link, pilot):
    pilot.is_active = False
    pilot.save(update_fields=["is_active"])
    assert client.get(path_of(link)).status_code == 403
    assert SESSION_KEY not in client.session


def test_a_new_password_refuses_the_links_sent_before(client, link, pilot):
    pilot.set_password("un autre mot de passe")
    pilot.save(update_fields=["password"])
    assert client.get(path_of(link)).status_code == 403


def test_links_off_mails_carry_the_plain_url_and_tokens_are_refused(
    client, link, campaign, action, pilot, settings, smtp_server
):
    settings.PERSONAL_LINKS = False
    assert client.get(path_of(link)).status_code == 403
    reminders.remind_action(campaign, action)
    text = text_of(smtp_server[0])
    assert "sesame" not in text
    assert f"Saisir le point : http://127.0.0.1:8000{FORM}" in text


def test_a_refused_token_is_counted_as_a_failed_log_in_but_never_recorded(client, link):
    forged = path_of(link)[:-3] + "AAA"
    assert client.get(forged).status_code == 403
    attempt = AccessAttempt.objects.get()  # django-axes's lockout counts it
    assert (attempt.path_info, attempt.get_data) == (
        f"/acces/{COTENTIN}/2025/1.4.7/",
        "sesame=********************",
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_point_sent_back_mails_its_pilot_a_link_to_correct_it(
    client, campaign, action, pilot, editor, smtp_server, committed
):
    point = ProgressUpdate.objects.create(
        action=action,
        year=2025,
        status="en_cours",
        progress=40,
        review=Review.SUBMITTED,
        author=pilot,
    )
    with committed():
        campaigns.review_point(
            point.pk,
            version=point.version,
            decision=Review.TO_REVISE,
            text="Précisez le nombre de participants.",
            user=editor,
        )
    [message] = smtp_server
    assert str(make_header(decode_header(message["Subject"]))).startswith(
        "[essplan] Point 2025 à revoir"
    )
    url = re.search(r"le soumettre à nouveau : (\S+)", text_of(message)).group(1)
    signed_in(client, url)
    assert client.get(FORM).status_code == 200
    # From the same link session, the pilot re-reads the point and answers in its thread.
    review = reverse(
        "actions:point_review", kwargs={"slug": COTENTIN, "code": "1.4.7", "year": 2025}
    )
    assert "Précisez le nombre de participants." in client.get(review).content.decode()
    reply = reverse("actions:point_reply", kwargs={"slug": COTENTIN, "code": "1.4.7", "year": 2025})
    assert client.post(reply, {"text": "35 participants."}).status_code == 302
    assert point.comments.filter(author=pilot, text="35 participants.").exists()


def test_a_named_pilot_gets_a_link_while_a_campaign_is_open(
    client, campaign, action, pilot, smtp_server, committed
):
    action.pilots.remove(pilot)
    with committed():
        pilots.name_pilot(action, pilot)
    [message] = smtp_server
    url = re.search(r"Saisir le point 2025 : (\S+)", text_of(message)).group(1)
    signed_in(client, url)


def test_a_link_session_costs_two_queries_a_page(client, link, pilot):
    """Its campaign (still open?) and, on an action's page, whether the person pilots it."""
    page = reverse("actions:action_detail", kwargs={"slug": COTENTIN, "code": "1.4.7"})
    signed_in(client, link).get(page)
    with CaptureQueriesContext(connection) as linked:
        assert client.get(page).status_code == 200
    linked = [query["sql"] for query in linked.captured_queries]  # before the next request
    password = Client()
    password.force_login(pilot)
    password.get(page)
    with CaptureQueriesContext(connection) as plain:
        assert password.get(page).status_code == 200
    tables = [sql.split(" FROM ")[1].split()[0] for sql in linked]
    assert len(linked) == len(plain) + 2
    assert Counter(tables) - Counter(
        query["sql"].split(" FROM ")[1].split()[0] for query in plain.captured_queries
    ) == Counter(['"actions_campaign"', '"actions_action"'])
