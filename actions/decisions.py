"""The comité de suivi's decisions as follow-up items of their actions, and the « À discuter »
flag: what the action's page, « Mes actions », the point's form, the dashboard and the annual
report read, and the writes that close a decision or raise and lower the flag.

- **Taken** decision: of a session held (« Séance tenue »); before, the team may still change
  or delete it, and only the session's pages show it.
- **Open** decision: taken, not yet marked carried out (done_at empty).
- **Late** on a date: open, and its due date (échéance) is before that date.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from essplan.french import person_name

from .models import Decision, DiscussionRequest, Plan, Session

LATE_LISTED = 10  # the most overdue, on the dashboard


class AlreadyDone(ValidationError):
    """Someone marked the decision carried out meanwhile: the message says who and when (a
    ValidationError: a form that closes it shows it, essplan.versioning.save_or_conflict)."""

    def __init__(self, decision):
        self.decision = decision
        who = person_name(decision.done_by) if decision.done_by else "un compte supprimé"
        when = timezone.localtime(decision.done_at)
        super().__init__(
            f"La décision « {decision.text[:80]} » a déjà été déclarée réalisée le "
            f"{when:%d/%m/%Y à %H:%M} par {who} : rien n'a été enregistré de nouveau."
        )


class AlreadyFlagged(Exception):
    """The action is already « À discuter » (one open flag per action)."""


def of_action(action):
    """ACTION's decisions, the open ones first (the nearest due date first), then those carried
    out (the latest first), with their session, carrier and who closed them."""
    return (
        Decision.objects.taken()
        .filter(action=action)
        .select_related("session", "carrier", "done_by")
        .order_by(
            F("done_at").desc(nulls_first=True),
            F("due_on").asc(nulls_last=True),
            "session__date",
            "pk",
        )
    )


def of_pilot(user, plans):
    """The open decisions on the actions USER pilots in PLANS (those it reads), the nearest
    due date first: its « Décisions du comité à traiter »."""
    return (
        Decision.objects.taken()
        .open()
        .filter(action__pilots=user, action__plan__in=plans)
        .select_related("action__plan", "session")
        .order_by(F("due_on").asc(nulls_last=True), "action__plan", "action__code_key", "pk")
    )


def to_close(action, ticked=()):
    """ACTION's open decisions, the nearest due date first, and those TICKED (ids a form
    sent) that someone closed meanwhile: the form says so rather than forget them."""
    return (
        Decision.objects.taken()
        .filter(action=action)
        .filter(Q(done_at__isnull=True) | Q(pk__in=list(ticked)))
        .select_related("session", "carrier", "done_by")
        .order_by(F("due_on").asc(nulls_last=True), "session__date", "pk")
    )


def open_flag(action):
    """ACTION's open « À discuter » flag, or None."""
    return (
        DiscussionRequest.objects.filter(action=action, closed_at__isnull=True)
        .select_related("raised_by")
        .first()
    )


@dataclass(frozen=True)
class DecisionFigures:
    """The comité's decisions of a plan on a date: how many are open and late, the most
    overdue listed, the next session."""

    as_of: datetime.date
    open: int
    late: int
    most_late: list[Decision]
    next_session: Session | None


def decision_figures(plan: Plan, today: datetime.date | None = None) -> DecisionFigures:
    """PLAN's open and late decisions (of its sessions held, as committee.figures) on TODAY (default: the local date), the LATE_LISTED most
    overdue, and its next session (3 queries)."""
    today = today or timezone.localdate()
    decisions = Decision.objects.taken().filter(session__plan=plan)
    counts = decisions.open().aggregate(
        open=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today))
    )
    most_late = list(
        decisions.late(today)
        .select_related("action__plan", "session")
        .order_by("due_on", "pk")[:LATE_LISTED]
    )
    return DecisionFigures(
        as_of=today,
        open=counts["open"],
        late=counts["late"],
        most_late=most_late,
        next_session=plan.sessions.upcoming(today).first(),
    )


def close(decision: Decision, *, user, note: str) -> Decision:
    """Mark DECISION carried out by USER now, NOTE saying what was done; AlreadyDone if
    someone did it meanwhile (the row is locked: two closings never both pass)."""
    with transaction.atomic():
        current = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("done_by")
            .get(pk=decision.pk)
        )
        if current.done_at is not None:
            raise AlreadyDone(current)
        current.done_at = timezone.now()
        current.done_by = user
        current.done_note = note
        current.save(update_fields=["done_at", "done_by", "done_note"])
    decision.done_at, decision.done_by, decision.done_note = (
        current.done_at,
        current.done_by,
        current.done_note,
    )
    return decision


def close_all(closings, *, user) -> None:
    """Close each (decision, note) of CLOSINGS, all or none (AlreadyDone rolls them back)."""
    with transaction.atomic():
        for decision, note in closings:
            close(decision, user=user, note=note)


def raise_flag(action, *, user, reason: str) -> DiscussionRequest:
    """Propose ACTION to the comité (« À discuter ») for REASON; AlreadyFlagged if it is
    already (even by someone else at the same instant: the constraint decides)."""
    try:
        with transaction.atomic():
            return DiscussionRequest.objects.create(action=action, reason=reason, raised_by=user)
    except IntegrityError:
        raise AlreadyFlagged from None


def lower_flag(action) -> bool:
    """Take ACTION's « À discuter » flag off; whether there was one."""
    return bool(
        DiscussionRequest.objects.filter(action=action, closed_at__isnull=True).update(
            closed_at=timezone.now()
        )
    )
