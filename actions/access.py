"""Who may do what with a plan and what hangs from it: one helper per object type, called
first in every view of the app. Each checks the role (a model permission, 403) and finds the
object (404); object-level rules (a pilot's own actions) go here and nowhere else."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from essplan.roles import VIEW_PLAN, require

from .models import Action, BudgetLine, Event, Plan

EDIT_ACTION = "actions.change_action"
EDIT_PROGRESS = "actions.change_progressupdate"
EDIT_BUDGET = "actions.change_budgetline"
DELETE_BUDGET = "actions.delete_budgetline"
EDIT_EVENT = "actions.change_event"
DELETE_EVENT = "actions.delete_event"
ADD_BUDGET = "actions.add_budgetline"
# What a pilot (role « Pilote ») may do on the actions it pilots, and only on those.
FOLLOW_OWN = "actions.follow_own_action"
PILOT_MAY = {EDIT_PROGRESS, ADD_BUDGET, EDIT_BUDGET, DELETE_BUDGET}


def can_edit(user):
    """Whether pages show USER the links to edit the plan's actions."""
    return user.has_perm(EDIT_ACTION)


def may_follow(user, action, perm=EDIT_PROGRESS):
    """Whether USER may record ACTION's follow-up (PERM): the ESS team on every action, a
    pilot on the actions it pilots."""
    if user.has_perm(perm):
        return True
    return (perm in PILOT_MAY and user.has_perm(FOLLOW_OWN)
            and action.pilots.filter(pk=user.pk).exists())


def plans(request):
    """The plans the user may read."""
    require(request.user, VIEW_PLAN)
    return Plan.objects.all()


def get_plan(request, slug, *, perm=VIEW_PLAN, queryset=Plan.objects):
    """The plan SLUG if the user holds PERM, else 403 (404 if it does not exist)."""
    require(request.user, perm)
    return get_object_or_404(queryset, slug=slug)


def get_action(request, slug, code, *, perm=VIEW_PLAN):
    """The action SLUG/CODE, with its status, if the user holds PERM (a pilot holds the
    follow-up permissions on its own actions)."""
    require(request.user, VIEW_PLAN if perm in PILOT_MAY else perm)
    actions = Action.objects.with_status().select_related(
        "plan", "objective__axis", "pilot_direction"
    )
    action = get_object_or_404(actions, plan__slug=slug, code=code)
    if perm in PILOT_MAY and not may_follow(request.user, action, perm):
        raise PermissionDenied
    return action


def get_budget_line(request, slug, code, pk, *, perm=EDIT_BUDGET):
    """The budget line PK of the action SLUG/CODE, if the user holds PERM on it."""
    action = get_action(request, slug, code, perm=perm)
    line = get_object_or_404(BudgetLine, pk=pk, action=action)
    line.action = action
    return line


def get_event(request, slug, pk, *, perm=EDIT_EVENT):
    """The event PK of the plan SLUG, if the user holds PERM on it."""
    plan = get_plan(request, slug, perm=perm)
    event = get_object_or_404(Event, pk=pk, plan=plan)
    event.plan = plan
    return event
