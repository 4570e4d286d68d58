"""Who may do what with the comité de suivi's sessions, called first in every view of the app:
the ESS team (and administrators) prepare and record them; the comité reads every session of
its plan and proposes items before a session; pilots read, on their actions' pages, only the
decisions that concern them (actions.access)."""

from datetime import date
from typing import cast

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from actions.access import READ_SESSIONS, check_plan, get_plan, readable_plans, reads_sessions
from actions.models import Plan, Session
from actions.models.plan import PlanQuerySet
from essplan.roles import VIEW_PLAN, Someone, require

READ = READ_SESSIONS
PREPARE = "actions.change_session"
CREATE = "actions.add_session"
PROPOSE = "actions.propose_agendaitem"
# Decisions are recorded by who prepares the sessions.
RECORD = "actions.add_decision"

HELD_MESSAGE = (
    "Cette séance est tenue : son ordre du jour ne reçoit plus de proposition. Proposez "
    "votre point pour la prochaine séance."
)
PROPOSALS_CLOSED = (
    "Les propositions de points pour cette séance sont closes. Écrivez à l'équipe ESS, ou "
    "proposez votre point pour la séance suivante."
)


def can_read_sessions(user: Someone) -> bool:
    """Whether USER reads the sessions (the header's « Comité » link): the comité, the team,
    administrators; not the pilots."""
    return reads_sessions(user)


def can_prepare(user: Someone) -> bool:
    """Whether USER prepares sessions, their agenda and their minutes."""
    return user.has_perm(PREPARE)


def sessions(request: HttpRequest, slug: str) -> tuple[Plan, QuerySet[Session]]:
    """Plan SLUG and its sessions, for those who read them (403 otherwise)."""
    require(request.user, READ)
    plan = get_plan(request, slug)
    return plan, plan.sessions.all()


def current_plan(request: HttpRequest) -> Plan | None:
    """The plan whose sessions the header's « Comité » opens, for those who read sessions
    (403 otherwise): as the dashboard's, the adopted plan that started last among those the
    user reads (None when there is none)."""
    require(request.user, READ)
    plans = cast(PlanQuerySet, readable_plans(request.user))
    return plans.current()


def plan_to_prepare(request: HttpRequest, slug: str) -> Plan:
    """Plan SLUG, to which the user creates a session (403 without the right, or on a closed
    plan but for administrators)."""
    return get_plan(request, slug, perm=CREATE)


def get_session(request: HttpRequest, slug: str, pk: int, perm: str = READ) -> Session:
    """Session PK of plan SLUG if the user holds PERM (403), 404 if there is none; a write
    (PERM other than reading) to a closed plan's session only for those who manage plans."""
    require(request.user, perm)
    session = get_object_or_404(Session.objects.select_related("plan"), plan__slug=slug, pk=pk)
    check_plan(request.user, session.plan, VIEW_PLAN if perm == READ else perm)
    return session


def proposal_refusal(session: Session, today: date | None = None) -> str | None:
    """Why no item may be proposed for SESSION now, or None: it is held, or the date the team
    set for proposals has passed."""
    if session.state == Session.State.HELD:
        return HELD_MESSAGE
    today = today or timezone.localdate()
    if session.proposals_until is not None and today > session.proposals_until:
        return PROPOSALS_CLOSED
    if session.date < today:
        return PROPOSALS_CLOSED
    return None


def session_to_propose(request: HttpRequest, slug: str, pk: int) -> Session:
    """Session PK, open to the user's proposal of an item (403 with the reason otherwise)."""
    session = get_session(request, slug, pk, perm=PROPOSE)
    refusal = proposal_refusal(session)
    if refusal:
        raise PermissionDenied(refusal)
    return session
