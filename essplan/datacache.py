"""Figures computed from the data, cached until the data changes.

Every statement that writes a table of the domain apps (ORM, admin, imports, plain SQL)
sets the one row of ``essplan_data_version`` to a new value of a sequence, through a
statement-level trigger. That UPDATE is transactional: a reader sees the new version only
together with the data it stands for. A value computed after reading version V is at
least as recent as V, so it may be cached under V. A rolled-back transaction never
publishes its version, and a sequence never hands out a value twice, so no cached value
can be confused with another.

Cost: one small query per request (the version is read once per request) and writers
of the domain tables take turns on that row until they commit.
"""

import functools
import hashlib
from contextvars import ContextVar

from django.apps import apps
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property

DOMAIN_APPS = ["structures", "actions", "indicators"]
TIMEOUT = 24 * 60 * 60

_request_memo = ContextVar("data_version_memo", default=None)

CREATE_SQL = """
CREATE SEQUENCE IF NOT EXISTS essplan_data_version_seq;
CREATE TABLE IF NOT EXISTS essplan_data_version (n bigint NOT NULL);
INSERT INTO essplan_data_version (n)
    SELECT nextval('essplan_data_version_seq') WHERE NOT EXISTS (SELECT FROM essplan_data_version);
CREATE OR REPLACE FUNCTION essplan_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE essplan_data_version SET n = nextval('essplan_data_version_seq');
    RETURN NULL;
END $$;
"""
TRIGGER_SQL = """
CREATE OR REPLACE TRIGGER essplan_data_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION essplan_bump_data_version();
"""


def domain_tables():
    """The tables of the domain apps, many-to-many ones included, history tables excepted
    (they are only written along with the tables they record)."""
    import pghistory.models

    tables = set()
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if not issubclass(model, pghistory.models.Event) and not model._meta.proxy:
                tables.add(model._meta.db_table)
    return sorted(tables)


def install(using="default", **kwargs):
    """Create the version row and its triggers (post_migrate: new tables get theirs too)."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute(CREATE_SQL)
        for table in domain_tables():
            cursor.execute(TRIGGER_SQL.format(table=connection.ops.quote_name(table)))


def data_version():
    """The current version of the data, read once per request."""
    memo = _request_memo.get()
    if memo is not None and "version" in memo:
        return memo["version"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM essplan_data_version")
        version = cursor.fetchone()[0]
    if memo is not None:
        memo["version"] = version
    return version


def context(request):
    """Templates' ``data_version``, read only if a template uses it, e.g. to key a fragment:
    {% cache 86400 "name" data_version … %}."""
    return {"data_version": SimpleLazyObject(data_version)}


class RequestMemoMiddleware:
    """Scope the memo of data_version() to one request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_memo.set({})
        try:
            return self.get_response(request)
        finally:
            _request_memo.reset(token)


def cached_value(name, parts, compute):
    """COMPUTE()'s value, cached under NAME, PARTS, the data version and the day (what is
    late or upcoming changes with the date alone)."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"data:{name}:{data_version()}:{timezone.localdate().isoformat()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def cached(function):
    """Cache FUNCTION's result per arguments (model instances count by their primary key)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        parts = [getattr(arg, "pk", arg) for arg in args]
        parts += [(name, getattr(value, "pk", value)) for name, value in sorted(kwargs.items())]
        return cached_value(f"{function.__module__}.{function.__qualname__}", parts,
                            lambda: function(*args, **kwargs))

    return wrapper


class CachedCountPaginator(Paginator):
    """A paginator whose COUNT(*) (a scan of the matching rows) is cached with the data."""

    @cached_property
    def count(self):
        query = self.object_list.query
        return cached_value("count", str(query), lambda: Paginator.count.func(self))
