"""The pilots of an action: named people who record its follow-up."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from essplan.security import as_id

from .. import pilots
from ..access import EDIT_ACTION, get_action


@require_http_methods(["GET", "POST"])
def action_pilots(request, slug, code):
    action = get_action(request, slug, code, perm=EDIT_ACTION)
    query = request.GET.get("q", "").strip()
    if request.method == "POST":
        person = get_object_or_404(pilots.candidates(), pk=as_id(request.POST.get("user")))
        name = person.get_full_name() or person.get_username()
        if request.POST.get("remove"):
            action.pilots.remove(person)
            messages.success(request, f"{name} n'est plus pilote de l'action {action.code}.")
        else:
            action.pilots.add(person)
            messages.success(request, f"{name} est pilote de l'action {action.code}.")
        query = request.POST.get("q", "").strip()
        suffix = f"?{urlencode({'q': query})}" if query else ""
        return redirect(action.url("actions:action_pilots") + suffix)
    current = action.pilots.order_by("last_name", "first_name", "username")
    others = pilots.candidates().exclude(piloted_actions=action)
    found = pilots.search(query, others) if query else []
    context = {"action": action, "plan": action.plan, "pilots": current, "found": found,
               "query": query}
    return render(request, "actions/action_pilots.html", context)
