"""Events (temps forts) of a plan."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from essplan.views import edit_versioned, paginate

from ..access import DELETE_EVENT, EDIT_EVENT, can_edit, get_event, get_plan
from ..forms import EventForm
from ..models import Event

PAGE_SIZE = 25


@require_safe
def event_list(request, slug):
    plan = get_plan(request, slug)
    events = Event.objects.filter(plan=plan).prefetch_related("actions").order_by("-date", "title")
    context = {"plan": plan, "summary": events.by_kind(), "can_edit": can_edit(request.user),
               **paginate(request, events, PAGE_SIZE)}
    return render(request, "actions/event_list.html", context)


@require_http_methods(["GET", "POST"])
def event_edit(request, slug, pk=None):
    if pk:
        event = get_event(request, slug, pk, perm=EDIT_EVENT)
        plan, initial = event.plan, {}
    else:
        plan = get_plan(request, slug, perm="actions.add_event")
        event, initial = Event(plan=plan), {}
        if request.GET.get("action"):
            initial["actions"] = plan.actions.filter(code=request.GET["action"])
    form = EventForm(request.POST or None, instance=event, plan=plan, initial=initial)
    return edit_versioned(
        request, form, template="actions/event_form.html",
        context={"plan": plan, "event": event if pk else None, "creating": not pk},
        message=lambda saved: f"L'événement « {saved.title} » est enregistré.",
        success_url=lambda saved: reverse("actions:event_list", kwargs={"slug": plan.slug}),
    )


@require_POST
def event_delete(request, slug, pk):
    event = get_event(request, slug, pk, perm=DELETE_EVENT)
    event.delete()
    messages.success(request, f"L'événement « {event.title} » est supprimé.")
    return redirect("actions:event_list", slug=slug)
