"""Who may do what with a plan and what hangs from it: one helper per object type, called
first in every view of the app. Each checks the role (a model permission, 403) and finds the
object (404); object-level rules (a pilot's own actions) go here and nowhere else."""

from django.shortcuts import get_object_or_404

from essplan.roles import VIEW_PLAN, require

from .models import Action, BudgetLine, Event, Plan

EDIT_ACTION = "actions.change_action"
EDIT_PROGRESS = "actions.change_progressupdate"
EDIT_BUDGET = "actions.change_budgetline"
DELETE_BUDGET = "actions.delete_budgetline"
EDIT_EVENT = "actions.change_event"
DELETE_EVENT = "actions.delete_event"


def can_edit(user):
    """Whether pages show USER the links to edit the plan's actions."""
    return user.has_perm(EDIT_ACTION)


def plans(request):
    """The plans the user may read."""
    require(request.user, VIEW_PLAN)
    return Plan.objects.all()


def get_plan(request, slug, *, perm=VIEW_PLAN, queryset=Plan.objects):
    """The plan SLUG if the user holds PERM, else 403 (404 if it does not exist)."""
    require(request.user, perm)
    return get_object_or_404(queryset, slug=slug)


def get_action(request, slug, code, *, perm=VIEW_PLAN):
    """The action SLUG/CODE, with its status, if the user holds PERM."""
    require(request.user, perm)
    actions = Action.objects.with_status().select_related(
        "plan", "objective__axis", "pilot_direction"
    )
    return get_object_or_404(actions, plan__slug=slug, code=code)


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
