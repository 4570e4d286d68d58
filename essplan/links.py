"""Personal links: from a pilot's e-mail to its point form in one click, already signed in.

A link is /acces/<plan>/<year>/<action>/?sesame=TOKEN, TOKEN a django-sesame token of the
pilot scoped to the campaign ("campaign:<pk>"): it serves for that campaign only, and the
view that accepts it (actions.views.links) signs the pilot in, then redirects to the form by
a URL without the token. What ends a link:
- the campaign: closed, or GRACE days past its due date (« Ce lien a expiré »); the token's
  age is also bounded by the campaign's span (sesame's max_age) and SESAME_MAX_AGE;
- the account: deactivated (the backend finds no active account), its password changed
  (sesame's SESAME_INVALIDATE_ON_PASSWORD_CHANGE), or its links revoked by an administrator
  (LinkRevocation: a link older than the revocation is refused);
- PERSONAL_LINKS off: mails carry the plain URL, and the view refuses every token.
Tokens are not single-use (SESAME_ONE_TIME): a reminder is opened again, and mail scanners
fetch links before their reader does.

A session opened by a link is a link session (LINK_CAMPAIGN in the session) until the
person logs in with a password: LinkSessionMiddleware lets it open only LINK_PAGES, and only
for that campaign (its plan and year in the URL) and the actions it pilots; anything else
logs it out and asks for the password, the page asked for kept as « next ».
"""

import datetime
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from sesame.utils import get_query_string, get_user

from .models import LinkRevocation

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# A follow-up campaign (actions.Campaign: the core app names no domain app's model).
type Campaign = Any

LINK_CAMPAIGN = "_link_campaign"  # the session key: the campaign a link session is kept to
BACKEND = "essplan.backends.PersonalLinkBackend"
# What a link session may open: a URL's "slug" and "year" must be its campaign's, its "code"
# an action the person pilots. Adding a page is adding its name here.
LINK_PAGES = {
    "actions:my_actions",
    "actions:action_detail",
    "actions:progress_edit",
    "actions:point_review",
    "actions:point_reply",
    "actions:attachment_download",
    "actions:attachment_delete",
    "actions:budget_line_create",
    "actions:budget_line_edit",
    "actions:budget_line_delete",
    "logout",
}
OUT_OF_SCOPE = (
    "Le lien reçu par courriel n'ouvre que vos pages de la campagne de suivi : "
    "connectez-vous avec votre mot de passe pour aller plus loin."
)


def scope(campaign: Campaign) -> str:
    return f"campaign:{campaign.pk}"


def last_day(campaign: Campaign) -> datetime.date:
    """The last day CAMPAIGN's links serve, unless it is closed before."""
    return campaign.due_on + datetime.timedelta(days=settings.PERSONAL_LINK_GRACE_DAYS)


def expired(campaign: Campaign, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return campaign.closed_on is not None or today > last_day(campaign)


def _max_age(campaign: Campaign) -> datetime.timedelta:
    """No token of CAMPAIGN can be older than the campaign: it was made once it opened."""
    span = datetime.timedelta(days=(last_day(campaign) - campaign.opens_on).days + 1)
    return min(span, settings.SESAME_MAX_AGE)


def personal_url(user: "User", campaign: Campaign, action: Any) -> str:
    """USER's link to ACTION's point of CAMPAIGN, at SITE_URL; the plain URL of the form (a
    log-in needed) when links are off or the campaign is over."""
    if not settings.PERSONAL_LINKS or expired(campaign):
        return settings.SITE_URL + reverse(
            "actions:progress_edit",
            kwargs={"slug": campaign.plan.slug, "code": action.code, "year": campaign.year},
        )
    return (
        settings.SITE_URL
        + reverse(
            "actions:personal_link",
            kwargs={
                "slug": campaign.plan.slug,
                "year": campaign.year,
                "code": action.code,
            },
        )
        + get_query_string(user, scope=scope(campaign))
    )


def link_user(request: HttpRequest, campaign: Campaign) -> "User | None":
    """The account whose valid link to CAMPAIGN REQUEST carries, or None. A revocation is
    known once the account is: the token is then checked again, no older than it."""
    user = get_user(
        request, scope=scope(campaign), max_age=_max_age(campaign), update_last_login=False
    )
    if user is None:
        return None
    revoked = LinkRevocation.objects.filter(user=user).values_list("revoked_at", flat=True).first()
    if revoked is not None:
        # Whole seconds, as sesame counts ages: a token of the revocation's second goes too.
        since = int(time.time()) - int(revoked.timestamp())
        if get_user(request, scope=scope(campaign), max_age=since, update_last_login=False) is None:
            return None
    return user


def revoke(users: Iterable["User"]) -> None:
    """Every link sent so far to USERS stops serving."""
    now = timezone.now()
    LinkRevocation.objects.bulk_create(
        [LinkRevocation(user=user, revoked_at=now) for user in users],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["revoked_at"],
    )


def link_campaign(session: SessionBase) -> int | None:
    """The campaign a link session is kept to, or None: a log-in by password within the same
    session (the session key changes, its data stays) lifts the limits."""
    if session.get(BACKEND_SESSION_KEY) != BACKEND:
        return None
    return session.get(LINK_CAMPAIGN)


def _within(request: HttpRequest, campaign_id: int, kwargs: dict[str, Any]) -> bool:
    """Whether a link session kept to CAMPAIGN_ID may open this page."""
    # Resolved by now (process_view), by a session's account (a link session is signed in).
    if request.resolver_match.view_name not in LINK_PAGES:  # type: ignore[union-attr]
        return False
    campaign = (
        apps.get_model("actions", "Campaign")
        .objects.select_related("plan")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None or expired(campaign):
        return False
    if kwargs.get("slug", campaign.plan.slug) != campaign.plan.slug:
        return False
    if kwargs.get("year", campaign.year) != campaign.year:
        return False
    if "code" not in kwargs:
        return True
    mine = campaign.plan.actions.filter(pilots=request.user)  # type: ignore[misc]
    return mine.filter(code=kwargs["code"]).exists()


class LinkSessionMiddleware:
    """Keeps a link session to its campaign's pages (see above). Public pages, which never
    read the session, are left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseRedirect | None:
        if not getattr(view_func, "login_required", True):
            return None
        campaign_id = link_campaign(request.session)
        if campaign_id is None or _within(request, campaign_id, view_kwargs):
            return None
        logout(request)
        messages.info(request, OUT_OF_SCOPE)
        return redirect_to_login(request.get_full_path())
