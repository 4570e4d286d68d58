"""« Prochains envois »: who the campaign will write to, what and when, read from the very
code that sends (reminders: its schedule, what is due and not sent yet), and the hand-off
notifications still waiting for the mail server."""

from dataclasses import dataclass

from django.utils import timezone

from essplan import notify
from essplan.french import person_name
from essplan.models import Notification

from . import reminders


@dataclass
class Send:
    """A reminder to come: REMINDER (its recipient, actions and subject), on WHEN (None: never
    again, the campaign being over); NOW: due already, it goes at the next hourly run or at
    « Envoyer maintenant »."""

    reminder: reminders.Reminder
    when: object
    now: bool


def upcoming(campaign, today=None):
    """The next e-mail of each awaited pilot of CAMPAIGN and of each member of the ESS team
    (its digest), the names of the awaited pilots without an address, and how many
    e-mails are due now."""
    today = today or timezone.localdate()
    is_open = campaign.is_open(today)
    if is_open:
        found = reminders.campaign_due(campaign, today)
    else:  # not open yet, or over: nothing is due, the next stage tells when (if ever)
        actions = reminders.campaign_actions(campaign)
        found = reminders.Due([], [], reminders.waiting_by_pilot(actions), actions)
    due = {(reminder.kind, reminder.recipient.pk): reminder for reminder in found.reminders}
    after = reminders.next_stage(campaign, today)
    pilots = []
    for pilot, actions in found.waiting.items():
        if not pilot.email:
            continue
        if ("pilot", pilot.pk) in due:
            pilots.append(Send(due["pilot", pilot.pk], today, True))
        else:
            day, stage = after or (None, "")
            pilots.append(
                Send(
                    reminders.Reminder(
                        campaign, pilot, stage, "pilot", actions, today=day or today
                    ),
                    day,
                    False,
                )
            )
    day = reminders.next_digest_day(today) if is_open else (after[0] if after else None)
    later = (
        reminders.digests(campaign, found.actions, day, sent=set())
        if day and campaign.is_open(day)
        else []
    )
    team = [
        *(Send(reminder, today, True) for reminder in found.reminders if reminder.kind == "team"),
        *(
            Send(reminder, day, False)
            for reminder in later
            if ("team", reminder.recipient.pk) not in due
        ),
    ]
    return {
        "pilots": sorted(pilots, key=_by_name),
        "team": sorted(team, key=_by_name),
        "unreachable": sorted(person_name(pilot) for pilot in found.waiting if not pilot.email),
        "due": sum(send.now for send in pilots + team),
    }


def _by_name(send):
    return person_name(send.reminder.recipient).lower()


def pending_notifications():
    """The hand-off e-mails not sent yet, oldest first, with their attempts and last error;
    "abandoned": tried MAX_ATTEMPTS times, the worker will not try again."""
    rows = list(Notification.objects.filter(sent_at__isnull=True).order_by("created_at", "pk"))
    for row in rows:
        row.abandoned = row.attempts >= notify.MAX_ATTEMPTS
    return rows
