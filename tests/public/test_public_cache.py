"""The public site's kept answers (publicsite.cache): keyed on what a page reads, kept apart
from the sessions and permissions, bounded in bytes."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from django.utils import timezone

from essplan.boundedcache import ENTRY_OVERHEAD, BoundedLocMemCache
from publicsite import cache as kept_answers
from publicsite.api import QUERY_PARAMETERS
from structures.models import Structure
from tests.helpers import run_python
from tests.public.test_public import DIRECTORY, MAP, published  # noqa: F401 - the fixture
from tests.test_settings import SETUP

pytestmark = pytest.mark.django_db


def test_unknown_parameters_get_the_kept_copy_of_the_bare_url(
    client,
    published,  # noqa: F811
    django_assert_num_queries,
):
    bare = client.get(MAP)
    with django_assert_num_queries(1):  # the data version: the copy of the bare URL
        busted = client.get(MAP, {"v": "1"})
    assert busted.status_code == 200 and busted.content == bare.content
    name = published["structure"].name
    searched = client.get(DIRECTORY, {"q": name})
    with django_assert_num_queries(1):
        again = client.get(DIRECTORY, {"utm_source": "x", "q": name, "v": "2"})
    assert again.content == searched.content


def test_a_page_never_prints_a_parameter_it_does_not_read(
    client,
    published,  # noqa: F811
    editor,
):
    """The directory's page links carry its filters, never what was added to its URL: the
    copy kept for ?page=1 is good for whoever asks for it."""
    Structure.objects.update(public_since=timezone.now(), public_recorded_by=editor)
    page = client.get(DIRECTORY, {"page": "1", "v": "pirate"})
    assert "?page=2" in page.content.decode() and b"pirate" not in page.content


def test_a_flood_of_public_pages_leaves_the_sessions_and_permissions_cached(
    client,
    published,  # noqa: F811 - the fixture imported above
    viewer,
    settings,
):
    """The public copies have a cache of their own: varying the directory's search 30 times
    evicts nothing of what a logged-in user's pages keep (here in a memo of 64 KB)."""
    settings.DATACACHE_MAX_BYTES = 64 * 1024
    staff = Client()
    staff.force_login(viewer)
    plans = reverse("actions:plan_list")
    staff.get(plans)
    with CaptureQueriesContext(connection) as warm:
        staff.get(plans)
    for i in range(30):
        assert client.get(DIRECTORY, {"q": f"recherche {i}"}).status_code == 200
    with CaptureQueriesContext(connection) as after:
        staff.get(plans)
    assert len(after) == len(warm), [query["sql"] for query in after]


def test_an_answer_larger_than_the_bound_is_not_kept(
    client,
    published,  # noqa: F811
    monkeypatch,
    django_assert_num_queries,
):
    size = len(client.get(MAP).content)
    monkeypatch.setattr(kept_answers, "MAX_KEPT_BYTES", size - 1)
    client.get(DIRECTORY)
    with django_assert_num_queries(1):
        client.get(DIRECTORY)  # smaller: kept
    caches["public"].clear()
    client.get(MAP)
    with CaptureQueriesContext(connection) as again:
        client.get(MAP)
    assert len(again) > 1  # rendered again


def test_the_local_cache_is_bounded_in_bytes_and_drops_the_least_recently_read():
    store = BoundedLocMemCache(
        "test-bounded", {"OPTIONS": {"MAX_BYTES": 10_000, "MAX_ENTRIES": 1000}}
    )
    store.clear()
    value = b"x" * 1000
    store.set("k00", value)
    weight = store.size()  # the pickled value, the key, the overhead
    assert 1000 + ENTRY_OVERHEAD < weight < 1100 + ENTRY_OVERHEAD
    capacity = 10_000 // weight
    for i in range(1, capacity):
        store.set(f"k{i:02}", value)
    assert store.size() == capacity * weight
    store.get("k00")  # read: now the most recent
    store.set(f"k{capacity:02}", value)
    assert store.get("k01") is None and store.get("k00") == value
    for i in range(capacity + 1, 20):
        store.set(f"k{i:02}", value)
        assert store.size() <= 10_000
    kept = [i for i in range(20) if store.get(f"k{i:02}") is not None]
    assert kept == list(range(20 - capacity, 20))
    store.set("k19", value)  # set again: counted once
    assert store.size() == len(kept) * weight
    store.set("huge", b"x" * 20_000)
    assert store.get("huge") is None and store.get("k19") == value
    with pytest.raises(NotImplementedError):
        store.incr("k19")
    store.clear()
    assert store.size() == 0


def test_every_api_route_declares_the_query_parameters_of_its_openapi_document(client):
    document = client.get("/public/api/v1/openapi.json").json()
    declared = {}
    for route, operations in document["paths"].items():
        names = {
            parameter["name"]
            for parameter in operations["get"].get("parameters", [])
            if parameter["in"] == "query"
        }
        match = get_resolver().resolve(
            route.replace("{structure_id}", "1").replace("{slug}", "plan")
        )
        declared[route] = (getattr(match.func, kept_answers.PARAMETERS), names)
    assert all(reads == names for reads, names in declared.values()), declared
    assert {name for names in QUERY_PARAMETERS.values() for name in names} == {
        name for _, names in declared.values() for name in names
    }


def test_the_kept_answers_have_a_cache_of_their_own_alone_or_with_redis():
    shown = (
        "c = settings.CACHES; print(c['public']['BACKEND'], c['public'].get('KEY_PREFIX'),"
        "c['default'].get('KEY_PREFIX'), c['public']['TIMEOUT'],"
        "c['public'].get('OPTIONS', {}).get('MAX_BYTES'))"
    )
    alone = run_python(SETUP + shown, CACHE_URL="")
    assert alone.stdout.split() == [
        "essplan.boundedcache.BoundedLocMemCache",
        "None",
        "None",
        "3600",
        str(32 * 2**20),
    ], alone.stderr
    shared = run_python(
        SETUP + shown, CACHE_URL="redis://cache.internal:6379/1", RELEASE="v2026.12"
    )
    assert shared.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "essplan-v2026.12-public",
        "essplan-v2026.12",
        "3600",
        "None",
    ], shared.stderr


def test_a_shared_cache_key_names_the_code_it_was_rendered_by(tmp_path):
    """Without RELEASE, the release is a digest of the code and templates: another template
    is another release, so Redis keeps no fragment of the previous deploy for the next."""
    from pathlib import Path

    from essplan.release import fingerprint

    root = Path(settings.BASE_DIR)
    assert fingerprint(root) == fingerprint(root) == settings.RELEASE
    for folder in ("essplan", "templates"):
        (tmp_path / folder).mkdir()
    (tmp_path / "essplan" / "views.py").write_text("x = 1\n")
    (tmp_path / "templates" / "page.html").write_text("<p>avant</p>")
    before = fingerprint(tmp_path)
    (tmp_path / "templates" / "page.html").write_text("<p>après</p>")
    assert fingerprint(tmp_path) != before


def test_a_browser_that_has_the_current_answer_gets_304_until_the_data_change(client, published):  # noqa: F811
    first = client.get(MAP)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    again = client.get(MAP, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and "s-maxage=60" in again["Cache-Control"]
    structure = published["structure"]
    structure.name = "Nouveau nom public"
    structure.save()
    changed = client.get(MAP, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
