"""The plan's actions: list, fiche, fiche editing, history."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_http_methods, require_safe

from essplan.exports import FORMATS, export_response
from essplan.versioning import save_or_conflict

from .. import history
from ..access import EDIT_ACTION, can_edit, get_action, get_plan
from ..budget import action_budget
from ..filters import ActionFilter
from ..forms import ActionForm
from ..models import Action, Event
from ..resources import ActionResource

PAGE_SIZE = 25


@require_safe
def action_list(request, slug):
    plan = get_plan(request, slug)
    actions = (
        Action.objects.filter(plan=plan).with_status()
        .select_related("objective__axis", "pilot_direction").order_by("code_key")
    )
    filterset = ActionFilter(request.GET, queryset=actions, plan=plan)
    queryset = filterset.qs if filterset.is_valid() else actions.none()
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in FORMATS:
            raise Http404("Format d'export inconnu.")
        return export_response(ActionResource(), queryset, fmt, f"actions-{plan.slug}")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "plan": plan, "filter": filterset, "page": page, "query": query.urlencode(),
        "export_formats": FORMATS,
    }
    return render(request, "actions/action_list.html", context)


@require_safe
def action_detail(request, slug, code):
    action = get_action(request, slug, code)
    editor = can_edit(request.user)

    def updates():
        by_year = {update.year: update for update in action.updates.select_related("author")}
        return [(year, by_year.get(year)) for year in action.plan.years]

    # The page's body is cached for readers (editors' pages carry CSRF tokens): its figures
    # are computed only when it must be rendered again.
    context = {
        "action": action,
        "plan": action.plan,
        "cache_seconds": 0 if editor else 24 * 60 * 60,
        "updates": SimpleLazyObject(updates),
        "budget_lines": action.budget_lines.all(),
        "budget": SimpleLazyObject(lambda: action_budget(action)),
        "events": Event.objects.filter(actions=action).order_by("-date"),
        "associated_directions": action.associated_directions.all(),
        "partner_structures": action.partner_structures.select_related("commune"),
        "can_edit": editor,
    }
    return render(request, "actions/action_detail.html", context)


@require_http_methods(["GET", "POST"])
def action_edit(request, slug, code):
    action = get_action(request, slug, code, perm=EDIT_ACTION)
    form = ActionForm(request.POST or None, instance=action)
    conflict = None
    if request.method == "POST" and form.is_valid():
        conflict = save_or_conflict(form)
        if conflict is None:
            messages.success(request, f"La fiche de l'action {action.code} est enregistrée.")
            return redirect(action)
    context = {"action": action, "plan": action.plan, "form": form, "conflict": conflict}
    return render(request, "actions/action_form.html", context, status=409 if conflict else 200)


@require_safe
def action_history(request, slug, code):
    action = get_action(request, slug, code, perm=EDIT_ACTION)
    context = {"action": action, "plan": action.plan, "entries": history.for_object(action)}
    return render(request, "actions/action_history.html", context)
