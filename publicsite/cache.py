"""The public site's answers kept whole, per version of the data.

A public page or API answer carries no user: once rendered for a version of the data, any
visitor may get it again. This middleware, placed before the session, the login and the
other middleware, answers a GET under /public/ from the kept copy: one query (the data
version) instead of the view, its queries and its template. A write to the data makes a new
version, so a withdrawal is seen at once. Only what the view itself marked public
(Cache-Control: public), answered 200 and set no cookie is kept.

A kept page that uses the CSP nonce (the charts' style elements) gets a new nonce on each
answer, in its body and its Content-Security-Policy header alike.
"""

import secrets
from dataclasses import dataclass

from django.http import HttpResponse
from django.middleware.csp import get_nonce

from essplan.datacache import cached_value

PREFIX = "/public/"
NONCE_SLOT = "essplan-public-nonce"


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
    return (response.status_code == 200 and not response.streaming and not response.cookies
            and "public" in cache_control.split(", "))


def kept(request, response):
    """RESPONSE as kept, its nonce (if it used one) replaced by NONCE_SLOT; None when it must
    not be kept."""
    if not keepable(response):
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
        rendered = None

        def render():
            nonlocal rendered
            rendered = self.get_response(request)
            return kept(request, rendered)

        copy = cached_value("public-response", (request.path, sorted(request.GET.lists())),
                            render)
        if rendered is not None:
            return rendered
        return copy.response() if copy is not None else self.get_response(request)
