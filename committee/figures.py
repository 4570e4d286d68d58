"""The comité de suivi in figures, for a plan and a period (a year, or the plan's whole period),
on a date of reference: one definition, read by the annual report and the bilan.

- **Date of reference**: that of ``actions.figures.reference_date`` (31 December of the year,
  of the plan's last year for the whole period, or today while that year runs); the figures
  say it (« au 31/12/2025 »).
- **Sessions held**: the plan's sessions in the state « Tenue » dated within the period, on or
  before the date of reference.
- **Decisions taken**: those of the sessions held. **Carried out** (réalisées): those marked
  done on or before the date of reference; **open**: the others (taken = carried out + open);
  **late**: the open ones whose due date is before the date of reference.
- **Earlier open decisions** (a year only): decisions of sessions held before the year, still
  open on its date of reference.
- Fictitious sessions (demonstration data) are counted, and said (``fictitious``): the pages
  that print these figures mark them.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from actions.figures import reference_date
from actions.models import Decision, Member, Plan, Session


@dataclass(frozen=True)
class HeldSession:
    """A session held, with its attendance: members present, represented, excused, absent,
    and all those invited."""

    session: Session
    present: int
    represented: int
    excused: int
    absent: int
    invited: int

    @property
    def attending(self) -> int:
        """Members present or represented."""
        return self.present + self.represented


def done_on(decision: Decision, day: datetime.date) -> bool:
    """Whether DECISION was carried out on DAY (marked done that day or before)."""
    return decision.done_at is not None and timezone.localdate(decision.done_at) <= day


@dataclass(frozen=True)
class CommitteeFigures:
    """The comité's sessions and decisions of a period, on ``as_of``."""

    as_of: datetime.date
    year: int | None
    sessions: list[HeldSession]
    decisions: list[Decision]
    earlier_open: list[Decision]

    @property
    def done(self) -> list[Decision]:
        return [decision for decision in self.decisions if done_on(decision, self.as_of)]

    @property
    def open(self) -> list[Decision]:
        return [decision for decision in self.decisions if not done_on(decision, self.as_of)]

    @property
    def late(self) -> list[Decision]:
        return [
            decision
            for decision in self.open
            if decision.due_on is not None and decision.due_on < self.as_of
        ]

    @property
    def fictitious(self) -> int:
        """How many of the sessions held are fictitious (demonstration data)."""
        return sum(1 for held in self.sessions if held.session.is_fictitious)


def attendance(state: str) -> Count:
    return Count("members", filter=Q(members__attendance=state))


def committee_figures(
    plan: Plan, year: int | None = None, *, today: datetime.date | None = None
) -> CommitteeFigures:
    """PLAN's comité de suivi in YEAR (None: over the plan's whole period) on the date of
    reference, TODAY being the day of generation (default: the local date). Two queries."""
    as_of = reference_date(plan.last_year if year is None else year, today)
    held = Session.objects.held().filter(plan=plan, date__lte=as_of)
    in_period = held.filter(date__year=year) if year is not None else held
    sessions = [
        HeldSession(
            session=session,
            present=session.present,
            represented=session.represented,
            excused=session.excused,
            absent=session.absent,
            invited=session.invited,
        )
        for session in in_period.annotate(
            present=attendance(Member.Attendance.PRESENT),
            represented=attendance(Member.Attendance.REPRESENTED),
            excused=attendance(Member.Attendance.EXCUSED),
            absent=attendance(Member.Attendance.ABSENT),
            invited=Count("members"),
        ).order_by("date")
    ]
    counted = {held_session.session.pk for held_session in sessions}
    decisions, earlier_open = [], []
    for decision in (
        Decision.objects.taken()
        .filter(session__in=held)
        .select_related("session", "action", "carrier")
        .order_by("session__date", "pk")
    ):
        if decision.session_id in counted:
            decisions.append(decision)
        elif not done_on(decision, as_of):
            earlier_open.append(decision)
    return CommitteeFigures(
        as_of=as_of,
        year=year,
        sessions=sessions,
        decisions=decisions,
        earlier_open=earlier_open,
    )
