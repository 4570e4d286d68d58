"""Hostile input stopped at the door, and the client's address.

- RejectNulMiddleware: a NUL byte in a path, a query string or a form field, which
  PostgreSQL cannot store or compare, is a 400 (French page), never a 500.
- as_id(): a typed identifier as an integer the database accepts, else None.
- client_ip(): the client's address, as django-axes counts failed logins by it.

Behind TRUSTED_PROXIES reverse proxies (TLS terminator, load balancer), the address that
reaches the server is the last proxy's; each proxy appends the address it received the
request from to X-Forwarded-For. The client is the entry the outermost trusted proxy wrote:
the TRUSTED_PROXIES-th from the right. Entries further left were written by the client
itself and are never believed. With no trusted proxy, X-Forwarded-For is ignored.
"""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation

MAX_ID = 2**63 - 1


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR")
    trusted = settings.TRUSTED_PROXIES
    if not trusted:
        return remote
    forwarded = [item.strip() for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if item.strip()]
    if len(forwarded) < trusted:
        return remote
    return forwarded[-trusted]


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
                "\x00" in value for values in request.GET.lists() for value in values[1]):
            raise SuspiciousOperation("NUL byte in the request")
        if request.method == "POST" and request.content_type != "multipart/form-data" and any(
                "\x00" in value for values in request.POST.lists() for value in values[1]):
            raise SuspiciousOperation("NUL byte in the form")
        return self.get_response(request)


def as_id(value):
    """'12' -> 12; 'abc', '-1', '99999999999999999999' -> None."""
    text = str(value or "")
    if not text.isdigit() or int(text) > MAX_ID:
        return None
    return int(text)
