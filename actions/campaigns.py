"""The rules of the yearly campaign: when a pilot may enter a point, its review, and
where the campaign stands."""

from collections import Counter, defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from essplan import notify
from essplan.french import rounded
from essplan.versioning import save_form

from . import attachments, decisions
from .models import REVIEW_STATES, WAITING, Action, ProgressUpdate, Review, ReviewComment

# The states of a point a pilot may still change; submitted or validated, it waits for the
# ESS team (which may send it back).
PILOT_EDITABLE = {None, Review.DRAFT, Review.TO_REVISE}


def campaign_refusal(action, year, today=None, *, what="ce point"):
    """Why a pilot may not write ACTION's follow-up of YEAR now (a French sentence about
    WHAT), or None: only while the campaign of YEAR is open. Points and budget lines follow
    this one rule."""
    campaign = action.plan.campaigns.filter(year=year).first()
    if campaign is None:
        return (
            f"Aucune campagne de suivi {year} n'est ouverte pour ce plan : l'équipe ESS "
            "vous préviendra par courriel quand elle l'ouvrira."
        )
    if not campaign.is_open(today):
        if campaign.closed_on:
            return (
                f"La campagne de suivi {year} est close depuis le "
                f"{campaign.closed_on:%d/%m/%Y} : pour corriger {what}, écrivez à "
                "l'équipe ESS."
            )
        return f"La campagne de suivi {year} ouvrira le {campaign.opens_on:%d/%m/%Y}."
    return None


def pilot_refusal(action, year, point, today=None):
    """Why a pilot may not enter ACTION's point of YEAR now (a French sentence), or None."""
    refusal = campaign_refusal(action, year, today)
    if refusal:
        return refusal
    if point is not None and point.review not in PILOT_EDITABLE:
        return (
            f"Ce point est {point.get_review_display().lower()} : il attend l'équipe ESS, "
            "qui peut vous le renvoyer pour correction."
        )
    return None


class ReviewConflict(Exception):
    """The point changed since the reviewer opened it, or is not in a state to review."""


@transaction.atomic
def review_point(point_id, *, version, decision, text, user):
    """The ESS team validates a submitted point or sends it back with TEXT; the decision
    and its comment are one write. The point is locked and its VERSION checked, so that a
    pilot's change made meanwhile is never validated unseen."""
    point = ProgressUpdate.objects.select_for_update().get(pk=point_id)
    if point.version != version or point.review != Review.SUBMITTED:
        raise ReviewConflict
    point.review = decision
    point.save(update_fields=["review"])
    comment = ReviewComment.objects.create(point=point, author=user, review=decision, text=text)
    kind = (
        notify.Kind.POINT_VALIDATED if decision == Review.VALIDATED else notify.Kind.POINT_SENT_BACK
    )
    notify.notify(kind, comment, point.action.pilots.all())
    return comment


def save_point(*, form, user, review):
    """Save a point's form with its author and state, and the documents it joins, all or
    nothing; a submission enters the thread and is told to the ESS team. Called outside any
    transaction: if this one rolls back, the files it stored are removed."""
    with attachments.removed_on_failure() as written, transaction.atomic():
        point = save_form(form=form, author=user, review=review)
        attachments.attach(point, form.cleaned_data["attachments"], user, written)
        decisions.close_all(form.cleaned_data.get("closings", []), user=user)
        if review == Review.SUBMITTED:
            comment = ReviewComment.objects.create(point=point, author=user, review=review)
            notify.notify(notify.Kind.POINT_SUBMITTED, comment, notify.team())
        return point


def running(plan, today=None):
    """PLAN's campaigns open on TODAY, each with its points awaited from the pilots and those
    submitted not yet reviewed: what adopting the next plan leaves running (to the due date:
    Campaign.is_open; "over": its due date passed, it ends with the adoption)."""
    today = today or timezone.localdate()
    found = []
    for campaign in plan.campaigns.open(today).order_by("year"):
        states = {value: number for value, _, number in completion(plan, campaign.year)["states"]}
        found.append(
            {
                "campaign": campaign,
                "over": campaign.due_on < today,
                "awaited": sum(states[state] for state in WAITING),
                "submitted": states[Review.SUBMITTED],
            }
        )
    return found


def _reported(counts):
    """Of COUNTS by review state, the points submitted or validated."""
    return counts[Review.SUBMITTED] + counts[Review.VALIDATED]


def completion(plan, year):
    """Where PLAN's campaign of YEAR stands: actions by state, overall and by pilot direction
    (one query). "reported" counts the points submitted or validated; "submitted", those
    waiting for the ESS team's review."""
    rows = (
        Action.objects.filter(plan=plan)
        .with_review(year)
        .order_by()
        .values("pilot_direction__name", "review")
        .annotate(n=Count("pk"))
    )
    states = Counter()
    directions = defaultdict(Counter)
    for row in rows:
        states[row["review"]] += row["n"]
        directions[row["pilot_direction__name"] or "Direction pilote non précisée"][
            row["review"]
        ] += row["n"]
    total = sum(states.values())
    reported = _reported(states)
    return {
        "total": total,
        "reported": reported,
        "validated": states[Review.VALIDATED],
        "submitted": states[Review.SUBMITTED],
        "percent": int(rounded(100 * reported / total)) if total else 0,
        "states": [(value, label, states[value]) for value, label in REVIEW_STATES],
        "directions": [
            {
                "name": name,
                "total": sum(counts.values()),
                "reported": _reported(counts),
                "validated": counts[Review.VALIDATED],
            }
            for name, counts in sorted(directions.items())
        ],
    }


class RowConflict(Exception):
    """Someone saved the point after the bulk page was opened: STORED is what they saved."""

    def __init__(self, stored):
        super().__init__("row conflict")
        self.stored = stored


@transaction.atomic
def save_row(*, action, year, version, status, progress, user):
    """One row of the bulk entry: the point of YEAR of ACTION gets STATUS and PROGRESS if it
    is still at VERSION (None: if it still does not exist). The ESS team's entry."""
    point = ProgressUpdate.objects.select_for_update().filter(action=action, year=year).first()
    if (point.version if point else None) != version:
        raise RowConflict(point)
    if point is None:
        try:
            with transaction.atomic():
                return ProgressUpdate.objects.create(
                    action=action,
                    year=year,
                    status=status,
                    progress=progress,
                    author=user,
                    review=Review.VALIDATED,
                )
        except IntegrityError:  # created by someone else at the same moment
            raise RowConflict(ProgressUpdate.objects.get(action=action, year=year)) from None
    point.status, point.progress, point.author = status, progress, user
    point.save(update_fields=["status", "progress", "author"])
    point.refresh_from_db(fields=["version"])  # moved on by the database trigger
    return point
