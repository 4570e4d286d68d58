"""The campaign's jobs: reminding every pilot still awaited, in a worker."""

from django.db import transaction
from django.urls import reverse

from essplan.french import count
from jobs.models import Job, Status
from jobs.runner import handler, start

from . import reminders
from .models import Campaign


@transaction.atomic
def start_reminders(campaign, user, *, due=False):
    """Queue the reminder of every awaited pilot of CAMPAIGN (DUE: only the reminders and
    digests due today and not sent yet, « Envoyer maintenant »): its job (the one already
    waiting or running, when someone asked for it a moment ago). The campaign's row is locked
    first: two clicks at once take turns, and the second finds the first one's job."""
    Campaign.objects.select_for_update().only("pk").get(pk=campaign.pk)
    arguments = {"campaign": campaign.pk, **({"due": True} if due else {})}
    asked = Job.objects.filter(
        kind="reminders", arguments=arguments, status__in=[Status.WAITING, Status.RUNNING]
    ).first()
    what = "Envois dus" if due else "Relance des pilotes"
    return asked or start(
        "reminders",
        user=user,
        arguments=arguments,
        label=f"{what} · campagne {campaign.year} · {campaign.plan.title}",
    )


@handler("reminders")
def remind(job, progress):
    campaign = Campaign.objects.select_related("plan").get(pk=job.arguments["campaign"])
    due = job.arguments.get("due", False)
    outcome, unreachable = (
        reminders.send_due(campaign, progress)
        if due
        else reminders.remind_all(campaign, f"relance-{job.pk.hex[:12]}", progress)
    )
    parts = [f"{count(len(outcome.sent), 'relance envoyée', 'relances envoyées')}."]
    if outcome.skipped:
        parts.append(
            f"{count(len(outcome.skipped), 'relance', 'relances')} déjà envoyée(s) auparavant."
        )
    if outcome.failed:
        parts.append(
            f"{count(len(outcome.failed), 'relance', 'relances')} non envoyée(s) : le "
            "serveur de courriel ne les a pas acceptées ; relancez plus tard."
        )
    if unreachable:
        parts.append(f"Sans adresse électronique, donc non relancé(s) : {', '.join(unreachable)}.")
    if not (outcome.sent or outcome.skipped or outcome.failed or unreachable):
        parts = [
            "Rien n'était dû : chaque relance du jour est déjà partie."
            if due
            else "Aucun pilote à relancer : tous les points attendus sont saisis."
        ]
    return {
        "message": " ".join(parts),
        "url": reverse(
            "actions:campaign_detail", kwargs={"slug": campaign.plan.slug, "year": campaign.year}
        ),
    }
