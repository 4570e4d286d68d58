"""Where the plan stands: every figure of the dashboard, aggregated in PostgreSQL.

The number of queries is fixed: it does not grow with actions, structures or events.
The page's body is rendered once and cached until the data it prints change (essplan.datacache):
a reading costs the shell of the page and one string replacement (the CSP nonce).
"""

from django.template.loader import render_to_string
from django.utils import timezone

from actions.budget import budget_summary, budget_totals
from actions.campaigns import completion
from actions.decisions import decision_figures
from actions.figures import (
    actions_of_year,
    late_actions,
    progress_of,
    reference_date,
    status_counts,
)
from actions.models import WAITING, Action, Event, ProgressUpdate, Review
from essplan.datacache import ACCOUNTS, PAGE, PLANS, cached, cached_value
from essplan.nonce import NONCE_SLOT, with_nonce
from indicators.charts import budget_bars, status_donut
from indicators.key import key_indicator_rows

RECENT = 6
LATE_LISTED = 10  # the most overdue; the action list shows them all
WAITING_LISTED = 10  # the first in code order; the campaign page shows them all


def _branches(actions, key, fields):
    """ACTIONS grouped by KEY(action) in order, each group's FIELDS, count and progress."""
    groups = {}
    for action in actions:
        groups.setdefault(key(action), []).append(action)
    return [
        {**fields(group[0]), "count": len(group), "progress": progress_of(group).average}
        for _, group in sorted(groups.items())
    ]


@cached(PLANS)
def progress_figures(plan, year):
    """The actions' figures for YEAR on its date of reference (actions.figures)."""
    as_of = reference_date(year)
    actions = list(
        actions_of_year(plan, year).select_related("plan", "objective__axis").order_by("code_key")
    )
    statuses = status_counts(actions)
    late = late_actions(actions)
    axes = _branches(
        actions,
        lambda action: action.objective.axis.number,
        lambda action: {
            "objective__axis__number": action.objective.axis.number,
            "objective__axis__title": action.objective.axis.title,
        },
    )
    objectives = _branches(
        actions,
        lambda action: (action.objective.axis.number, tuple(action.objective.code_key)),
        lambda action: {
            "objective__code": action.objective.code,
            "objective__title": action.objective.title,
        },
    )
    return {
        "as_of": as_of,
        "past": as_of < timezone.localdate(),
        "overall": progress_of(actions),
        "axes": axes,
        "objectives": objectives,
        "statuses": statuses,
        "status_count": {value: n for value, _, n in statuses},
        "late": late[:LATE_LISTED],
        "late_count": len(late),
        "without_update": sum(1 for action in actions if action.status_year != year),
    }


@cached(PLANS, ACCOUNTS)
def campaign_figures(plan, year):
    """The campaign of YEAR, if opened: its completion by direction and the actions still
    waiting for their pilots (named: the accounts' version keys it too); and how many points of YEAR are not validated yet."""
    unvalidated = (
        ProgressUpdate.objects.filter(action__plan=plan, year=year)
        .exclude(review=Review.VALIDATED)
        .count()
    )
    campaign = plan.campaigns.filter(year=year).first()
    if campaign is None:
        return {"campaign": None, "unvalidated": unvalidated}
    waiting = list(
        Action.objects.filter(plan=plan)
        .with_review(year)
        .filter(review__in=WAITING)
        .select_related("plan")
        .order_by("code_key")
        .prefetch_related("pilots")[:WAITING_LISTED]
    )
    return {
        "campaign": campaign,
        "completion": completion(plan, year),
        "waiting": waiting,
        "unvalidated": unvalidated,
    }


@cached(PLANS)
def budget_figures(plan):
    """The axis × year table and the totals against the envelope."""
    axes = list(plan.axes.order_by("number"))
    summary = budget_summary(plan, axes, budget_totals(plan, levels=["axis", "plan"]))
    envelope = plan.budget_envelope
    return {**summary, "spent_share": summary["total"].spent * 100 / envelope if envelope else None}


def dashboard(plan, year, *, committee=False):
    """Every figure of the dashboard; its charts' style elements carry NONCE_SLOT. COMMITTEE:
    with the comité's block (its next session, its decisions open and late), for who reads
    the sessions."""
    progress = progress_figures(plan, year)
    budget = budget_figures(plan)
    return {
        **progress,
        "committee": decision_figures(plan) if committee else None,
        **campaign_figures(plan, year),
        "status_chart": status_donut(statuses=progress["statuses"], nonce=NONCE_SLOT),
        "budget": budget,
        "budget_chart": budget_bars(amounts=budget["total"], plan=plan, nonce=NONCE_SLOT),
        "indicators": key_indicator_rows(plan),
        "updates": list(
            ProgressUpdate.objects.filter(action__plan=plan)
            .select_related("action__plan", "author")
            .order_by("-date", "-pk")[:RECENT]
        ),
        "events": list(
            Event.objects.filter(plan=plan, date__gte=timezone.localdate()).order_by("date")[
                :RECENT
            ]
        ),
    }


def dashboard_body(plan, year, *, can_edit, committee=False, nonce=None):
    """The dashboard below its title, as HTML rendered once per version of what a page prints
    (the plans, the directory's figures, the accounts: the latest points name their authors,
    the waiting actions their pilots), per plan, year, day, whether the reader edits (the to-do line) and reads the comité's sessions (COMMITTEE); given the NONCE of the page (None: no nonce)."""
    html = cached_value(
        "dashboard-body",
        (plan.pk, year, can_edit, committee),
        lambda: render_to_string(
            "reports/includes/dashboard_body.html",
            {
                "plan": plan,
                "year": year,
                "can_edit": can_edit,
                **dashboard(plan, year, committee=committee),
            },
        ),
        scopes=PAGE,
    )
    return with_nonce(html, nonce)
