"""Two application servers (gunicorn, production settings) over one database, one cache
server (Redis: CI's CACHE_URL, else one the test starts) and one file directory: whatever
one server does, the other sees at once (sessions, writes, cached pages, staged imports,
generated reports)."""

import http.cookiejar
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from actions.models import Plan
from bench.load import Server, child_env, free_port
from essplan import roles
from reports.models import AnnualReport
from structures.models import Structure
from tests.conftest import COTENTIN, make_user
from tests.helpers import PRODUCTION_ENV, run_manage
from tests.jobs.test_import_jobs import THREE
from tests.jobs.test_worker import WAIT, database_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
HOST = "essplan.lecotentin.fr"
PASSWORD = "deux-serveurs-un-seul-site"


@pytest.fixture(scope="module")
def cache_url():
    """CI's Redis (CACHE_URL), else a Redis server of the test's own, without persistence."""
    if os.environ.get("CACHE_URL"):
        yield os.environ["CACHE_URL"]
        return
    port = free_port()
    process = subprocess.Popen(
        [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + WAIT
        while (
            subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True
            ).stdout.strip()
            != "PONG"
        ):
            assert time.monotonic() < deadline and process.poll() is None, "Redis ne démarre pas"
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """The static files as production serves them (hashed names, a manifest)."""
    root = tmp_path_factory.mktemp("static")
    done = run_manage("collectstatic", "--noinput", "-v0", STATIC_ROOT=str(root))
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def servers(cache_url, static_root, tmp_path):
    """Two gunicorn servers sharing the test database, the cache and MEDIA_ROOT."""
    subprocess.run(["redis-cli", "-u", cache_url, "flushdb"], check=True, capture_output=True)
    env = child_env(
        **PRODUCTION_ENV,
        DATABASE_URL=database_url(),
        CACHE_URL=cache_url,
        MEDIA_ROOT=str(tmp_path),
        STATIC_ROOT=str(static_root),
        JOBS_BACKEND="immediate",
    )
    for name in ("DEBUG", "IMPORT_JOB_ROWS"):
        env.pop(name, None)
    with (
        Server(env, workers=1, start_timeout=WAIT) as first,
        Server(env, workers=1, start_timeout=WAIT) as second,
    ):
        yield first, second


class AnyScheme(http.cookiejar.DefaultCookiePolicy):
    """The servers sit behind a TLS proxy (X-Forwarded-Proto): their secure cookies travel."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    """One person's cookies, sent to whichever server is asked (as a load balancer would)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar(AnyScheme())

    def open(self, server, path, data=None, content_type=None):
        request = urllib.request.Request(
            server.base + path,
            data=data,
            headers={
                "Host": HOST,
                "X-Forwarded-Proto": "https",
                "Referer": f"https://{HOST}/",
                **({"Content-Type": content_type} if content_type else {}),
            },
        )
        self.jar.add_cookie_header(request)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=WAIT)
        except urllib.error.HTTPError as error:
            response = error
        self.jar.extract_cookies(response, request)
        return response.status, response.headers.get("Location", ""), response.read()

    def get(self, server, path):
        status, location, body = self.open(server, path)
        return status, location, body.decode()

    def post(self, server, path, fields, files=None):
        token = next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")
        fields = {**fields, "csrfmiddlewaretoken": token}
        if files:
            body, content_type = encode_multipart(BOUNDARY, {**fields, **files}), MULTIPART_CONTENT
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        status, location, body = self.open(server, path, body, content_type)
        return status, location, body.decode()

    def log_in(self, server, username):
        self.get(server, reverse("login"))
        status, location, _ = self.post(
            server, reverse("login"), {"username": username, "password": PASSWORD}
        )
        assert status == 302 and "/connexion/" not in location, "connexion refusée"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Upload:
    """A file for encode_multipart."""

    def __init__(self, name, content):
        self.name, self.content = name, content

    def read(self):
        return self.content


@pytest.fixture(autouse=True)
def production_hasher(settings):
    """The servers check passwords with the production hasher, not the tests' fast one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def person(username, role):
    user = make_user(username, role)
    user.set_password(PASSWORD)
    user.save()
    return Browser()


def listed(page):
    """The number of structures the directory's list says it holds."""
    return int(re.sub(r"\D", "", re.search(r'role="status">([\d\s\u202f]+) structures?<', page)[1]))


def test_two_servers_share_sessions_writes_cache_imports_and_files(servers, tmp_path):
    first, second = servers
    structures = reverse("structures:structure_list")
    editor = person("emile", roles.EDITOR)

    # A login on one server is valid on the other.
    editor.log_in(first, "emile")
    status, _, page = editor.get(second, structures)
    assert status == 200 and "Annuaire" in page
    before = Structure.objects.count()
    # Both servers have the directory's list (and its count) cached before the write.
    for server in servers:
        assert listed(editor.get(server, structures)[2]) == before
        assert listed(editor.get(server, f"{structures}?q=Garage+solidaire")[2]) == 0

    # An import staged through the first server is confirmed through the second.
    status, _, page = editor.post(
        first,
        reverse("structures:structure_import"),
        {},
        {"file": Upload("annuaire.csv", THREE.encode())},
    )
    assert status == 200 and "3 structures à créer" in page
    token = re.search(r'name="token" value="([0-9a-f]{32})"', page)[1]
    status, location, _ = editor.post(
        second, reverse("structures:structure_import_confirm"), {"token": token}
    )
    assert (status, location) == (302, structures)
    assert Structure.objects.count() == before + 3
    # The write is read at once through both servers, cached pages included.
    for server in servers:
        page = editor.get(server, f"{structures}?q=Garage+solidaire")[2]
        assert listed(page) == 1 and "Garage solidaire de la Hague" in page
        assert listed(editor.get(server, structures)[2]) == before + 3

    # A report generated through one server downloads through the other.
    admin = person("alice", roles.ADMIN)
    admin.log_in(second, "alice")
    admin.get(second, reverse("reports:report_list"))
    plan = Plan.objects.get(slug=COTENTIN)
    status, location, _ = admin.post(
        second,
        reverse("reports:report_generate"),
        {"kind": "annuel", "plan": plan.pk, "year": 2024},
    )
    assert status == 302 and "/travaux/" in location
    report = AnnualReport.objects.get()
    assert (tmp_path / report.file.name).is_file()  # written by the second server
    status, _, pdf = admin.open(first, reverse("reports:report_download", kwargs={"pk": report.pk}))
    assert status == 200 and pdf.startswith(b"%PDF-")
