"""« Prochains envois »: what the campaign will send, to whom and when, and « Envoyer
maintenant » for what is due (reminders, through the worker's job) and for the hand-off
notifications still pending. The ESS team's pages."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from essplan import notify
from essplan.french import count

from .. import sending
from ..access import MANAGE_CAMPAIGN, get_plan
from ..jobs import start_reminders


def _campaign(request, slug, year):
    plan = get_plan(request, slug, perm=MANAGE_CAMPAIGN, year=year)
    return get_object_or_404(plan.campaigns, year=year)


@require_safe
def campaign_sending(request, slug, year):
    campaign = _campaign(request, slug, year)
    context = {
        "plan": campaign.plan,
        "campaign": campaign,
        **sending.upcoming(campaign),
        "notifications": sending.pending_notifications(),
        "reminder_days": sorted(settings.REMINDER_DAYS_BEFORE, reverse=True),
    }
    return render(request, "actions/campaign_sending.html", context)


@require_POST
def campaign_send_due(request, slug, year):
    """The reminders and digests due today, now rather than at the next hourly run: the job
    whose page shows them go."""
    campaign = _campaign(request, slug, year)
    if not campaign.is_open():
        messages.error(
            request, "La campagne n'est pas ouverte aux pilotes : aucune relance n'est due."
        )
        return redirect("actions:campaign_sending", slug=slug, year=year)
    return redirect(start_reminders(campaign, request.user, due=True))


@require_POST
def notifications_send(request, slug, year):
    """The hand-off e-mails still pending, queued for the worker now."""
    _campaign(request, slug, year)
    queued = notify.queue_pending()
    if queued:
        messages.success(
            request,
            f"{count(queued, 'avis confié', 'avis confiés')} à l'envoi : "
            "rechargez la page dans un instant pour voir ce qui est parti.",
        )
    else:
        messages.info(request, "Aucun avis en attente d'envoi.")
    return redirect("actions:campaign_sending", slug=slug, year=year)
