"""End-to-end tests: Debian's Chromium driven by Playwright against a live server.

The live server needs a transactional database: each test restores the
migrations' data (serialized rollback) and loads the seed again.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
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
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

e2e = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(scope="session")
def live_server(django_db_setup):
    """pytest-django's live server, speaking plain HTTP.

    Its middleware reads the HTTPS settings once, when the server starts, so they
    are set here rather than per test.
    """
    with override_settings(
        SECURE_SSL_REDIRECT=False, SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False,
        WHITENOISE_AUTOREFRESH=True,
    ):
        server = LiveServer("localhost")
        yield server
        server.stop()


@pytest.fixture
def seeded(transactional_db):
    call_command("load_seed", verbosity=0)


@pytest.fixture
def page(live_server, seeded, request):
    """A Chromium page on the live server, for one test.

    While Playwright runs, its event loop makes Django see a separate set of
    database connections (asgiref's context-local storage): they are closed before
    Playwright stops, so the test's own connection flushes and restores the database.
    """
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # axe-core is injected as an inline script: only its tests bypass the page's CSP.
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="fr-FR", base_url=live_server.url,
            bypass_csp=request.node.get_closest_marker("axe") is not None,
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
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
