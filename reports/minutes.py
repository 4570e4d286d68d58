"""The minutes of a session of the comité de suivi (« relevé de décisions »): what the PDF says,
gathered in a fixed number of queries.

Only a session held has minutes. They give the plan, the day, the hour and the place (or the
video link); the attendance (present, excused, represented and by whom, absent; accounts and
structures by name); the general notes; each item kept on the agenda, in its order, with the
summary of the discussion and its decisions (text, action, carrier, due date); the decisions
of the plan's earlier sessions still open on the session's day, with their state then. A
fictitious session (demonstration data) says so on every page.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from actions.models import AgendaItem, Decision, Member, Session
from committee.agenda_edit import kept
from essplan.french import person_name

from .models import minutes_title

FICTITIOUS = "Séance fictive (données de démonstration)"
NOT_HELD = (
    "Le relevé de décisions d'une séance ne se génère qu'une fois la séance tenue : celle "
    "du {date} est encore à l'état « {state} ». Enregistrez d'abord les présences, les "
    "synthèses et les décisions, puis clôturez la séance."
)
# The attendance in the order the minutes list it: (state, heading).
ATTENDANCE = [
    (Member.Attendance.PRESENT, "Présents"),
    (Member.Attendance.REPRESENTED, "Représentés"),
    (Member.Attendance.EXCUSED, "Excusés"),
    (Member.Attendance.ABSENT, "Absents"),
    (Member.Attendance.INVITED, "Invités dont la présence n'est pas relevée"),
]


def minutes_refusal(session: Session) -> str | None:
    """Why SESSION has no minutes yet (it is not held), or None."""
    if session.state == Session.State.HELD:
        return None
    return NOT_HELD.format(date=f"{session.date:%d/%m/%Y}", state=session.get_state_display())


def member_name(member: Member) -> str:
    """An account by its name, a structure of the directory by its name (and acronym)."""
    return str(member.structure) if member.structure_id else person_name(member.user)


def carrier(decision: Decision) -> str:
    """Who carries DECISION: its account's name, the name typed in, or « — »."""
    if decision.carrier_id:
        return person_name(decision.carrier)
    return decision.carrier_name or "—"


@dataclass
class Attendees:
    """The members of one attendance state: (name, represented by) pairs."""

    state: str
    heading: str
    members: list[tuple[str, str]] = field(default_factory=list)


def attendance(session: Session) -> list[Attendees]:
    """The invited members grouped by attendance, in the order of ATTENDANCE, the empty
    groups left out. One query."""
    groups = {state: Attendees(state, heading) for state, heading in ATTENDANCE}
    for member in session.members.select_related("user", "structure").order_by("pk"):
        groups[member.attendance].members.append((member_name(member), member.represented_by))
    for group in groups.values():
        group.members.sort(key=lambda pair: pair[0].casefold())
    return [group for group in groups.values() if group.members]


def decision_state(decision: Decision, day: datetime.date) -> str:
    """DECISION's state on DAY (the session's), and what became of it since if it was
    carried out."""
    if decision.due_on is None:
        state = "Ouverte, sans échéance"
    elif decision.due_on < day:
        state = f"En retard : échéance du {decision.due_on:%d/%m/%Y} dépassée"
    else:
        state = f"Ouverte, échéance le {decision.due_on:%d/%m/%Y}"
    if decision.done_at is not None:
        state += f" ; réalisée depuis, le {timezone.localdate(decision.done_at):%d/%m/%Y}"
    return state


def earlier_open_decisions(session: Session) -> list[Decision]:
    """The decisions of the plan's sessions before SESSION not carried out before its day
    (those of fictitious sessions only in the minutes of a fictitious session). One query."""
    decisions = (
        Decision.objects.taken()
        .filter(session__plan=session.plan_id, session__date__lt=session.date)
        .filter(Q(done_at__isnull=True) | Q(done_at__date__gte=session.date))
        .select_related("session", "action", "carrier")
        .order_by("session__date", "pk")
    )
    if not session.is_fictitious:
        decisions = decisions.exclude(session__is_fictitious=True)
    found = list(decisions)
    for decision in found:
        decision.state_text = decision_state(decision, session.date)
    return found


def agenda(session: Session) -> tuple[list[AgendaItem], list[Decision]]:
    """The items kept on SESSION's agenda in their order, each with its decisions
    (``item.taken``), and the session's decisions attached to no kept item. Two queries."""
    items = list(kept(session))
    by_item = {item.pk: item for item in items}
    for item in items:
        item.taken = []
    others = []
    for decision in session.decisions.select_related("action", "carrier").order_by("pk"):
        decision.carrier_text = carrier(decision)
        if decision.item_id in by_item:
            by_item[decision.item_id].taken.append(decision)
        else:
            others.append(decision)
    return items, others


def minutes_context(
    session: Session, *, generated_at: datetime.datetime, generated_by: User | None = None
) -> dict:
    """Everything the minutes template shows."""
    plan = session.plan
    items, others = agenda(session)
    earlier = earlier_open_decisions(session)
    for decision in earlier:
        decision.carrier_text = carrier(decision)
    title = minutes_title(session)
    return {
        "plan": plan,
        "session": session,
        "document_title": title,
        "cover_kind": "Relevé de décisions du comité de suivi",
        "description": (
            f"Relevé de décisions de la séance du comité de suivi du {plan.title} tenue le "
            f"{session.date:%d/%m/%Y}"
        ),
        "running_title": f"Relevé de décisions · comité de suivi du {session.date:%d/%m/%Y}",
        "fictitious": FICTITIOUS if session.is_fictitious else "",
        "generated_at": generated_at,
        "generated_by": generated_by,
        "attendance": attendance(session),
        "items": items,
        "other_decisions": others,
        "earlier": earlier,
        "decision_count": sum(len(item.taken) for item in items) + len(others),
    }


def minutes_html(
    session: Session,
    *,
    generated_at: datetime.datetime | None = None,
    generated_by: User | None = None,
) -> str:
    """The minutes' HTML, in French whatever the caller's language."""
    generated_at = timezone.localtime(generated_at)
    with translation.override("fr"):
        context = minutes_context(session, generated_at=generated_at, generated_by=generated_by)
        return render_to_string("reports/minutes/minutes.html", context)
