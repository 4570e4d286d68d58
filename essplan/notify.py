"""Hand-off e-mails: whoever acts next is told, once, after the change is committed.

``notify`` is called inside the writer's transaction: it records one Notification per
recipient (the constraint one_notification_per_hand_off makes a second record of the same
hand-off a no-op) and, once the transaction commits, queues ``deliver`` for the worker. A
rolled-back change records and queues nothing. The worker sends each pending notification
under a row lock and marks it sent in the same transaction, so that a job run twice sends
once. An SMTP failure never touches the change: the notification stays pending with its
error and is tried again later (a deferred job, and ``send_pending`` from the hourly
``send_reminders``), at most MAX_ATTEMPTS times.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task, task_backends
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from . import links, roles
from .french import person_name
from .models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import Model, QuerySet

Kind = Notification.Kind
MAX_ATTEMPTS = 5
RETRY_DELAY = timedelta(minutes=10)


def team() -> "QuerySet[User]":
    """The ESS team's active accounts: who reviews points and listing requests."""
    return get_user_model().objects.filter(is_active=True, groups__name=roles.EDITOR).distinct()


def notify(kind: str, about: "Model", recipients: Iterable["User | str"]) -> None:
    """Record that RECIPIENTS (accounts, or bare addresses) are to be told KIND about ABOUT
    (the object the kind names), and queue the sending once the transaction commits.
    Accounts without an address or deactivated are left out; each address is told once."""
    rows: dict[str, Notification] = {}
    for recipient in recipients:
        if isinstance(recipient, str):
            address, user = recipient, None
        elif recipient.is_active and recipient.email:
            address, user = recipient.email, recipient
        else:
            continue
        rows.setdefault(
            address.lower(),
            Notification(kind=kind, object_id=about.pk, address=address, recipient=user),
        )
    if not rows:
        return
    Notification.objects.bulk_create(rows.values(), ignore_conflicts=True)
    transaction.on_commit(lambda: queue(kind, about.pk))


def queue(kind: str, object_id: int, run_after: datetime | None = None) -> None:
    backend = deliver.using(backend=settings.JOBS_BACKEND)
    if run_after is not None:
        if not task_backends[settings.JOBS_BACKEND].supports_defer:
            return  # left to send_pending
        backend = backend.using(run_after=run_after)
    backend.enqueue(kind, object_id)


@task()
def deliver(kind: str, object_id: int) -> None:
    """The worker's half: send the pending notifications of KIND about OBJECT_ID; those the
    SMTP server refused are tried again after RETRY_DELAY times their attempts."""
    pending = Notification.objects.filter(
        kind=kind, object_id=object_id, sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS
    )
    failed = [pk for pk in pending.values_list("pk", flat=True) if send(pk) is False]
    if failed:
        attempts = max(
            Notification.objects.filter(pk__in=failed).values_list("attempts", flat=True)
        )
        if attempts < MAX_ATTEMPTS:
            queue(kind, object_id, run_after=timezone.now() + RETRY_DELAY * attempts)


def queue_pending() -> int:
    """« Envoyer maintenant »: queue for the worker every hand-off with a notification still
    pending (and not given up); how many notifications that is."""
    pending = Notification.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
    hand_offs = list(pending.values_list("kind", "object_id"))
    for kind, object_id in sorted(set(hand_offs)):
        queue(kind, object_id)
    return len(hand_offs)


def send_pending() -> tuple[int, int]:
    """Send every notification still pending (the hourly catch-up): (sent, failed)."""
    outcomes = [
        send(pk)
        for pk in Notification.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]
    return outcomes.count(True), outcomes.count(False)


def send(pk: int) -> bool | None:
    """Send notification PK if it is still pending and nobody else is sending it: True once
    sent, False when the SMTP server refused it (its error recorded), None otherwise."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, sent_at__isnull=True)
            .first()
        )
        if notification is None:
            return None
        notification.attempts += 1
        try:
            email(notification).send()
        except OSError as error:  # smtplib.SMTPException and refused connections
            notification.last_error = f"{type(error).__name__}: {error}"[:1000]
            notification.save(update_fields=["attempts", "last_error"])
            return False
        notification.sent_at, notification.last_error = timezone.now(), ""
        notification.save(update_fields=["attempts", "sent_at", "last_error"])
        return True


@dataclass
class Mail:
    subject: str
    template: str
    context: dict[str, Any]
    # (campaign, action, context key): the URL under that key becomes the recipient's
    # personal link to the action's point of the campaign (essplan.links).
    link: tuple[Any, Any, str] | None = None


def email(notification: Notification) -> EmailMultiAlternatives:
    """NOTIFICATION's French e-mail, text and HTML, its links at SITE_URL."""
    model, compose = KINDS[notification.kind]
    mail = compose(model()._default_manager.get(pk=notification.object_id))
    context = {**mail.context, "recipient": notification.recipient, "subject": mail.subject}
    if mail.link and notification.recipient is not None:
        campaign, action, key = mail.link
        context[key] = links.personal_url(notification.recipient, campaign, action)
    message = EmailMultiAlternatives(
        subject=mail.subject,
        to=[notification.address],
        body=render_to_string(f"emails/{mail.template}.txt", context),
    )
    message.attach_alternative(
        render_to_string(f"emails/{mail.template}.html", context), "text/html"
    )
    return message


def _link(name: str, **kwargs: Any) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs)


def _short(text: str) -> str:
    return Truncator(text).chars(70)


def _point(comment: Any, verb: str, template: str, link: str | None = None) -> Mail:
    """The mail of a decision on a point; its pilot's LINK (a context key) personal."""
    point = comment.point
    action = point.action
    keys = {"slug": action.plan.slug, "code": action.code}
    campaign = action.plan.campaigns.filter(year=point.year).first()
    return Mail(
        subject=f"[essplan] Point {point.year} {verb} · {action.code} {_short(action.title)}",
        template=template,
        context={
            "comment": comment,
            "point": point,
            "action": action,
            "plan": action.plan,
            "author": comment.author,
            "form_url": _link("actions:progress_edit", year=point.year, **keys),
            "review_url": _link("actions:point_review", year=point.year, **keys),
            "action_url": _link("actions:action_detail", **keys),
            "my_actions_url": _link("actions:my_actions"),
        },
        link=(campaign, action, link) if link and campaign else None,
    )


def _pilot_named(nomination: Any) -> Mail:
    """The mail of a new pilot; while a campaign of the plan is open, its link to the form."""
    action = nomination.action
    campaign = action.plan.campaigns.open().order_by("year").first()
    return Mail(
        subject=f"[essplan] Vous êtes pilote de l'action {action.code} {_short(action.title)}",
        template="pilot_named",
        context={
            "action": action,
            "plan": action.plan,
            "campaign": campaign,
            "action_url": settings.SITE_URL + action.get_absolute_url(),
            "my_actions_url": _link("actions:my_actions"),
        },
        link=(campaign, action, "form_url") if campaign else None,
    )


def _listing_received(listing: Any) -> Mail:
    return Mail(
        subject=f"[essplan] Demande d'inscription à l'annuaire : {_short(listing.name)}",
        template="listing_received",
        context={"listing": listing, "requests_url": _link("structures:listing_request_list")},
    )


def _listing_decided(listing: Any) -> Mail:
    return Mail(
        subject=f"Votre demande d'inscription à l'annuaire de l'ESS : "
        f"{listing.get_state_display()}",
        template="listing_decided",
        context={"listing": listing},
    )


def _invitation_accepted(invitation: Any) -> Mail:
    user = invitation.user
    name = person_name(user)
    return Mail(
        subject=f"[essplan] {name} a activé son compte",
        template="invitation_accepted",
        context={
            "invitation": invitation,
            "user": user,
            "name": name,
            "roles": ", ".join(user.groups.values_list("name", flat=True)),
            "plans_url": _link("actions:plan_list"),
        },
    )


def _decision_recorded(decision: Any) -> Mail:
    """The mail of a decision of the comité to its carrier and the pilots of its action."""
    session, action = decision.session, decision.action
    about = f"{action.code} {_short(action.title)}" if action else _short(decision.text)
    return Mail(
        subject=f"[essplan] Décision du comité de suivi du {session.date:%d/%m/%Y} · {about}",
        template="decision_recorded",
        context={
            "decision": decision,
            "session": session,
            "plan": session.plan,
            "action": action,
            "action_url": settings.SITE_URL + action.get_absolute_url() if action else None,
            "my_actions_url": _link("actions:my_actions"),
        },
    )


def _agenda_sent(sending: Any) -> Mail:
    """The agenda of a session, as it stands when the mail is written; a second sending says
    the agenda changed."""
    session = sending.session
    items = session.items.filter(state="retenu").select_related("action").order_by("position", "pk")
    changed = " modifié" if sending.is_change else ""
    return Mail(
        subject=f"[essplan] Comité de suivi du {session.date:%d/%m/%Y} : ordre du jour{changed}",
        template="agenda_sent",
        context={
            "session": session,
            "plan": session.plan,
            "items": list(items),
            "changed": sending.is_change,
            "session_url": settings.SITE_URL + session.get_absolute_url(),
        },
    )


def _item_proposed(item: Any) -> Mail:
    session = item.session
    return Mail(
        subject=f"[essplan] Point proposé pour le comité du {session.date:%d/%m/%Y} : "
        f"{_short(item.title)}",
        template="item_proposed",
        context={
            "item": item,
            "session": session,
            "proposer": person_name(item.proposed_by) if item.proposed_by else "",
            "agenda_url": _link("committee:agenda", slug=session.plan.slug, pk=session.pk),
        },
    )


def _item_decided(item: Any) -> Mail:
    session = item.session
    outcome = "retenu" if item.state == "retenu" else "écarté"
    return Mail(
        subject=f"[essplan] Votre point pour le comité du {session.date:%d/%m/%Y} : {outcome}",
        template="item_decided",
        context={
            "item": item,
            "session": session,
            "kept": item.state == "retenu",
            "agenda_url": _link("committee:agenda", slug=session.plan.slug, pk=session.pk),
        },
    )


def _model(label: str) -> Callable[[], type["Model"]]:
    return lambda: apps.get_model(label)


def _nominations() -> type["Model"]:
    return apps.get_model("actions", "Action").pilots.through


# Each kind: (the model of the object it is about, the mail it makes of that object).
KINDS: dict[str, tuple[Callable[[], type["Model"]], Callable[[Any], Mail]]] = {
    Kind.POINT_SUBMITTED: (
        _model("actions.ReviewComment"),
        lambda comment: _point(comment, "soumis", "point_submitted"),
    ),
    Kind.POINT_SENT_BACK: (
        _model("actions.ReviewComment"),
        lambda comment: _point(comment, "à revoir", "point_sent_back", link="form_url"),
    ),
    Kind.POINT_VALIDATED: (
        _model("actions.ReviewComment"),
        lambda comment: _point(comment, "validé", "point_validated", link="action_url"),
    ),
    Kind.POINT_REPLIED: (
        _model("actions.ReviewComment"),
        lambda comment: _point(comment, "à revoir : le pilote répond", "point_replied"),
    ),
    Kind.PILOT_NAMED: (_nominations, _pilot_named),
    Kind.LISTING_RECEIVED: (_model("structures.ListingRequest"), _listing_received),
    Kind.LISTING_DECIDED: (_model("structures.ListingRequest"), _listing_decided),
    Kind.INVITATION_ACCEPTED: (_model("essplan.Invitation"), _invitation_accepted),
    Kind.DECISION_RECORDED: (_model("actions.Decision"), _decision_recorded),
    Kind.AGENDA_SENT: (_model("committee.AgendaSending"), _agenda_sent),
    Kind.ITEM_PROPOSED: (_model("actions.AgendaItem"), _item_proposed),
    Kind.ITEM_DECIDED: (_model("actions.AgendaItem"), _item_decided),
}
