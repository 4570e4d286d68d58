"""The client's address, as django-axes counts failed logins by it.

Behind TRUSTED_PROXIES reverse proxies (TLS terminator, load balancer), the address that
reaches the server is the last proxy's; each proxy appends the address it received the
request from to X-Forwarded-For. The client is the entry the outermost trusted proxy wrote:
the TRUSTED_PROXIES-th from the right. Entries further left were written by the client
itself and are never believed. With no trusted proxy, X-Forwarded-For is ignored.
"""

from django.conf import settings


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
