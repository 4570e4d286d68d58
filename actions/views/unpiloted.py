"""Naming a pilot from the campaign page, for an action nobody would be reminded of."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from essplan.french import person_name
from essplan.security import as_id

from .. import pilots
from ..access import EDIT_ACTION, get_plan

ANCHOR = "#sans-pilote"


@require_POST
def campaign_name_pilot(request, slug, year):
    """« Nommer »: the person chosen becomes pilot of the action (and is told so, once, as
    from the action's pilots page); back to the campaign page. Naming twice changes nothing."""
    plan = get_plan(request, slug, perm=EDIT_ACTION)
    campaign = get_object_or_404(plan.campaigns, year=year)
    action = get_object_or_404(plan.actions, code=request.POST.get("action", ""))
    back = campaign.get_absolute_url() + ANCHOR
    if not request.POST.get("user"):
        messages.error(
            request, f"Choisissez la personne à nommer pilote de l'action {action.code}."
        )
        return redirect(back)
    person = get_object_or_404(pilots.candidates(), pk=as_id(request.POST.get("user")))
    pilots.name_pilot(action, person)
    name = person_name(person)
    told = (
        " Un courriel le lui dit ; les relances de la campagne le lui rappelleront."
        if person.email
        else " Son compte n'a pas d'adresse électronique : prévenez-le "
        "vous-même, aucune relance ne lui parviendra."
    )
    messages.success(request, f"{name} est pilote de l'action {action.code}.{told}")
    return redirect(back)
