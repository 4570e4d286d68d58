"""What operations rely on: the health probe, the client address behind proxies, errors
reported to the administrators."""

import ipaddress

import pytest
from django.test import Client, RequestFactory

from essplan.security import client_ip
from tests.conftest import PASSWORD
from tests.helpers import run_python

PROBE = (
    "import django; django.setup(); from django.test import Client;"
    "c = Client(raise_request_exception=False);"
)


def test_healthz_answers_200_over_plain_http_without_a_session(
    client, django_assert_num_queries, db
):
    with django_assert_num_queries(1):
        response = client.get("/healthz")  # plain HTTP, production settings: no redirect
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "sessionid" not in response.cookies


def test_healthz_reports_the_age_of_the_oldest_job_waiting_for_a_worker(client, db):
    import datetime

    from django.utils import timezone

    from jobs.models import Job, Status

    assert client.get("/healthz?jobs=1").content == b"ok\noldest_waiting_job_seconds 0\n"
    for minutes, status in ((5, Status.DONE), (3, Status.WAITING), (1, Status.WAITING)):
        job = Job.objects.create(kind="report", label="Rapport", status=status)
        Job.objects.filter(pk=job.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=minutes)
        )
    body = client.get("/healthz?jobs=1").content.decode()
    seconds = int(body.split()[-1])
    assert body.startswith("ok\noldest_waiting_job_seconds ") and 180 <= seconds < 190


@pytest.mark.parametrize(
    "request_args",
    [
        "secure=True",
        "secure=False",
        "secure=True, HTTP_COOKIE='sessionid=abcdefghijklmnopqrstuvwxyz012345'",
    ],
)
def test_healthz_answers_503_when_the_database_is_down(request_args):
    # A real server that refuses connections: nothing listens on port 1.
    result = run_python(
        PROBE + f"print(c.get('/healthz', {request_args}).status_code)",
        DATABASE_URL="postgresql://postgres@127.0.0.1:1/essplan",
        ALLOWED_HOSTS="testserver",
    )
    assert result.stdout.strip() == "503", result.stderr[-2000:]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy trusted: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),  # the proxy's own entry
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client's forged entry is skipped
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.2"),  # fewer entries than proxies: not trusted
    ],
)
def test_client_address_is_read_through_the_trusted_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_behind_a_proxy_failures_from_one_client_do_not_lock_out_another(settings, viewer):
    settings.TRUSTED_PROXIES = 1
    settings.TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network("10.0.0.2")]

    def login(client_address, password):
        return Client().post(
            "/connexion/",
            {"username": "camille", "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=client_address,
        )

    for _ in range(5):
        login("198.51.100.66", "mauvais-mot-de-passe")
    assert login("198.51.100.66", PASSWORD).status_code == 429  # the attacker is locked out
    assert login("203.0.113.9", PASSWORD).status_code == 302  # Camille, elsewhere, is not


@pytest.mark.django_db
def test_a_server_error_is_mailed_to_the_administrators(
    settings, smtp_server, client_for, monkeypatch
):
    settings.ADMINS = ["dsi@lecotentin.test"]

    def broken(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr("reports.views.dashboard_body", broken)
    client = client_for("viewer")
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "enregistrée dans le journal du serveur" in response.content.decode()
    assert len(smtp_server) == 1
    message = smtp_server[0]
    assert message["To"] == "dsi@lecotentin.test"
    assert "[Django] ERROR" in message["Subject"] and "/" in message["Subject"]
    body = (message.get_payload(0) if message.is_multipart() else message).get_payload(decode=True)
    assert "RuntimeError at /\r\npanne simulée" in body.decode()
