"""Who may do what with a plan and what hangs from it: one helper per object type, called
first in every view of the app. Each checks the role (a model permission, 403) and finds the
object (404); object-level rules (a pilot's own actions) go here and nowhere else."""

import copy

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from essplan.datacache import PLANS, cached_value
from essplan.roles import VIEW_PLAN, Someone, require

from .campaigns import campaign_refusal
from .models import Action, BudgetLine, Decision, Event, Plan, ProgressUpdate
from .models.plan import PlanQuerySet

EDIT_ACTION = "actions.change_action"
EDIT_PROGRESS = "actions.change_progressupdate"
EDIT_BUDGET = "actions.change_budgetline"
DELETE_BUDGET = "actions.delete_budgetline"
EDIT_EVENT = "actions.change_event"
DELETE_EVENT = "actions.delete_event"
ADD_BUDGET = "actions.add_budgetline"
# Deciding on a pilot's submitted point: validating it or sending it back.
REVIEW = "actions.add_reviewcomment"
# Drafting, adopting and closing plans; the only role that sees a draft and writes to a
# closed plan.
MANAGE_PLAN = "actions.change_plan"
CLOSED_MESSAGE = (
    "Ce plan est clos : il reste consultable, mais seuls les administrateurs "
    "peuvent encore le modifier."
)
# What a pilot (role « Pilote ») may do on the actions it pilots, and only on those.
FOLLOW_OWN = "actions.follow_own_action"
PILOT_MAY = {EDIT_PROGRESS, ADD_BUDGET, EDIT_BUDGET, DELETE_BUDGET}
MANAGE_CAMPAIGN = "actions.change_campaign"
# The comité de suivi's decisions and the « À discuter » flag, on the action's page, « Mes
# actions » and the point's form: the comité and the team read every decision (they read the
# sessions); a pilot reads and closes those of the actions it pilots, and raises their flag.
READ_SESSIONS = "actions.view_session"
READ_DECISIONS = "actions.view_decision"
CLOSE_DECISION = "actions.change_decision"
FLAG = "actions.add_discussionrequest"
LOWER_FLAG = "actions.change_discussionrequest"
# What a closed plan still accepts from those who do not manage plans: the follow-up of the
# year of its campaign still running (Campaign.is_open: to its due date), that campaign's
# pages and the review of its points. Budget lines say ANY_YEAR: their years are those of
# follow_up_years.
CAMPAIGN_WORK = PILOT_MAY | {REVIEW, MANAGE_CAMPAIGN}
ANY_YEAR = "any"
NO_OPEN_CAMPAIGN = (
    "Aucune campagne de suivi n'est ouverte pour ce plan : comme ses points, un "
    "pilote saisit les lignes budgétaires de ses actions pendant la campagne de "
    "l'année. L'équipe ESS vous préviendra par courriel quand elle l'ouvrira."
)
NOT_YOUR_LINE = (
    "Cette ligne budgétaire n'a pas été saisie par vous : seule l'équipe ESS peut "
    "la modifier ou la supprimer. Écrivez-lui pour la corriger."
)


def can_read_plans(user: Someone) -> bool:
    """Whether USER reads the plans: the gate of the staff pages (the header's links)."""
    return user.has_perm(VIEW_PLAN)


def can_edit(user: Someone) -> bool:
    """Whether pages show USER the links to edit the plan's actions."""
    return user.has_perm(EDIT_ACTION)


def is_team(user: Someone) -> bool:
    """Whether USER records the follow-up of every action (the ESS team), not only of the
    actions it pilots."""
    return user.has_perm(EDIT_PROGRESS)


def has_own_actions(user: Someone) -> bool:
    """Whether USER follows actions, and so has a « Mes actions » page in the header: a
    pilot, or the ESS team."""
    return user.has_perm(FOLLOW_OWN) or is_team(user)


def can_review(user: Someone) -> bool:
    """Whether USER decides on the points pilots submit (validates or sends them back)."""
    return user.has_perm(REVIEW)


def can_manage_campaigns(user: Someone) -> bool:
    """Whether USER opens, changes and reminds the follow-up campaigns."""
    return user.has_perm(MANAGE_CAMPAIGN)


def can_manage(user: Someone) -> bool:
    """Whether USER drafts, adopts and closes plans (and so sees the drafts)."""
    return user.has_perm(MANAGE_PLAN)


def writable(user: Someone, plan: Plan) -> bool:
    """Whether USER may still write to PLAN: a closed plan only for those who manage plans
    (and the follow-up of its campaign still running: running_years)."""
    return plan.state != Plan.State.CLOSED or can_manage(user)


def running_years(plan: Plan) -> list[int]:
    """The years of PLAN's campaigns open today (a closed plan's, up to their due date)."""
    return list(plan.campaigns.open().values_list("year", flat=True))


def may_follow(user: Someone, action: Action, perm: str = EDIT_PROGRESS) -> bool:
    """Whether USER may record ACTION's follow-up (PERM): the ESS team on every action, a
    pilot on the actions it pilots."""
    if user.has_perm(perm):
        return True
    return (
        perm in PILOT_MAY
        and user.has_perm(FOLLOW_OWN)
        and user.is_authenticated
        and action.pilots.filter(pk=user.pk).exists()
    )


def follow_up_years(user: Someone, action: Action, perm: str = EDIT_PROGRESS) -> list[int]:
    """The years of ACTION's follow-up (points, budget lines) that USER, who follows it
    (may_follow), may write with PERM: every year of the plan for the ESS team; for a pilot,
    only the years whose follow-up campaign is open; on a closed plan, for all but those who
    manage plans, the year of its campaign still running."""
    if user.has_perm(perm) and writable(user, action.plan):
        return list(action.plan.years)
    return [year for year in running_years(action.plan) if year in action.plan.years]


def may_change_line(
    user: Someone, line: BudgetLine, years: list[int], perm: str = EDIT_BUDGET
) -> bool:
    """Whether USER, who follows LINE's action, may change it (PERM: or delete it), YEARS
    being follow_up_years(): the ESS team every line of those years; a pilot only a line it
    entered itself, of a year whose campaign is open (the rule of its points)."""
    return line.year in years and (user.has_perm(perm) or line.created_by_id == user.pk)


def readable_plans(user: Someone, queryset: PlanQuerySet | None = None) -> QuerySet[Plan]:
    """The plans of QUERYSET (every plan by default) that USER may read: a draft only for
    those who manage plans."""
    queryset = Plan.objects.all() if queryset is None else queryset
    return queryset.all() if can_manage(user) else queryset.without_drafts()


def plans(request: HttpRequest) -> QuerySet[Plan]:
    """The plans the user may read, if the user reads plans at all (403 otherwise)."""
    require(request.user, VIEW_PLAN)
    return readable_plans(request.user)


def check_plan(user: Someone, plan: Plan, perm: str, year: int | str | None = None) -> Plan:
    """404 on a draft for those who do not manage plans; 403 on any write (PERM other than
    reading) to a closed plan but theirs, save the follow-up (CAMPAIGN_WORK) of YEAR while
    its campaign runs."""
    if plan.state == Plan.State.DRAFT and not can_manage(user):
        raise Http404
    if perm != VIEW_PLAN and plan.state == Plan.State.CLOSED and not can_manage(user):
        years = running_years(plan) if perm in CAMPAIGN_WORK and year is not None else []
        if not years or (year != ANY_YEAR and year not in years):
            raise PermissionDenied(CLOSED_MESSAGE)
    return plan


def get_plan(
    request: HttpRequest,
    slug: str,
    *,
    perm: str = VIEW_PLAN,
    queryset: QuerySet[Plan] | None = None,
    year: int | str | None = None,
) -> Plan:
    """The plan SLUG if the user holds PERM, else 403 (404 if it does not exist); for reading
    (VIEW_PLAN, the plain plan), looked up once per version of the data. YEAR: the campaign
    year a write is about (check_plan)."""
    require(request.user, perm)
    if queryset is not None or perm != VIEW_PLAN:
        plan = get_object_or_404(Plan.objects if queryset is None else queryset, slug=slug)
    else:
        plan = shared_copy(
            cached_value(
                "plan", slug, lambda: Plan.objects.filter(slug=slug).first(), scopes=(PLANS,)
            )
        )
    return check_plan(request.user, plan, perm, year)


def shared_copy[M](instance: M | None) -> M:
    """A copy of a cached INSTANCE (404 if None), related objects included: the shared one
    stays as is whatever the view does with it."""
    if instance is None:
        raise Http404
    return copy.deepcopy(instance)


def _actions() -> QuerySet[Action]:
    return Action.objects.with_status().select_related(
        "plan", "objective__axis", "pilot_direction", "predecessor__plan"
    )


def read_action(request: HttpRequest, slug: str, code: str) -> Action:
    """The action SLUG/CODE, with its status, for a page that only reads it: looked up once
    per version of the data (its status takes the costliest query of the action's page)."""
    require(request.user, VIEW_PLAN)
    action = shared_copy(
        cached_value(
            "action",
            (slug, code),
            lambda: _actions().filter(plan__slug=slug, code=code).first(),
            scopes=(PLANS,),
        )
    )
    check_plan(request.user, action.plan, VIEW_PLAN)
    return action


def get_action(
    request: HttpRequest,
    slug: str,
    code: str,
    *,
    perm: str = VIEW_PLAN,
    year: int | str | None = None,
) -> Action:
    """The action SLUG/CODE, with its status, if the user holds PERM (a pilot holds the
    follow-up permissions on its own actions). YEAR: the campaign year a write is about."""
    require(request.user, VIEW_PLAN if perm in PILOT_MAY else perm)
    action = get_object_or_404(_actions(), plan__slug=slug, code=code)
    check_plan(request.user, action.plan, perm, year)
    if perm in PILOT_MAY and not may_follow(request.user, action, perm):
        raise PermissionDenied
    return action


def get_point(
    request: HttpRequest, slug: str, code: str, year: int
) -> tuple[ProgressUpdate, bool, bool]:
    """The point of YEAR of the action SLUG/CODE for its review page; whether the user
    decides on it; whether the user pilots the action. The ESS team reads every point and
    decides while the plan is open to it; the pilots of the action re-read what they sent
    (and answer the team); anyone else gets 403, a point that does not exist 404. On a closed
    plan the team still decides on the points of its campaign running to its due date."""
    require(request.user, VIEW_PLAN)
    action = get_object_or_404(Action.objects.select_related("plan"), plan__slug=slug, code=code)
    check_plan(request.user, action.plan, VIEW_PLAN)
    team = can_review(request.user)
    pilot = (
        request.user.is_authenticated
        and request.user.has_perm(FOLLOW_OWN)
        and action.pilots.filter(pk=request.user.pk).exists()
    )
    if not (team or pilot):
        raise PermissionDenied
    point = get_object_or_404(
        ProgressUpdate.objects.select_related("author"), action=action, year=year
    )
    point.action = action
    decides = team and (writable(request.user, action.plan) or year in running_years(action.plan))
    return point, decides, pilot


def budget_entry(request: HttpRequest, slug: str, code: str) -> tuple[Action, list[int]]:
    """The action SLUG/CODE and the years the user may add a budget line to; 403, with the
    reason, for a pilot while no campaign of the plan is open."""
    action = get_action(request, slug, code, perm=ADD_BUDGET, year=ANY_YEAR)
    years = follow_up_years(request.user, action, ADD_BUDGET)
    if not years:
        raise PermissionDenied(NO_OPEN_CAMPAIGN)
    return action, years


def get_budget_line(
    request: HttpRequest, slug: str, code: str, pk: int, *, perm: str = EDIT_BUDGET
) -> tuple[BudgetLine, list[int]]:
    """The budget line PK of the action SLUG/CODE, and the years its year may be changed to,
    if the user may change it (PERM: or delete it): the ESS team any line; a pilot of the
    action only a line it entered itself, while the campaign of the line's year is open
    (403 with the reason, otherwise)."""
    action = get_action(request, slug, code, perm=perm, year=ANY_YEAR)
    line = get_object_or_404(BudgetLine, pk=pk, action=action)
    line.action = action
    years = follow_up_years(request.user, action, perm)
    if not may_change_line(request.user, line, years, perm):
        if line.created_by_id != request.user.pk and not request.user.has_perm(perm):
            raise PermissionDenied(NOT_YOUR_LINE)
        raise PermissionDenied(
            campaign_refusal(action, line.year, what="cette ligne") or NO_OPEN_CAMPAIGN
        )
    return line, years


def get_event(request: HttpRequest, slug: str, pk: int, *, perm: str = EDIT_EVENT) -> Event:
    """The event PK of the plan SLUG, if the user holds PERM on it."""
    plan = get_plan(request, slug, perm=perm)
    event = get_object_or_404(Event, pk=pk, plan=plan)
    event.plan = plan
    return event


def pilots(user: Someone, action: Action) -> bool:
    """Whether USER is a pilot (role « Pilote ») named on ACTION."""
    return (
        user.is_authenticated
        and user.has_perm(FOLLOW_OWN)
        and action.pilots.filter(pk=user.pk).exists()
    )


def reads_sessions(user: Someone) -> bool:
    """Whether USER reads the comité's sessions, and so every decision: the comité, the team,
    administrators (the dashboard's « Comité de suivi » block)."""
    return user.has_perm(READ_SESSIONS)


def may_read_decisions(user: Someone, action: Action) -> bool:
    """Whether USER reads the comité's decisions on ACTION and its « À discuter » flag: who
    reads the sessions, or a pilot of ACTION."""
    return reads_sessions(user) or (user.has_perm(READ_DECISIONS) and pilots(user, action))


def may_close_decisions(user: Someone, action: Action) -> bool:
    """Whether USER may say that the comité's decisions on ACTION are carried out: the team,
    or a pilot of ACTION; on a closed plan, only those who manage plans."""
    if not writable(user, action.plan):
        return False
    return user.has_perm(CLOSE_DECISION) or pilots(user, action)


def may_close_decision(user: Someone, decision: Decision) -> bool:
    """Whether USER may mark DECISION carried out (may_close_decisions on its action); a
    decision tied to no action, only the team."""
    if decision.action is None:
        return user.has_perm(CLOSE_DECISION) and writable(user, decision.session.plan)
    return may_close_decisions(user, decision.action)


def may_flag(user: Someone, action: Action) -> bool:
    """Whether USER may propose ACTION to the comité (« À discuter »): the team, or a pilot of
    ACTION; not on a closed plan (but for those who manage plans)."""
    if not (user.has_perm(FLAG) and writable(user, action.plan)):
        return False
    return user.has_perm(LOWER_FLAG) or pilots(user, action)


def may_lower_flag(user: Someone, action: Action) -> bool:
    """Whether USER may take the « À discuter » flag off ACTION: the team only."""
    return user.has_perm(LOWER_FLAG) and writable(user, action.plan)


def action_to_write(request: HttpRequest, slug: str, code: str) -> Action:
    """The action SLUG/CODE for a write about the comité (404 if none, or a draft for whom
    does not manage plans); 403 with the reason on a closed plan."""
    require(request.user, VIEW_PLAN)
    action = get_object_or_404(Action.objects.select_related("plan"), plan__slug=slug, code=code)
    check_plan(request.user, action.plan, VIEW_PLAN)
    if not writable(request.user, action.plan):
        raise PermissionDenied(CLOSED_MESSAGE)
    return action


def decision_to_close(request: HttpRequest, slug: str, code: str, pk: int) -> Decision:
    """Decision PK of the action SLUG/CODE, if the user may mark it carried out (403)."""
    action = action_to_write(request, slug, code)
    decision = get_object_or_404(
        Decision.objects.taken().select_related("session", "done_by"), pk=pk, action=action
    )
    decision.action = action
    if not may_close_decision(request.user, decision):
        raise PermissionDenied
    return decision


def action_to_flag(request: HttpRequest, slug: str, code: str, *, lower: bool = False) -> Action:
    """The action SLUG/CODE, if the user may raise its « À discuter » flag (LOWER: take it
    off); 403 otherwise."""
    action = action_to_write(request, slug, code)
    if not (may_lower_flag if lower else may_flag)(request.user, action):
        raise PermissionDenied
    return action
