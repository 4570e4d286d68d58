"""Pages rendered once and cached whole, yet served under each request's CSP nonce.

Their charts' inline style elements are rendered with NONCE_SLOT in place of a nonce; each
reading puts its own nonce there (one string replacement). Generic: the dashboard and the
public site both use it, so it lives in the core app."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

NONCE_SLOT = "essplan-nonce-slot"


def with_nonce(html: str, nonce: object | None) -> str:
    """HTML rendered with NONCE_SLOT in its charts' style elements, given the page's NONCE
    (None: no nonce)."""
    attribute = "" if nonce is None else f' nonce="{escape(str(nonce))}"'
    return mark_safe(html.replace(f' nonce="{NONCE_SLOT}"', attribute))  # noqa: S308
