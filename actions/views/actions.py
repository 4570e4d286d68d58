"""The plan's actions: list, fiche, fiche editing, history."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_http_methods, require_safe

from essplan import history
from essplan.datacache import PAGE
from essplan.exports import FORMATS, applied_filters, requested_export
from essplan.search import PEOPLE_ORDER
from essplan.views import cached_body, edit_versioned, filtered, paginate

from .. import campaigns, decisions
from ..access import (
    DELETE_BUDGET,
    EDIT_ACTION,
    can_edit,
    can_manage,
    can_review,
    follow_up_years,
    get_action,
    get_plan,
    is_team,
    may_change_line,
    may_close_decisions,
    may_flag,
    may_follow,
    may_lower_flag,
    may_read_decisions,
    plans,
    read_action,
    writable,
)
from ..budget import action_budget
from ..figures import actions_of_year, reference_date
from ..filters import ActionFilter, situation_year
from ..forms import ActionForm
from ..models import Action, Event
from ..resources import ActionResource

PAGE_SIZE = 25
LIST_BODY = "actions/includes/action_list_body.html"


@require_safe
def action_list(request, slug):
    plan = get_plan(request, slug)

    year = situation_year(request.GET, plan)
    as_of = reference_date(year) if year else timezone.localdate()

    def selected():
        actions = (
            actions_of_year(plan, year) if year else Action.objects.filter(plan=plan).with_status()
        )
        actions = actions.select_related("plan", "objective__axis", "pilot_direction").order_by(
            "code_key"
        )
        filterset = ActionFilter(request.GET, queryset=actions, plan=plan)
        return filterset, filtered(filterset)

    if request.GET.get("format"):
        filterset, queryset = selected()
        return requested_export(
            request,
            lambda: ActionResource(as_of=as_of),
            queryset,
            f"actions-{plan.slug}",
            subject=f"Actions du plan « {plan.title} »",
            filters=applied_filters(filterset),
        )

    def body():
        filterset, queryset = selected()
        return {
            "plan": plan,
            "filter": filterset,
            "export_formats": FORMATS,
            "as_of": as_of,
            **paginate(request, queryset, PAGE_SIZE),
        }

    return render(
        request,
        "actions/action_list.html",
        {
            "plan": plan,
            "body": cached_body(request, "action-list", plan.pk, LIST_BODY, body, scopes=PAGE),
        },
    )


@require_safe
def action_detail(request, slug, code):
    action = read_action(request, slug, code)
    open_to_user = writable(request.user, action.plan)
    editor = can_edit(request.user) and open_to_user
    follows = may_follow(request.user, action)
    # The years whose points and budget lines the user writes: a pilot's, those of the open
    # campaigns; on a closed plan, the year of its campaign still running (if any).
    years = follow_up_years(request.user, action) if follows else []
    follower = follows and (open_to_user or bool(years))

    def budget_lines():
        lines = list(action.budget_lines.all())
        for line in lines:
            line.may_edit = follower and may_change_line(request.user, line, years)
            line.may_delete = follower and may_change_line(request.user, line, years, DELETE_BUDGET)
        return lines

    def updates():
        by_year = {
            update.year: update
            for update in action.updates.select_related("author").prefetch_related(
                "comments__author", "attachments"
            )
        }
        return [(year, by_year.get(year)) for year in action.plan.years]

    # The page's body is cached for readers (editors' pages carry CSRF tokens): its figures
    # are computed only when it must be rendered again.
    context = {
        "action": action,
        "plan": action.plan,
        "cache_seconds": 0 if follower else 24 * 60 * 60,
        "updates": SimpleLazyObject(updates),
        "budget_lines": SimpleLazyObject(budget_lines),
        "budget": SimpleLazyObject(lambda: action_budget(action)),
        "events": Event.objects.filter(actions=action).order_by("-date"),
        "associated_directions": action.associated_directions.all(),
        "pilots": action.pilots.order_by(*PEOPLE_ORDER),
        # Built only when the cached body is rendered again (a callable, as "updates").
        "successors": lambda: (
            Action.objects.filter(predecessor=action, plan__in=plans(request))
            .select_related("plan")
            .order_by("plan__first_year")
        ),
        "can_manage": can_manage(request.user),
        "can_edit": editor,
        "can_follow": follower,
        "can_review": (open_to_user or bool(years)) and can_review(request.user),
        "team": is_team(request.user),
        "pilot_editable": campaigns.PILOT_EDITABLE,
        "entry_years": years,
        "can_add_budget": bool(years),
        **committee_follow_up(request.user, action),
    }
    return render(request, "actions/action_detail.html", context)


def committee_follow_up(user, action):
    """The comité's decisions on ACTION and its « À discuter » flag, for who reads them (not
    cached: the forms carry CSRF tokens): 2 queries, whatever the number of decisions."""
    if not may_read_decisions(user, action):
        return {"reads_decisions": False}
    found = list(decisions.of_action(action))
    return {
        "reads_decisions": True,
        "open_decisions": [decision for decision in found if not decision.is_done],
        "done_decisions": [decision for decision in found if decision.is_done],
        "flag": decisions.open_flag(action),
        "can_close_decisions": may_close_decisions(user, action),
        "can_flag": may_flag(user, action),
        "can_lower_flag": may_lower_flag(user, action),
    }


@require_http_methods(["GET", "POST"])
def action_edit(request, slug, code):
    action = get_action(request, slug, code, perm=EDIT_ACTION)
    return edit_versioned(
        request,
        ActionForm(request.POST or None, instance=action),
        template="actions/action_form.html",
        context={"action": action, "plan": action.plan},
        message=lambda saved: f"La fiche de l'action {saved.code} est enregistrée.",
        success_url=lambda saved: saved.get_absolute_url(),
    )


@require_safe
def action_history(request, slug, code):
    action = get_action(request, slug, code, perm=EDIT_ACTION)
    context = {"action": action, "plan": action.plan, "entries": history.for_object(action)}
    return render(request, "actions/action_history.html", context)
