"""Who may do what: the one place where roles (and, later, object-level rules) are checked."""

from django.shortcuts import get_object_or_404

from essplan.roles import VIEW_PLAN, require

from .models import Action, Plan

EDIT_ACTION = "actions.change_action"
EDIT_FOLLOWUP = {
    "progressupdate": "actions.change_progressupdate",
    "budgetline": "actions.change_budgetline",
    "event": "actions.change_event",
}



def can_edit(user):
    return user.has_perm(EDIT_ACTION)


def get_plan(request, slug, *, perm=VIEW_PLAN, queryset=Plan.objects):
    require(request.user, perm)
    return get_object_or_404(queryset, slug=slug)


def get_action(request, slug, code, *, perm=VIEW_PLAN):
    """The action SLUG/CODE if the user holds PERM, else 403 (404 if it does not exist).

    An object-level rule (an editor restricted to the actions her direction
    pilots) belongs here.
    """
    require(request.user, perm)
    actions = Action.objects.with_status().select_related(
        "plan", "objective__axis", "pilot_direction"
    )
    return get_object_or_404(actions, plan__slug=slug, code=code)
