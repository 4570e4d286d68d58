"""The door of a personal link (essplan/links.py): the pilot signed in, then sent to the
form by a URL that no longer carries the token."""

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from essplan import links

from .. import campaigns
from ..models import Action, Campaign, ProgressUpdate


def _no_referrer(response):
    """The token's page never names itself to the next one (nor to its own static files)."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _refused(request, form, *, expired):
    """The page of a link that no longer signs in: the log-in leads to FORM all the same."""
    return _no_referrer(
        render(
            request,
            "registration/link_refused.html",
            {"expired": expired, "next": form},
            status=410 if expired else 403,
        )
    )


@login_not_required
@never_cache
@require_safe
def personal_link(request, slug, year, code):
    campaign = get_object_or_404(
        Campaign.objects.select_related("plan"), plan__slug=slug, year=year
    )
    action = get_object_or_404(Action, plan=campaign.plan, code=code)
    form = action.url("actions:progress_edit", year=year)
    if not settings.PERSONAL_LINKS:
        return _refused(request, form, expired=False)
    if links.expired(campaign):
        return _refused(request, form, expired=True)
    user = links.link_user(request, campaign)
    if user is None:
        return _refused(request, form, expired=False)
    # A session opened with the password stays whole; any other becomes this link's.
    if request.user.pk != user.pk or links.link_campaign(request.session) is not None:
        login(request, user, backend=links.BACKEND)
        request.session[links.LINK_CAMPAIGN] = campaign.pk
    return _no_referrer(redirect(_target(user, campaign, action)))


def _target(user, campaign, action):
    """The form while the pilot may still change the point, else the action's page; « Mes
    actions » for an action the person no longer pilots."""
    if not action.pilots.filter(pk=user.pk).exists():
        return reverse("actions:my_actions")
    point = ProgressUpdate.objects.filter(action=action, year=campaign.year).first()
    if campaigns.pilot_refusal(action, campaign.year, point):
        return action.get_absolute_url()
    return action.url("actions:progress_edit", year=campaign.year)
