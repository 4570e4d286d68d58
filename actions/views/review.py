"""The ESS team's review of the pilots' points: the queue of a campaign's submitted points,
one page per point to read it whole and decide, then on to the next; the same page lets
the pilots of the action re-read what they sent and answer the team."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from essplan.views import paginate

from .. import campaigns, review
from ..access import REVIEW, get_plan, get_point
from ..forms import ReplyForm, ReviewForm
from ..models import Campaign, ProgressUpdate, Review
from .campaigns import name_pilots

QUEUE_PAGE = 50
ALL_READ = "Tous les points soumis sont relus."


@require_safe
def review_queue(request, slug, year):
    """« À valider »: every submitted point of the campaign, oldest submission first."""
    plan = get_plan(request, slug, perm=REVIEW, year=year)
    campaign = get_object_or_404(Campaign, plan=plan, year=year)
    campaign.plan = plan  # its link: not read again
    pagination = paginate(request, review.queue(plan, year), QUEUE_PAGE)
    name_pilots([point.action for point in pagination["page"]], plan)
    return render(
        request, "actions/review_queue.html", {"plan": plan, "campaign": campaign, **pagination}
    )


@require_http_methods(["GET", "POST"])
def point_review(request, slug, code, year):
    """One point, whole, beside last year's, with its thread. The ESS team validates it or
    sends it back, then goes on to the next submitted point of the campaign. A decision on
    a point changed meanwhile is refused, and the page shows the point as it now is, the
    comment typed kept in its box (409)."""
    point, decides, pilot = get_point(request, slug, code, year)
    if request.method == "POST" and not decides:
        raise PermissionDenied
    form = ReviewForm(request.POST or None, initial={"version": point.version})
    conflict = False
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            campaigns.review_point(
                point.pk,
                version=form.cleaned_data["version"],
                decision=decision,
                text=form.cleaned_data["text"].strip(),
                user=request.user,
            )
        except campaigns.ReviewConflict:
            conflict = True
            point.refresh_from_db(
                fields=[
                    "version",
                    "review",
                    "status",
                    "progress",
                    "date",
                    "achievements",
                    "difficulties",
                    "next_steps",
                    "author",
                ]
            )
            form = ReviewForm(initial={"version": point.version, "text": form.cleaned_data["text"]})
        else:
            outcome = "validé" if decision == Review.VALIDATED else "renvoyé au pilote"
            messages.success(request, f"Le point {year} de l'action {code} est {outcome}.")
            return redirect(after_decision(request, point))
    context = point_context(point, decides=decides, pilot=pilot)
    return render(
        request,
        "actions/point_review.html",
        {**context, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


def point_context(point, *, decides, pilot):
    """What the point's page shows: the point with its attachments and thread, last year's
    point, the action's pilots, the campaign (its queue) and what the user may do there."""
    action = point.action
    name_pilots([action], action.plan)
    comments = list(point.comments.select_related("author"))
    submissions = [comment.created_at for comment in comments if comment.review == Review.SUBMITTED]
    refusal = review.reply_refusal(action, point) if pilot else None
    campaign = Campaign.objects.filter(plan=action.plan, year=point.year).first()
    if campaign is not None:
        campaign.plan = action.plan  # its link: not read again
    return {
        "action": action,
        "plan": action.plan,
        "point": point,
        "year": point.year,
        "attachments": point.attachments.select_related("uploaded_by"),
        "comments": comments,
        "submitted_at": submissions[-1] if submissions else None,
        "previous": (
            ProgressUpdate.objects.filter(action=action, year=point.year - 1)
            .select_related("author")
            .first()
        ),
        "campaign": campaign,
        "decides": decides and point.review == Review.SUBMITTED,
        "team": decides,
        "pilot": pilot,
        "reply_form": ReplyForm() if pilot and refusal is None else None,
        "may_correct": pilot and campaigns.pilot_refusal(action, point.year, point) is None,
    }


def after_decision(request, point):
    """The next submitted point of the campaign, or its queue once none is left (the action's
    page if the year has no campaign: a point the ESS team entered on its own)."""
    action = point.action
    code = review.next_in_queue(point)
    if code is not None:
        return reverse(
            "actions:point_review",
            kwargs={"slug": action.plan.slug, "code": code, "year": point.year},
        )
    if not Campaign.objects.filter(plan_id=action.plan_id, year=point.year).exists():
        return action.get_absolute_url()
    messages.info(request, ALL_READ)
    return reverse("actions:review_queue", kwargs={"slug": action.plan.slug, "year": point.year})


@require_POST
def point_reply(request, slug, code, year):
    """A pilot answers the ESS team in the thread of a point sent back."""
    point, _, pilot = get_point(request, slug, code, year)
    if not pilot:
        raise PermissionDenied
    refusal = review.reply_refusal(point.action, point)
    if refusal:
        raise PermissionDenied(refusal)
    form = ReplyForm(request.POST)
    url = point.action.url("actions:point_review", year=year)
    if not form.is_valid():
        context = point_context(point, decides=False, pilot=pilot)
        return render(request, "actions/point_review.html", {**context, "reply_form": form})
    text = form.cleaned_data["text"].strip()
    try:
        review.reply(point.pk, text=text, user=request.user)
    except review.ReplyConflict:
        messages.error(
            request,
            "Ce point n'est plus à revoir : votre réponse n'est pas "
            f"envoyée. La voici, pour la reprendre si besoin : « {text} »",
        )
        return redirect(url)
    messages.success(request, "Votre réponse est envoyée à l'équipe ESS.")
    return redirect(url)
