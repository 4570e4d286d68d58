"""The public site's answers kept whole, per version of the plans and of the directory.

A public page or API answer carries no user: once rendered for a version of the data it
prints (the plans and the directory: no account, no listing request), any visitor may get it
again. This middleware, placed before the session, the login and the other middleware,
answers a GET under /public/ from the kept copy: one query (the versions) instead of the
view, its queries and its template. A write to the plans or the directory makes a new
version, so a withdrawal is seen at once. Only what the view itself marked public
(Cache-Control: public), answered 200, set no cookie and weighs at most MAX_KEPT_BYTES is
kept.

Every such answer carries an ETag made of the same key: a browser or a proxy that asks again
with If-None-Match gets 304 Not Modified, without a body, until the data change (Django's
conditional-request rules, django.utils.cache.get_conditional_response). A whole-answer cache
rather than the proxy alone: without it, the public directory API served 0.6 % of /healthz's
requests per second and the plan page 15 % (bench of 01/12/2026), against 84 % and 70 % with
it.

Anyone can vary a URL, and a varied URL costs a rendering and a copy. So a kept answer is
keyed on its path and the query parameters its view declared it reads (reads_query), sorted;
the view sees no other parameter, so what it prints is what its key names, and
?v=1, ?v=2… all get the copy of the bare URL. A view that declared nothing is never kept. The
copies live in a cache of their own (CACHES["public"]), apart from the sessions, users and
permissions (essplan.datacache): bounded in bytes in each process (essplan.boundedcache), or
in the shared Redis server under their own key prefix.

A kept page that uses the CSP nonce (the charts' style elements) gets a new nonce on each
answer, in its body and its Content-Security-Policy header alike.
"""

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, QueryDict
from django.middleware.csp import get_nonce
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response

from essplan.datacache import DIRECTORY, PLANS, stamp

PREFIX = "/public/"
NONCE_SLOT = "essplan-public-nonce"
# The largest answer kept: the directory's map, the heaviest public page, is about 75 KB.
MAX_KEPT_BYTES = 512 * 1024
PARAMETERS = "public_query_parameters"


def reads_query(*names):
    """Declares the query parameters a public view reads: its kept answers are keyed on them,
    and it sees no other."""

    def declare(view):
        setattr(view, PARAMETERS, frozenset(names))
        return view

    return declare


def read_parameters(request):
    """The query parameters the view of REQUEST declared it reads; None when it declared
    nothing (or there is no such view)."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return getattr(match.func, PARAMETERS, None)


def only(request, names):
    """REQUEST with the query parameters NAMES alone, sorted; its query string as well."""
    query = QueryDict(mutable=True)
    for name in sorted(names & request.GET.keys()):
        query.setlist(name, request.GET.getlist(name))
    query._mutable = False
    request.GET = query
    request.META["QUERY_STRING"] = query.urlencode()


@dataclass(frozen=True)
class Kept:
    status: int
    headers: tuple
    content: bytes
    has_nonce: bool

    def response(self):
        content, headers = self.content, dict(self.headers)
        if self.has_nonce:
            nonce = secrets.token_urlsafe(16)
            content = content.replace(NONCE_SLOT.encode(), nonce.encode())
            headers = {name: value.replace(NONCE_SLOT, nonce) for name, value in headers.items()}
        response = HttpResponse(content, status=self.status, headers=headers)
        response["Content-Length"] = str(len(content))
        return response


def keepable(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "public" in cache_control.split(", ")
    )


def kept(request, response):
    """RESPONSE as kept, its nonce (if it used one) replaced by NONCE_SLOT; None when it must
    not be kept."""
    if not keepable(response) or len(response.content) > MAX_KEPT_BYTES:
        return None
    nonce = get_nonce(request)
    used = bool(nonce)  # a LazyNonce is falsy until a template or a view asked for it
    content = response.content
    headers = [(name, value) for name, value in response.items() if name != "Content-Length"]
    if used:
        content = content.replace(str(nonce).encode(), NONCE_SLOT.encode())
        headers = [(name, value.replace(str(nonce), NONCE_SLOT)) for name, value in headers]
    return Kept(response.status_code, tuple(headers), content, used)


class PublicCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "GET" or not request.path.startswith(PREFIX):
            return self.get_response(request)
        names = read_parameters(request)
        if names is None:
            return self.get_response(request)
        only(request, names)
        # The day too: what is late or upcoming changes with the date alone.
        digest = hashlib.sha256(repr((request.path, list(request.GET.lists()))).encode())
        key = f"{stamp((PLANS, DIRECTORY))}:{timezone.localdate().isoformat()}:{digest.hexdigest()}"
        etag = '"' + hashlib.sha256(f"{settings.RELEASE}:{key}".encode()).hexdigest()[:32] + '"'
        store = caches["public"]
        copy = store.get(key)
        if copy is not None:
            return conditional(request, copy.response(), etag)
        response = self.get_response(request)
        copy = kept(request, response)
        if copy is None:
            return response
        store.set(key, copy)
        return conditional(request, response, etag)


def conditional(request, response, etag):
    """RESPONSE with its ETag, or 304 Not Modified (its headers kept) if the client has it."""
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response)
