"""Hostile input stopped at the door, and the client's address.

- RejectNulMiddleware: a NUL byte in a path, a query string or a form field, which
  PostgreSQL cannot store or compare, is a 400 (French page), never a 500.
- as_id(): a typed identifier as an integer the database accepts, else None.
- client_ip(): the client's address, as django-axes counts failed logins by it.
- TrustedProxyMiddleware, SecurityHeadersMiddleware, BodySizeLimitMiddleware: forwarded
  headers believed from the trusted proxies only, the security headers on every answer, a
  body too large refused before it is read.

Behind TRUSTED_PROXIES reverse proxies (TLS terminator, load balancer), the address that
reaches the server is the last proxy's; each proxy appends the address it received the
request from to X-Forwarded-For. The client is the entry the outermost trusted proxy wrote:
the TRUSTED_PROXIES-th from the right. Entries further left were written by the client
itself and are never believed. With no trusted proxy, X-Forwarded-For is ignored.
"""

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils.csp import build_policy

MAX_ID = 2**63 - 1
API_PREFIX = "/public/api/"


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    trusted = settings.TRUSTED_PROXIES
    if not trusted:
        return remote
    forwarded = [
        item.strip()
        for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if item.strip()
    ]
    if len(forwarded) < trusted:
        return remote
    return forwarded[-trusted]


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if "\x00" in request.path or any(
            "\x00" in value for values in request.GET.lists() for value in values[1]
        ):
            if request.path.startswith(API_PREFIX):  # the API answers in JSON, as documented
                return JsonResponse({"detail": "Requête invalide : caractère NUL."}, status=400)
            raise SuspiciousOperation("NUL byte in the request")
        if (
            request.method == "POST"
            and request.content_type != "multipart/form-data"
            and any("\x00" in value for values in request.POST.lists() for value in values[1])
        ):
            raise SuspiciousOperation("NUL byte in the form")
        return self.get_response(request)


def as_id(value: object) -> int | None:
    """'12' -> 12; 'abc', '-1', '99999999999999999999', '²' (a digit to str.isdigit, not to
    int) -> None."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_ID:
        return None
    return int(text)


def trusted_proxy(request: HttpRequest) -> bool:
    """Whether the request came through one of the reverse proxies the settings name: only
    then are its X-Forwarded-* headers believed."""
    if not settings.TRUSTED_PROXIES:
        return False
    try:
        remote = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(remote in network for network in settings.TRUSTED_PROXY_NETWORKS)


class TrustedProxyMiddleware:
    """X-Forwarded-For and X-Forwarded-Proto are dropped unless a trusted proxy sent the
    request: a client reaching the application server directly cannot choose its address
    (the lockout's and the rate limits' key) nor pretend to be on HTTPS."""

    HEADERS = (
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_FORWARDED_PROTO",
        "HTTP_X_FORWARDED_HOST",
        "HTTP_X_FORWARDED_PORT",
        "HTTP_FORWARDED",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not trusted_proxy(request):
            for name in self.HEADERS:
                request.META.pop(name, None)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """The outermost guard: every answer, an error raised by another middleware included (a
    NUL byte, a foreign Host), carries the security headers; an answer that says nothing of
    caching is private and never stored (pages of an account, exports, attachments, PDFs).
    Public pages and static files say public themselves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.policy = build_policy(settings.SECURE_CSP)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        response.headers.setdefault("Cache-Control", "private, no-store")
        return response


class BodySizeLimitMiddleware:
    """A request whose declared body is larger than allowed is answered 413 before anything
    reads it (the CSRF check and the forms would spool it to disk): ANONYMOUS_REQUEST_MAX_BYTES
    for a visitor (the login, reset and listing forms are small), REQUEST_MAX_BYTES for an
    account (the largest upload and its form). A body without Content-Length is never read
    (Django reads CONTENT_LENGTH bytes)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= settings.ANONYMOUS_REQUEST_MAX_BYTES:
            return self.get_response(request)  # the session untouched (public pages vary on none)
        limit = (
            settings.REQUEST_MAX_BYTES
            if request.user.is_authenticated
            else settings.ANONYMOUS_REQUEST_MAX_BYTES
        )
        if length > limit:
            return render(request, "413.html", {"limit": limit}, status=413)
        return self.get_response(request)
