"""End-to-end tests: Debian's Chromium driven by Playwright against a live server.

The live server needs a transactional database: each test starts from the session's
database, seed included (serialized rollback), and ends with a flush of every table;
tests/conftest.py then gives the session's database back.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer

# Playwright's sync API runs an event loop in this thread; the ORM calls of the
# tests themselves are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.conftest import PASSWORD  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

e2e = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Bounds, not waits: Playwright returns as soon as the page is ready. They are wide because a
# loaded 2-core machine (CI beside a benchmark) can take seconds for a plain page; what the
# server computes at length (a PDF, an import) is awaited through its response (SERVER_WORK).
UI_TIMEOUT = 60_000
SERVER_WORK = 600_000
expect.set_options(timeout=UI_TIMEOUT)


def submit_and_wait(page, button, path):
    """Click BUTTON and wait for the server's answer to the POST to PATH, however long its
    work takes (bounded by SERVER_WORK), and for the page it leads to."""
    with page.expect_response(
        lambda response: response.request.method == "POST" and path in response.url,
        timeout=SERVER_WORK,
    ):
        button.click(no_wait_after=True)
    page.wait_for_load_state(timeout=SERVER_WORK)


@pytest.fixture(scope="session")
def live_server(django_db_setup):
    """pytest-django's live server, speaking plain HTTP.

    Its middleware reads the HTTPS settings once, when the server starts, so they
    are set here rather than per test.
    """
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        WHITENOISE_AUTOREFRESH=True,
    ):
        server = LiveServer("localhost")
        yield server
        server.stop()


@pytest.fixture
def page(live_server, transactional_db, request):
    """A Chromium page on the live server, for one test.

    While Playwright runs, its event loop makes Django see a separate set of
    database connections (asgiref's context-local storage): they are closed before
    Playwright stops, so the test's own connection flushes and restores the database.
    """
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # axe-core is injected as an inline script: only its tests bypass the page's CSP.
        context = browser.new_context(
            viewport={"width": 1280, "height": 900},
            locale="fr-FR",
            base_url=live_server.url,
            bypass_csp=request.node.get_closest_marker("axe") is not None,
        )
        page = context.new_page()
        page.set_default_timeout(UI_TIMEOUT)
        yield page
        context.close()
        browser.close()
        connections.close_all()


def log_in(page, username):
    page.goto("/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def axe_violations(page):
    """Violations of WCAG 2.1 A and AA that axe-core finds on the current page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_AA,
    )
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in result["violations"]
    ]
