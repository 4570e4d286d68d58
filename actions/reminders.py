"""The campaign's e-mails: reminders to pilots, the weekly digest to the ESS team.

A pilot receives, for each open campaign where some of its actions still wait for a point,
the reminder of the latest stage reached: the opening, each of REMINDER_DAYS_BEFORE days
before the due date, the due date, then one a week. Each (campaign, recipient, stage)
goes once: its ReminderSent row is written in the same transaction as the sending, so a
message the SMTP server refused is not recorded and goes at the next run.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from essplan import links, roles
from essplan.french import count, person_name

from .models import WAITING, Action, Campaign, ReminderSent, Review


@dataclass
class Reminder:
    campaign: Campaign
    recipient: object
    stage: str
    kind: str  # pilot or team
    actions: list = field(default_factory=list)  # team: points waiting for their pilot
    awaiting: list = field(default_factory=list)  # team: points submitted, to validate
    unpiloted: list = field(default_factory=list)  # team: awaited points of no active pilot
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def late(self):
        return self.today > self.campaign.due_on

    @property
    def subject(self):
        campaign = self.campaign
        if self.kind == "team":
            return (
                f"[essplan] Campagne {campaign.year} : "
                f"{count(len(self.unpiloted), 'action sans pilote', 'actions sans pilote')}, "
                f"{count(len(self.actions), 'point attendu', 'points attendus')} des pilotes, "
                f"{count(len(self.awaiting), 'point', 'points')} à valider"
            )
        when = STAGE_WORDS.get(self.stage.split("-")[0], "Rappel")
        points = count(len(self.actions), "point d'avancement", "points d'avancement")
        deadline = (
            f"en retard depuis le {campaign.due_on:%d/%m/%Y}"
            if self.late
            else f"à saisir avant le {campaign.due_on:%d/%m/%Y}"
        )
        return f"[essplan] {when} · campagne de suivi {campaign.year} : {points} {deadline}"


STAGE_WORDS = {
    "ouverture": "Ouverture",
    "avant": "Rappel",
    "echeance": "Dernier jour",
    "semaine": "Relance",
    "relance": "Relance",
}


def schedule(campaign, until):
    """CAMPAIGN's reminder stages up to UNTIL, (day, stage) in order: the opening, each of
    REMINDER_DAYS_BEFORE days before the due date, the due date, then one a week; none
    before the opening."""
    stages = [(campaign.opens_on, "ouverture")]
    for days in settings.REMINDER_DAYS_BEFORE:
        stages.append((campaign.due_on - datetime.timedelta(days=days), f"avant-{days}"))
    stages.append((campaign.due_on, "echeance"))
    for weeks in range(1, (until - campaign.due_on).days // 7 + 1):
        stages.append((campaign.due_on + datetime.timedelta(weeks=weeks), f"semaine-{weeks}"))
    return sorted(
        ((day, stage) for day, stage in stages if campaign.opens_on <= day <= until),
        key=lambda pair: pair[0],
    )


def stage_of(campaign, today):
    """The latest reminder stage CAMPAIGN has reached on TODAY, or None before it opens."""
    reached = schedule(campaign, today)
    return max(reached, key=lambda pair: pair[0])[1] if reached else None


def next_stage(campaign, today):
    """The first stage of CAMPAIGN after TODAY, (day, stage); None once it is closed or, a
    closed plan's, past its due date (Campaign.is_open)."""
    if campaign.closed_on:
        return None
    until = max(today, campaign.due_on) + datetime.timedelta(weeks=1)
    later = [
        (day, stage)
        for day, stage in schedule(campaign, until)
        if day > today and not campaign.is_over(day)
    ]
    return later[0] if later else None


def next_digest_day(today):
    """When the team's next weekly digest goes, the one of this week being sent: the first
    run of next week (its stage is the ISO week's, digests)."""
    return today + datetime.timedelta(days=7 - today.weekday())


def campaign_actions(campaign):
    """The actions of CAMPAIGN's plan, in code order, each with the review of its point of the
    campaign's year and its pilots: read once for the pilots' reminders and the digest."""
    return list(
        Action.objects.filter(plan=campaign.plan)
        .with_review(campaign.year)
        .order_by("code_key")
        .prefetch_related("pilots")
    )


def waiting_by_pilot(actions):
    """{pilot: [ACTIONS whose point is not submitted]}."""
    pilots = {}
    for action in actions:
        if action.review not in WAITING:
            continue
        for pilot in action.pilots.all():
            if pilot.is_active:
                pilots.setdefault(pilot, []).append(action)
    return pilots


def due(today):
    """The reminders that should go on TODAY and have not gone yet, and the pilots that
    cannot be reached (no e-mail address)."""
    reminders, unreachable = [], []
    for campaign in Campaign.objects.open(today).select_related("plan"):
        found = campaign_due(campaign, today)
        reminders.extend(found.reminders)
        unreachable.extend(found.unreachable)
    return reminders, unreachable


@dataclass
class Due:
    reminders: list  # due on the day, not sent yet
    unreachable: list  # (campaign, pilot, actions): awaited pilots without an e-mail address
    waiting: dict  # {pilot: actions} of every awaited pilot
    actions: list  # campaign_actions()


def campaign_due(campaign, today):
    """What due() finds for the open CAMPAIGN on TODAY, with what it read."""
    stage = stage_of(campaign, today)
    sent = set(ReminderSent.objects.filter(campaign=campaign).values_list("recipient_id", "stage"))
    actions = campaign_actions(campaign)
    waiting = waiting_by_pilot(actions)
    found = Due([], [], waiting, actions)
    for pilot, awaited in waiting.items():
        if not pilot.email:
            found.unreachable.append((campaign, pilot, awaited))
        elif (pilot.pk, stage) not in sent:
            found.reminders.append(Reminder(campaign, pilot, stage, "pilot", awaited, today=today))
    found.reminders.extend(digests(campaign, actions, today, sent))
    return found


def digests(campaign, actions, today, sent):
    """The ESS team's weekly digest of ACTIONS: the points awaited of actions without an active
    pilot (nobody is reminded of them), those waiting for their pilot, those submitted and
    waiting for validation."""
    stage = digest_stage(today)
    missing = [action for action in actions if action.review in WAITING]
    unpiloted = [action for action in missing if not _active_pilots(action)]
    waiting = [action for action in missing if _active_pilots(action)]
    awaiting = [action for action in actions if action.review == Review.SUBMITTED]
    if not (missing or awaiting):
        return []
    team = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.EDITOR)
        .exclude(email="")
        .distinct()
    )
    return [
        Reminder(campaign, member, stage, "team", waiting, awaiting, unpiloted, today)
        for member in team
        if (member.pk, stage) not in sent
    ]


def digest_stage(today):
    year, week, _ = today.isocalendar()
    return f"resume-{year}-{week:02d}"


def _active_pilots(action):
    return [pilot for pilot in action.pilots.all() if pilot.is_active]


def _entry_url(reminder, action):
    """A pilot's link to ACTION's form, signing it in (essplan.links); the team's digest
    names the actions without a link."""
    if reminder.kind == "pilot":
        return links.personal_url(reminder.recipient, reminder.campaign, action)
    return settings.SITE_URL + reverse(
        "actions:progress_edit",
        kwargs={
            "slug": reminder.campaign.plan.slug,
            "code": action.code,
            "year": reminder.campaign.year,
        },
    )


def message(reminder):
    """The French e-mail of REMINDER, text and HTML, with direct links to the entry forms (at
    SITE_URL, never at the Host of the request that asked for it)."""
    site_url = settings.SITE_URL
    context = {
        "reminder": reminder,
        "campaign": reminder.campaign,
        "plan": reminder.campaign.plan,
        "recipient": reminder.recipient,
        "rows": [(action, _entry_url(reminder, action)) for action in reminder.actions],
        "awaiting": [
            (action, site_url + action.url("actions:point_review", year=reminder.campaign.year))
            for action in reminder.awaiting
        ],
        "queue_url": site_url
        + reverse(
            "actions:review_queue",
            kwargs={"slug": reminder.campaign.plan.slug, "year": reminder.campaign.year},
        ),
        "unpiloted": [
            (action, site_url + action.get_absolute_url()) for action in reminder.unpiloted
        ],
        "contact": settings.ESS_TEAM_CONTACT_EMAIL,
        "my_actions_url": site_url + reverse("actions:my_actions"),
        "campaign_url": site_url + reminder.campaign.get_absolute_url(),
    }
    email = EmailMultiAlternatives(
        subject=reminder.subject,
        body=render_to_string("actions/email/reminder.txt", context),
        to=[reminder.recipient.email],
        reply_to=[settings.ESS_TEAM_CONTACT_EMAIL],
    )
    email.attach_alternative(render_to_string("actions/email/reminder.html", context), "text/html")
    return email


@dataclass
class Outcome:
    sent: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # another run sent it meanwhile
    failed: list = field(default_factory=list)  # (reminder, error)


def send(reminders, progress=None):
    """Send REMINDERS, each recorded with its sending: all or nothing, one by one. PROGRESS,
    a job's, is told how many went through."""
    outcome = Outcome()
    for number, reminder in enumerate(reminders, start=1):
        if progress and number % 10 == 0:
            progress(done=number - 1)
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    campaign=reminder.campaign,
                    recipient=reminder.recipient,
                    stage=reminder.stage,
                    summary=reminder.subject[:300],
                )
                message(reminder).send()
        except IntegrityError:
            outcome.skipped.append(reminder)
        except OSError as error:  # smtplib.SMTPException and refused connections
            outcome.failed.append((reminder, error))
        else:
            outcome.sent.append(reminder)
    return outcome


@dataclass
class ActionReminder:
    sent_to: str = ""
    unreachable: str = ""
    failed: bool = False

    @property
    def sent(self):
        return bool(self.sent_to)


def remind_action(campaign, action):
    """« Relancer »: a reminder now to the pilots of ACTION, whatever was sent before."""
    pilots = list(action.pilots.filter(is_active=True))
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    reachable = [pilot for pilot in pilots if pilot.email]
    reminders = [
        Reminder(campaign, pilot, f"relance-{action.code}-{stamp}", "pilot", [action])
        for pilot in reachable
    ]
    outcome = send(reminders)
    return ActionReminder(
        sent_to=", ".join(person_name(reminder.recipient) for reminder in outcome.sent),
        unreachable=", ".join(person_name(pilot) for pilot in pilots if not pilot.email),
        failed=bool(outcome.failed),
    )


def send_due(campaign, progress, today=None):
    """« Envoyer maintenant »: the reminders of CAMPAIGN due on TODAY and not sent yet (what
    the next hourly run would send), each recorded under its stage; (outcome, names of the
    awaited pilots without an e-mail address)."""
    found = campaign_due(campaign, today or timezone.localdate())
    progress(total=len(found.reminders), unit="courriels", step="Envoi des relances")
    outcome = send(found.reminders, progress=progress)
    return outcome, sorted(person_name(pilot) for _, pilot, _ in found.unreachable)


def remind_all(campaign, stage, progress):
    """« Relancer tous les pilotes en attente »: one reminder to each pilot of an action whose
    point is awaited, listing them all, sent once per STAGE (the job's: a job that runs
    again sends nothing twice); (outcome, names of the pilots without an e-mail address)."""
    pilots = waiting_by_pilot(campaign_actions(campaign))
    reminders = [
        Reminder(campaign, pilot, stage, "pilot", actions)
        for pilot, actions in pilots.items()
        if pilot.email
    ]
    progress(total=len(reminders), unit="courriels", step="Envoi des relances")
    outcome = send(reminders, progress=progress)
    return outcome, sorted(person_name(pilot) for pilot in pilots if not pilot.email)
