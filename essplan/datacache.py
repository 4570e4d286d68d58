"""Figures computed from the data, cached until the data they read change.

The data are cut in scopes that follow the domain, one version each in ``essplan_versions``:

- "plans": the plans and their follow-up (the actions, indicators and reports apps);
- "directory": the directory and its reference tables (the structures app);
- "requests": the public listing requests (never shown by a cached page but their count);
- "accounts": users, groups and permissions (names, roles, who is active; not the time of
  the last log-in, which every log-in writes and no page prints).

Every statement that writes a table of a scope (ORM, admin, import, worker, plain SQL, COPY)
marks its transaction; the scope gets a new random version when the transaction commits
(migration essplan.0008). The new version and the rows it stands for become visible together;
a rolled-back transaction publishes nothing; no version is ever given twice, even after a
restore. A value computed after reading version V is at least as recent as V, so it may be
kept under V: the first reading after a commit computes it again.

Every kept value names the scopes of what it prints (PAGE for a page of the plan: its
figures, the directory's names and the accounts' names). A write in one scope leaves the
values of the others.

The values are kept in the memory of the process, as they are: no unpickling on each read
(the dashboard's figures took 3.6 ms to unpickle from Django's local-memory cache, half of
the page's time). Readers share a value: they must never change it. The memory is bounded in
bytes (settings.DATACACHE_MAX_BYTES, each value weighed by its pickled size when kept); the
least recently read values go first.

Inside a transaction of the application's own (a POST that writes, a worker's job), nothing is
read from or kept in the cache: what such a transaction has written is not yet in any
version, and it may still roll back.
"""

import functools
import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property

PLANS, DIRECTORY, REQUESTS, ACCOUNTS = "plans", "directory", "requests", "accounts"
SCOPES = (PLANS, DIRECTORY, REQUESTS, ACCOUNTS)
# What a page of the plan may print: its data, the directory's names, the people's names.
PAGE = (PLANS, DIRECTORY, ACCOUNTS)
APP_SCOPES = {"actions": PLANS, "indicators": PLANS, "reports": PLANS, "structures": DIRECTORY}
MODEL_SCOPES = {"structures.listingrequest": REQUESTS}
AUTH_TABLES = [
    "auth_group",
    "auth_permission",
    "auth_user_groups",
    "auth_user_user_permissions",
    "auth_group_permissions",
]
# auth_user moves "accounts" when one of these changes: not on last_login alone.
USER_COLUMNS = [
    "password",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
]

_memo: OrderedDict[str, tuple[Any, int]] = OrderedDict()  # {key: (value, weight)}
_memo_weight = 0
_memo_lock = threading.Lock()

_request_memo: ContextVar[dict[str, int] | None] = ContextVar("versions_memo", default=None)

TRIGGER_SQL = """
CREATE OR REPLACE TRIGGER essplan_version
    AFTER INSERT OR UPDATE{columns} OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION essplan_mark_version('{scope}');
"""


def scope_tables() -> dict[str, list[str]]:
    """{scope: [table]}: the tables of each scope, many-to-many ones included, history tables
    excepted (they are only written along with the tables they record)."""
    import pghistory.models

    tables: dict[str, set[str]] = {scope: set() for scope in SCOPES}
    for label, scope in APP_SCOPES.items():
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if not issubclass(model, pghistory.models.Event) and not model._meta.proxy:
                tables[MODEL_SCOPES.get(model._meta.label_lower, scope)].add(model._meta.db_table)
    tables[ACCOUNTS].update(AUTH_TABLES)
    return {scope: sorted(names) for scope, names in tables.items()}


def install(using: str = "default", **kwargs: object) -> None:
    """The marking triggers of every table (post_migrate: new tables get theirs too), then new
    versions for every scope: a deploy that migrates starts from a cold cache. The versions
    table and its functions are made by the migrations essplan.0002 and 0008."""
    from django.db import connections

    database = connections[using]
    quote = database.ops.quote_name
    with database.cursor() as cursor:
        for scope, tables in scope_tables().items():
            for table in tables:
                cursor.execute(TRIGGER_SQL.format(table=quote(table), scope=scope, columns=""))
        cursor.execute(
            TRIGGER_SQL.format(
                table=quote("auth_user"),
                scope=ACCOUNTS,
                columns=" OF " + ", ".join(quote(column) for column in USER_COLUMNS),
            )
        )
    renew(using)


def renew(using: str = "default") -> None:
    """A new version for every scope: whatever was kept, in any process or in Redis, is
    computed again (after a database restore: ``manage.py renew_versions``)."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute("UPDATE essplan_versions SET n = (random() * 9.2e18)::bigint")


def versions() -> dict[str, int]:
    """{scope: version}, read once per request."""
    memo = _request_memo.get()
    if memo:
        return memo
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, n FROM essplan_versions")
        current = dict(cursor.fetchall())
    if memo is not None:
        memo.update(current)
    return current


def stamp(scopes: Iterable[str]) -> str:
    """The versions of SCOPES as a key's part, e.g. "plans123-accounts456"."""
    current = versions()
    return "-".join(f"{scope}{current[scope]}" for scope in scopes)


class Stamps:
    """Templates' ``versions``: ``versions.page`` or ``versions.directory`` keys a fragment,
    e.g. {% cache 86400 "name" versions.page … %}; read only if a template uses it."""

    def __getattr__(self, name: str) -> str:
        return stamp(PAGE if name == "page" else (name,))


def context(request: HttpRequest) -> dict[str, Any]:
    return {"versions": SimpleLazyObject(Stamps)}


class RequestMemoMiddleware:
    """Read the versions once per reading request. A request that writes reads them anew
    each time: what it computes after its own writes must not be keyed by older versions."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _request_memo.set({})
        try:
            return self.get_response(request)
        finally:
            _request_memo.reset(token)


def in_own_transaction() -> bool:
    """Whether the code runs in a transaction the application opened (the tests' own
    transaction, which stands for the autocommit of a real request, does not count)."""
    return any(
        not block._from_testcase  # type: ignore[attr-defined]
        for block in connection.atomic_blocks
    )


def weight(value: object) -> int:
    """The bytes VALUE counts for: its pickled size."""
    return len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


def cached_value[T](
    name: str, parts: object, compute: Callable[[], T], *, scopes: Iterable[str]
) -> T:
    """COMPUTE()'s value, cached under NAME, PARTS, the versions of SCOPES (what it prints
    comes from those scopes only) and the day (what is late or upcoming changes with the date
    alone)."""
    if in_own_transaction():
        return compute()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"{name}:{stamp(scopes)}:{timezone.localdate().isoformat()}:{digest}"
    with _memo_lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key][0]
    value = compute()
    keep(key, value)
    return value


def keep(key: str, value: object) -> None:
    global _memo_weight
    size = weight(value) + len(key)
    limit = settings.DATACACHE_MAX_BYTES
    if size > limit:
        return
    with _memo_lock:
        if key in _memo:
            _memo_weight -= _memo.pop(key)[1]
        _memo[key] = (value, size)
        _memo_weight += size
        while _memo_weight > limit:
            _memo_weight -= _memo.popitem(last=False)[1][1]


def memo_weight() -> int:
    """The bytes the kept values weigh now."""
    return _memo_weight


def forget() -> None:
    """Drop every cached value (tests start from a cold cache)."""
    global _memo_weight
    with _memo_lock:
        _memo.clear()
        _memo_weight = 0


def cached[**P, T](*scopes: str) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Cache the decorated function's result per arguments (model instances count by their
    primary key), with the versions of SCOPES."""

    def decorate(function: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            parts = [getattr(arg, "pk", arg) for arg in args]
            parts += [(name, getattr(value, "pk", value)) for name, value in sorted(kwargs.items())]
            return cached_value(
                f"{function.__module__}.{function.__qualname__}",
                parts,
                lambda: function(*args, **kwargs),
                scopes=scopes,
            )

        return wrapper

    return decorate


class CachedCountPaginator(Paginator):
    """A paginator whose COUNT(*) (a scan of the matching rows) is cached with the data of
    SCOPES, under KEY: what selects the rows (not the SQL, whose compiling can cost as much as
    a count)."""

    def __init__(
        self, object_list: Any, per_page: int, *, key: object, scopes: Iterable[str], **kwargs: Any
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.key, self.scopes = key, scopes

    @cached_property
    def count(self) -> int:
        if self.object_list.query.is_empty():  # type: ignore[attr-defined]  # a queryset
            return 0
        return cached_value(
            "count",
            self.key,
            lambda: Paginator.count.func(self),  # type: ignore[attr-defined]
            scopes=self.scopes,
        )
