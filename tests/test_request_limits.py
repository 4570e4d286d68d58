"""What reaches the server is bounded and every answer carries its headers: a body too large
is refused before anything reads it, forwarded headers are believed from a trusted proxy
only, error pages and private pages carry the security and caching headers."""

import html
import io

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from tests.conftest import COTENTIN, PASSWORD

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024


class CountingBody(io.RawIOBase):
    """A request body of SIZE bytes that counts what the server reads of it."""

    def __init__(self, size):
        self.size, self.read_bytes = size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        count = min(len(buffer), self.size - self.read_bytes)
        buffer[:count] = b"a" * count
        self.read_bytes += count
        return count


def post_raw(path, size, cookie=""):
    """POST a multipart body that declares SIZE bytes straight to the WSGI application, as
    gunicorn hands it over: the status and how many bytes the application read."""
    body = CountingBody(size)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "443",
        "HTTPS": "on",
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BufferedReader(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": "multipart/form-data; boundary=essplanboundary",
        "CONTENT_LENGTH": str(size),
        "HTTP_COOKIE": cookie,
        "REMOTE_ADDR": "198.51.100.7",
    }
    statuses = []
    # As Django's test client does: the test's transaction must outlive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return int(statuses[0].split()[0]), body.read_bytes


@pytest.mark.parametrize(
    "path",
    [
        "/public/annuaire/inscription/",
        "/connexion/",
        "/structures/importer/",
        "/mot-de-passe/oubli/",
    ],
)
def test_a_visitor_s_large_body_is_refused_before_it_is_read(path):
    status, read = post_raw(path, 40 * MiB, cookie="csrftoken=" + "a" * 32)
    assert (status, read) == (413, 0)


def test_an_account_s_body_above_the_largest_upload_is_refused_unread(client_for):
    session = client_for("editor").cookies["sessionid"].value
    status, read = post_raw("/structures/importer/", 12 * MiB, cookie=f"sessionid={session}")
    assert (status, read) == (413, 0)


def test_the_413_page_says_what_to_do_in_french(client):
    response = client.post("/connexion/", {"username": "x" * 70000, "password": "y"})
    assert response.status_code == 413
    page = html.unescape(response.content.decode()).replace("\xa0", " ")
    assert "Envoi trop volumineux" in page
    assert "dépasse 64,0 Kio, la taille que l'application accepte sans connexion" in page


def test_a_visitor_s_ordinary_form_still_goes_through(client, viewer):
    response = client.post("/connexion/", {"username": "camille", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("url", ["/public/?q=%00", "/connexion/?next=%00"])
def test_an_error_raised_by_a_middleware_carries_the_security_headers(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_a_foreign_host_is_refused_with_the_security_headers(client):
    response = client.get("/connexion/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in response


def test_an_account_s_pages_and_downloads_are_never_stored(client_for, action):
    editor = client_for("editor")
    urls = [
        reverse("reports:home"),
        reverse("actions:action_list", kwargs={"slug": COTENTIN}),
        reverse("structures:structure_list") + "?format=csv",
        reverse("actions:action_list", kwargs={"slug": COTENTIN}) + "?format=xlsx",
    ]
    for url in urls:
        response = editor.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], (
            url
        )


def test_public_pages_stay_cacheable_by_a_proxy(client, plan):
    response = client.get(reverse("public:structure_list"))
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=60"


def test_x_forwarded_proto_is_ignored_without_a_trusted_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/connexion/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_x_forwarded_proto_is_believed_from_a_trusted_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/connexion/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200


def test_a_client_reaching_the_server_directly_cannot_rotate_its_address(settings, viewer):
    """Behind TRUSTED_PROXIES=1, a client that reaches gunicorn without the proxy writes its
    own X-Forwarded-For: it is dropped, so the lockout counts the real address."""
    settings.TRUSTED_PROXIES = 1

    def login(number, password):
        return Client().post(
            "/connexion/",
            {"username": "camille", "password": password},
            REMOTE_ADDR="198.51.100.66",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        )

    for number in range(5):
        login(number, "mauvais-mot-de-passe")
    assert login(99, PASSWORD).status_code == 429
