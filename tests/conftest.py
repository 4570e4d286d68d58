"""Personas and the seed data shared by every test.

The seed (the adopted plan of fixtures/) is loaded once per test session into
the test database; each test runs in a transaction rolled back at its end. The
transactional (end-to-end) tests flush the database: they restore this same state,
seed included, before they run (serialized rollback) and after they end (the teardown
hook below), so that no test depends on running before or after them.
"""

import socket

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from pytest_django.plugin import blocking_manager_key

from actions.models import Plan
from essplan import datacache, roles
from tests.factories import COTENTIN, PASSWORD, UserFactory, seeded_action

__all__ = ["COTENTIN", "PASSWORD", "make_user"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_seed", verbosity=0)
        # What serialized_rollback restores: the migrated database with the seed.
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()


def transactional(item):
    marker = item.get_closest_marker("django_db") if item else None
    return bool(marker and marker.kwargs.get("transaction"))


def pytest_collection_modifyitems(items):
    """A transactional test must restore the seeded database (serialized_rollback): without
    it, its closing flush recreates the roles, and the next transactional test, reloading
    them, breaks on their keys (an error far from its cause)."""
    bare = [
        item.nodeid
        for item in items
        if transactional(item)
        and not item.get_closest_marker("django_db").kwargs.get("serialized_rollback")
    ]
    if bare:
        raise pytest.UsageError(
            "django_db(transaction=True) sans serialized_rollback=True : " + ", ".join(bare)
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Once the flush of a transactional test is done, give the tests that follow the
    session's database back (a transactional test restores it itself, when it starts; after
    the last test, the test database is already gone)."""
    yield
    if transactional(item) and nextitem is not None and not transactional(nextitem):
        with item.config.stash[blocking_manager_key].unblock():
            # Empty whatever the test's own flush recreated (roles, content types), then load.
            call_command(
                "flush",
                interactive=False,
                inhibit_post_migrate=True,
                reset_sequences=False,
                verbosity=0,
            )
            connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """A test that runs in a transaction rolled back at its end never commits: the data
    versions (essplan.datacache), which move when a transaction commits, would never move in
    it. There they move at each write instead, as if each statement were committed (what a
    request that writes does), including the writes of the test's fixtures. The transactional
    tests commit, and so see the versions move as the servers do."""
    if connection.atomic_blocks and connection.atomic_blocks[0]._from_testcase:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS essplan_version_publish IMMEDIATE")
    yield


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Production settings redirect to HTTPS and serve collected static files;
    the test client speaks plain HTTP and tests do not run collectstatic."""
    settings.SECURE_SSL_REDIRECT = False
    settings.WHITENOISE_AUTOREFRESH = True
    # Test personas do not need a slow, brute-force resistant hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Jobs run inside the request; tests/jobs/ runs them in real worker processes.
    settings.JOBS_BACKEND = "immediate"
    # Figures cached by a previous test would make query counts depend on test order.
    cache.clear()
    caches["public"].clear()
    datacache.forget()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def make_user(username, role=None, *, staff=False):
    return UserFactory(username=username, role=role, is_staff=staff)


@pytest.fixture
def plan(db):
    """The seeded Cotentin plan."""
    return Plan.objects.get(slug=COTENTIN)


@pytest.fixture
def action(db):
    """Action 1.4.7 of the seeded plan (events that foster mutual acquaintance)."""
    return seeded_action()


@pytest.fixture
def admin_user(db):
    return make_user("alice", roles.ADMIN, staff=True)


@pytest.fixture
def editor(db):
    return make_user("emile", roles.EDITOR)


@pytest.fixture
def viewer(db):
    return make_user("camille", roles.VIEWER)


@pytest.fixture
def outsider(db):
    return make_user("olga")


@pytest.fixture
def pilot(db, action):
    """A « Pilote » named pilot of action 1.4.7 (the ``action`` fixture)."""
    user = make_user("paul", roles.PILOT)
    user.first_name, user.last_name = "Paul", "Pilote"
    user.save(update_fields=["first_name", "last_name"])
    action.pilots.add(user)
    return user


@pytest.fixture
def other_pilot(db, plan):
    """A « Pilote » of action 1.4.6 only."""
    user = make_user("pia", roles.PILOT)
    plan.actions.get(code="1.4.6").pilots.add(user)
    return user


PERSONAS = ["anonymous", "outsider", "viewer", "pilot", "other_pilot", "editor", "admin_user"]


@pytest.fixture
def client_for(db, client, request):
    """client_for("viewer") -> a test client logged in as that persona."""

    def _client_for(persona):
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        return client

    return _client_for


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free loopback port, and the application's mailer
    pointed at it: the messages it received are in the list returned."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 30},
        }
    }
    yield received
    controller.stop()
