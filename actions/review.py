"""The ESS team's review queue: the points of a campaign waiting for a decision, oldest
submission first, and the pilot's answer in a point's thread. The decision itself is
campaigns.review_point."""

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery

from essplan import notify

from .campaigns import campaign_refusal
from .models import ProgressUpdate, Review, ReviewComment


def in_queue_order(points):
    """POINTS with "submitted_at", the date of their latest submission (from the thread),
    oldest first: who has waited longest is read first. A point submitted before the thread
    was kept has no such date and comes first; ties go in the order of the action codes."""
    submissions = ReviewComment.objects.filter(
        point=OuterRef("pk"), review=Review.SUBMITTED
    ).order_by("-created_at", "-pk")
    return points.annotate(submitted_at=Subquery(submissions.values("created_at")[:1])).order_by(
        F("submitted_at").asc(nulls_first=True), "action__code_key"
    )


def queue(plan, year):
    """The points of PLAN's campaign of YEAR waiting for the ESS team (submitted), in queue
    order, each with its action (and its author, who submitted it)."""
    return in_queue_order(
        ProgressUpdate.objects.filter(action__plan=plan, year=year, review=Review.SUBMITTED)
    ).select_related("action", "author")


def next_in_queue(point):
    """The point to read after POINT, just decided: the next submitted point of its campaign
    in queue order, else the first one left (one another reviewer skipped), else None. Read
    as the code of its action, the only part its address needs, in one query."""
    codes = list(
        in_queue_order(
            ProgressUpdate.objects.filter(
                Q(review=Review.SUBMITTED) | Q(pk=point.pk),
                action__plan_id=point.action.plan_id,
                year=point.year,
            )
        ).values_list("pk", "action__code")
    )
    index = next(i for i, (pk, _) in enumerate(codes) if pk == point.pk)
    rest = codes[index + 1 :] + codes[:index]
    return rest[0][1] if rest else None


def reply_refusal(action, point):
    """Why a pilot may not answer in POINT's thread now (a French sentence), or None: only on
    a point sent back (« à revoir »), while the campaign of its year is open."""
    if point.review != Review.TO_REVISE:
        return (
            f"Ce point est {point.get_review_display().lower()} : vous ne pouvez répondre "
            "à l'équipe ESS que sur un point qu'elle vous a renvoyé."
        )
    return campaign_refusal(action, point.year)


class ReplyConflict(Exception):
    """The point left the state « à revoir » before the pilot's answer was saved."""


@transaction.atomic
def reply(point_id, *, text, user):
    """The pilot's answer to the ESS team in the thread of a point sent back: a comment that
    keeps the point's state, told to the team once the answer is committed. The point is
    locked, so that an answer never lands on a point resubmitted or decided meanwhile."""
    point = ProgressUpdate.objects.select_for_update().get(pk=point_id)
    if point.review != Review.TO_REVISE:
        raise ReplyConflict
    comment = ReviewComment.objects.create(point=point, author=user, review=point.review, text=text)
    notify.notify(notify.Kind.POINT_REPLIED, comment, notify.team())
    return comment
