"""Events (temps forts) of a plan."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from essplan.views import delete_confirmed, edit_versioned, paginate

from ..access import DELETE_EVENT, EDIT_EVENT, can_edit, get_event, get_plan, writable
from ..forms import EventForm
from ..models import Event

PAGE_SIZE = 25


@require_safe
def event_list(request, slug):
    plan = get_plan(request, slug)
    events = Event.objects.filter(plan=plan).prefetch_related("actions").order_by("-date", "title")
    context = {
        "plan": plan,
        "summary": events.by_kind(),
        "can_edit": can_edit(request.user) and writable(request.user, plan),
        **paginate(request, events, PAGE_SIZE),
    }
    return render(request, "actions/event_list.html", context)


def origin(request, plan):
    """The action whose page the user came from (?action=<code>), else None: the event's pages
    lead back to it."""
    code = request.GET.get("action")
    return plan.actions.filter(code=code).first() if code else None


def back_url(plan, action):
    return (
        action.get_absolute_url()
        if action
        else reverse("actions:event_list", kwargs={"slug": plan.slug})
    )


@require_http_methods(["GET", "POST"])
def event_edit(request, slug, pk=None):
    if pk:
        event = get_event(request, slug, pk, perm=EDIT_EVENT)
        plan, initial = event.plan, {}
        action = origin(request, plan)
    else:
        plan = get_plan(request, slug, perm="actions.add_event")
        event, initial = Event(plan=plan), {}
        action = origin(request, plan)
        if action:
            initial["actions"] = [action]
    form = EventForm(request.POST or None, instance=event, plan=plan, initial=initial)
    return edit_versioned(
        request,
        form,
        template="actions/event_form.html",
        context={
            "plan": plan,
            "event": event if pk else None,
            "creating": not pk,
            "action": action,
            "back_url": back_url(plan, action),
        },
        message=lambda saved: f"L'événement « {saved.title} » est enregistré.",
        success_url=lambda saved: back_url(plan, action),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def event_delete(request, slug, pk):
    event = get_event(request, slug, pk, perm=DELETE_EVENT)
    plan = event.plan
    events = back_url(plan, None)
    return delete_confirmed(
        request,
        event,
        question=f"Supprimer l'événement « {event.title} » du {event.date:%d/%m/%Y} ?",
        crumbs=[(plan.title, plan.get_absolute_url()), ("Événements", events)],
        cancel_url=events,
        message=f"L'événement « {event.title} » est supprimé.",
        success_url=events,
    )
