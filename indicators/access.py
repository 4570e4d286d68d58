"""Who may do what with indicators: one helper per object type, called first in every view
of the app. Plans are reached through actions.access.get_plan."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from actions.access import check_plan, get_plan
from actions.models import Plan
from essplan.roles import VIEW_PLAN, Someone, require

from .models import Indicator

VIEW = "indicators.view_indicator"
EDIT = "indicators.change_indicator"
ADD = "indicators.add_indicator"
ENTER = "indicators.change_measurement"


def can_edit(user: Someone) -> bool:
    """Whether pages show USER the links to change indicators and their targets."""
    return user.has_perm(EDIT)


def can_enter(user: Someone) -> bool:
    """Whether pages show USER the links to enter an indicator's measured values."""
    return user.has_perm(ENTER)


def plan_indicators(request: HttpRequest, slug: str, *, perm: str = VIEW) -> Plan:
    """The plan SLUG, for the user holding PERM on its indicators."""
    require(request.user, perm)
    return check_plan(request.user, get_plan(request, slug), VIEW_PLAN if perm == VIEW else perm)


def get_indicator(request: HttpRequest, slug: str, code: str, *, perm: str = VIEW) -> Indicator:
    """The indicator CODE of the plan SLUG if the user holds PERM."""
    require(request.user, perm)
    indicator = get_object_or_404(
        Indicator.objects.select_related("plan"), plan__slug=slug, code=code
    )
    check_plan(request.user, indicator.plan, VIEW_PLAN if perm == VIEW else perm)
    return indicator
