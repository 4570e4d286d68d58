"""The agenda proposed for a session, drawn from the plan's state: the decisions of earlier
sessions still open, the actions late, paused (« suspendue ») or abandoned, those flagged
« À discuter », the campaign's missing points, the indicators off target.

Every figure is the one the dashboard shows: statuses from validated points and lateness on
the date of reference (actions.figures), the campaign's awaited points as its page counts
them (WAITING), attainment as the indicators compute it (indicators.computations.rows_for).
A fixed number of queries, whatever the size of the plan."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.text import Truncator

from actions.figures import actions_of_year, reference_date
from actions.models import (
    WAITING,
    Action,
    AgendaItem,
    Decision,
    DiscussionRequest,
    Session,
    Status,
)
from essplan.french import count, figure, person_name
from indicators.computations import rows_for
from indicators.models import Attainment

Source = AgendaItem.Source
# The most rows a grouped proposal (open decisions, missing points, indicators) lists.
LISTED = 20


@dataclass(frozen=True)
class Proposal:
    """An item the plan's state suggests: what AgendaItem it would become."""

    source: str
    title: str
    detail: str
    action: Action | None = None
    request: DiscussionRequest | None = None

    @property
    def key(self) -> str:
        """What a checkbox sends: the source and the action, never a text to trust."""
        return f"{self.source}:{self.action.pk if self.action else ''}"

    def get_source_display(self) -> str:
        return Source(self.source).label


def _action_title(action: Action, what: str) -> str:
    return f"Action {action.code} — {Truncator(action.title).chars(200)} : {what}"


def _listed(lines: list[str], total: int) -> str:
    more = total - len(lines)
    return "\n".join(lines + ([f"… et {count(more, 'autre', 'autres')}."] if more > 0 else []))


def _open_decisions(session: Session) -> list[Proposal]:
    earlier = (
        Decision.objects.taken()
        .open()
        .filter(session__plan=session.plan, session__date__lt=session.date)
    )
    decisions = list(
        earlier.select_related("session", "action", "carrier").order_by("session__date", "pk")[
            : LISTED + 1
        ]
    )
    if not decisions:
        return []
    total = earlier.count() if len(decisions) > LISTED else len(decisions)
    lines = []
    for decision in decisions[:LISTED]:
        carrier = person_name(decision.carrier) if decision.carrier else decision.carrier_name
        parts = [f"Séance du {decision.session.date:%d/%m/%Y}"]
        if decision.action:
            parts.append(f"action {decision.action.code}")
        if carrier:
            parts.append(f"porteur : {carrier}")
        if decision.due_on:
            late = " (dépassée)" if decision.due_on < session.date else ""
            parts.append(f"échéance : {decision.due_on:%d/%m/%Y}{late}")
        lines.append(f"- {Truncator(decision.text).chars(200)} ({', '.join(parts)})")
    title = f"Décisions encore ouvertes ({total})"
    return [Proposal(Source.OPEN_DECISIONS, title, _listed(lines, total))]


def _action_states(session: Session, as_of: date) -> list[Proposal]:
    """Late actions, then the paused and the abandoned ones not late; an abandonment once:
    an action already taken up for it by an earlier session is not proposed again."""
    plan = session.plan
    actions = (
        actions_of_year(plan, as_of.year)
        .filter(Q(is_late=True) | Q(current_status__in=[Status.PAUSED, Status.ABANDONED]))
        .select_related("plan")
        .order_by("code_key")
    )
    told = set(
        AgendaItem.objects.filter(
            session__plan=plan,
            session__date__lt=session.date,
            source=Source.ABANDONED,
            state=AgendaItem.State.KEPT,
        ).values_list("action_id", flat=True)
    )
    late, paused, abandoned = [], [], []
    on = f"{as_of:%d/%m/%Y}"
    for action in actions:
        status = dict(Status.choices).get(action.current_status, "Sans point")
        progress = (
            f", avancement {action.current_progress} %"
            if action.current_progress is not None
            else ""
        )
        detail = f"Statut : {status} (point validé {action.status_year or '—'}){progress}."
        if action.is_late:
            late.append(
                Proposal(
                    Source.LATE,
                    _action_title(action, f"en retard au {on}"),
                    f"Échéance : {action.due_date:%d/%m/%Y}. {detail}",
                    action,
                )
            )
        elif action.current_status == Status.PAUSED:
            paused.append(
                Proposal(Source.PAUSED, _action_title(action, f"suspendue au {on}"), detail, action)
            )
        elif action.pk not in told:
            abandoned.append(
                Proposal(
                    Source.ABANDONED, _action_title(action, f"abandonnée au {on}"), detail, action
                )
            )
    late.sort(key=lambda proposal: proposal.action.due_date)  # type: ignore[union-attr]
    return late + paused + abandoned


def _to_discuss(session: Session) -> list[Proposal]:
    requests = (
        DiscussionRequest.objects.filter(action__plan=session.plan, closed_at__isnull=True)
        .select_related("action", "raised_by")
        .order_by("action__code_key")
    )
    return [
        Proposal(
            Source.TO_DISCUSS,
            _action_title(request.action, "à discuter"),
            f"Demandé le {request.raised_at:%d/%m/%Y}"
            + (f" par {person_name(request.raised_by)}" if request.raised_by else "")
            + f" : {request.reason}",
            request.action,
            request,
        )
        for request in requests
    ]


def _missing_points(session: Session) -> list[Proposal]:
    """The points of the plan's last campaign opened (by the session's date) still awaited."""
    campaign = session.plan.campaigns.filter(opens_on__lte=session.date).order_by("-year").first()
    if campaign is None:
        return []
    awaited = (
        Action.objects.filter(plan=session.plan)
        .with_review(campaign.year)
        .filter(review__in=WAITING)
    )
    actions = list(awaited.order_by("code_key").only("code", "title")[: LISTED + 1])
    if not actions:
        return []
    total = awaited.count() if len(actions) > LISTED else len(actions)
    lines = [f"- {action.code} {Truncator(action.title).chars(120)}" for action in actions[:LISTED]]
    title = (
        f"Points de la campagne {campaign.year} manquants : "
        f"{count(total, 'action', 'actions')} sans point soumis ni validé"
    )
    return [Proposal(Source.MISSING_POINTS, title, _listed(lines, total))]


def _value(value, indicator) -> str:
    return f"{figure(value)}\u00a0{indicator.unit_suffix}".strip()


def _indicators(session: Session) -> list[Proposal]:
    indicators = list(
        session.plan.indicators.prefetch_related("targets", "measurements").order_by("code")
    )
    missed = [
        row for row in rows_for(session.plan, indicators) if row["attainment"] == Attainment.MISSED
    ]
    if not missed:
        return []
    lines = [
        f"- {row['indicator'].code} {row['indicator'].name} : "
        f"{_value(row['values'].get(row['judged_year']), row['indicator'])} pour une cible de "
        f"{_value(row['target'], row['indicator'])} "
        f"en {row['judged_year']}"
        for row in missed[:LISTED]
    ]
    title = f"Indicateurs hors cible ({len(missed)})"
    return [Proposal(Source.INDICATOR, title, _listed(lines, len(missed)))]


def proposals(session: Session, today: date | None = None) -> list[Proposal]:
    """What the plan's state suggests for SESSION's agenda, the open decisions first; those
    already on it (same source and action, unless set aside) are left out."""
    as_of = reference_date(session.plan.current_year, today)
    taken = set(
        session.items.exclude(state=AgendaItem.State.REFUSED).values_list("source", "action_id")
    )
    found = [
        *_open_decisions(session),
        *_action_states(session, as_of),
        *_to_discuss(session),
        *_missing_points(session),
        *_indicators(session),
    ]
    return [
        proposal
        for proposal in found
        if (proposal.source, proposal.action.pk if proposal.action else None) not in taken
    ]
