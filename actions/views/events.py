"""Events (temps forts) of a plan."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from essplan.versioning import save_or_conflict

from ..access import EDIT_FOLLOWUP, can_edit, get_plan
from ..forms import EventForm
from ..models import Event

PAGE_SIZE = 25


@require_safe
def event_list(request, slug):
    plan = get_plan(request, slug)
    events = Event.objects.filter(plan=plan).prefetch_related("actions").order_by("-date", "title")
    context = {
        "plan": plan,
        "page": Paginator(events, PAGE_SIZE).get_page(request.GET.get("page")),
        "summary": events.by_kind(),
        "can_edit": can_edit(request.user),
    }
    return render(request, "actions/event_list.html", context)


@require_http_methods(["GET", "POST"])
def event_edit(request, slug, pk=None):
    plan = get_plan(request, slug, perm=EDIT_FOLLOWUP["event"])
    event = get_object_or_404(Event, pk=pk, plan=plan) if pk else None
    creating = event is None
    initial = {}
    if creating and request.GET.get("action"):
        initial["actions"] = plan.actions.filter(code=request.GET["action"])
    form = EventForm(request.POST or None, instance=event or Event(plan=plan), plan=plan,
                     initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        conflict = save_or_conflict(form)
        if conflict is None:
            messages.success(request, f"L'événement « {form.instance.title} » est enregistré.")
            return redirect("event_list", slug=plan.slug)
    context = {"plan": plan, "form": form, "event": event, "creating": creating,
               "conflict": conflict}
    return render(request, "actions/event_form.html", context, status=409 if conflict else 200)


@require_POST
def event_delete(request, slug, pk):
    plan = get_plan(request, slug, perm="actions.delete_event")
    event = get_object_or_404(Event, pk=pk, plan=plan)
    event.delete()
    messages.success(request, f"L'événement « {event.title} » est supprimé.")
    return redirect("event_list", slug=plan.slug)
