"""Directory structures as partners of an action: searched, added, removed."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from essplan.search import french_order
from essplan.security import as_id
from structures.models import Structure

from ..access import EDIT_ACTION, get_action

RESULTS = 20


@require_http_methods(["GET", "POST"])
def action_partners(request, slug, code):
    action = get_action(request, slug, code, perm=EDIT_ACTION)
    if request.method == "POST":
        structure = get_object_or_404(Structure, pk=as_id(request.POST.get("structure")))
        if request.POST.get("remove"):
            action.partner_structures.remove(structure)
            messages.success(request, f"« {structure.name} » n'est plus partenaire de l'action.")
        else:
            action.partner_structures.add(structure)
            messages.success(request, f"« {structure.name} » est partenaire de l'action.")
        return redirect(action.url("actions:action_partners") + f"?q={request.POST.get('q', '')}")
    query = request.GET.get("q", "").strip()
    partners = action.partner_structures.select_related("commune")
    found = []
    if query:
        found = (
            Structure.objects.active()
            .search(query)
            .exclude(partner_actions=action)
            .select_related("commune")
            .order_by(*french_order("name"))[:RESULTS]
        )
    context = {
        "action": action,
        "plan": action.plan,
        "partners": partners,
        "found": found,
        "query": query,
    }
    return render(request, "actions/action_partners.html", context)
