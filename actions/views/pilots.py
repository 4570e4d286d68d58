"""The pilots of the actions: named people who record their follow-up; named one by one
(searched as you type) or in bulk (a table, an import of « Code;E-mail » rows)."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from essplan.exports import FORMATS, requested_export
from essplan.french import person_name
from essplan.search import PEOPLE_ORDER, french_order
from essplan.security import as_id
from essplan.views import import_check, import_confirm

from .. import pilots
from ..access import EDIT_ACTION, get_action, get_plan
from ..models import Action
from ..resources import PilotResource


@require_http_methods(["GET", "POST"])
def action_pilots(request, slug, code):
    action = get_action(request, slug, code, perm=EDIT_ACTION)
    query = request.GET.get("q", "").strip()
    if request.method == "POST":
        person = get_object_or_404(pilots.candidates(), pk=as_id(request.POST.get("user")))
        name = person_name(person)
        if request.POST.get("remove"):
            action.pilots.remove(person)
            messages.success(request, f"{name} n'est plus pilote de l'action {action.code}.")
        else:
            pilots.name_pilot(action, person)
            messages.success(request, f"{name} est pilote de l'action {action.code}.")
        query = request.POST.get("q", "").strip()
        suffix = f"?{urlencode({'q': query})}" if query else ""
        return redirect(action.url("actions:action_pilots") + suffix)
    current = action.pilots.order_by(*PEOPLE_ORDER)
    others = pilots.candidates().exclude(piloted_actions=action)
    found = pilots.search(query, others) if query else []
    context = {
        "action": action,
        "plan": action.plan,
        "pilots": current,
        "found": found,
        "query": query,
    }
    return render(request, "actions/action_pilots.html", context)


PILOT_STAGING = "pilots"
PILOT_IMPORT_TEMPLATE = "actions/pilot_import.html"


@require_safe
def pilot_table(request, slug):
    """The plan's actions and their pilots, to name them in bulk (and export them)."""
    plan = get_plan(request, slug, perm=EDIT_ACTION)
    links = (
        Action.pilots.through.objects.filter(action__plan=plan)
        .select_related("action", "user")
        .order_by("action__code_key", *french_order("user__last_name"))
    )
    if export := requested_export(
        request,
        lambda: PilotResource(plan),
        links,
        f"pilotes-{plan.slug}",
        subject=f"Pilotes des actions du plan « {plan.title} »",
    ):
        return export
    actions = (
        plan.actions.order_by("code_key")
        .select_related("plan")
        .prefetch_related(Prefetch("pilots", queryset=pilots.candidates(), to_attr="named_pilots"))
    )
    return render(
        request, "actions/pilot_table.html", {"plan": plan, "actions": actions, "formats": FORMATS}
    )


@require_http_methods(["GET", "POST"])
def pilot_import(request, slug):
    plan = get_plan(request, slug, perm=EDIT_ACTION)
    return import_check(
        request,
        PilotResource(plan),
        namespace=PILOT_STAGING,
        template=PILOT_IMPORT_TEMPLATE,
        context={"plan": plan},
    )


@require_POST
def pilot_import_confirm(request, slug):
    plan = get_plan(request, slug, perm=EDIT_ACTION)
    return import_confirm(
        request,
        PilotResource(plan),
        namespace=PILOT_STAGING,
        template=PILOT_IMPORT_TEMPLATE,
        context={"plan": plan},
        retry_url=reverse("actions:pilot_import", kwargs={"slug": slug}),
        done_url=reverse("actions:pilot_table", kwargs={"slug": slug}),
        created=("pilote nommé", "pilotes nommés"),
    )
