"""Yearly follow-up of an action: progress updates, their supporting documents, budget
lines."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from essplan.french import count, percent
from essplan.views import delete_confirmed, edit_versioned

from .. import campaigns, decisions
from ..access import (
    DELETE_BUDGET,
    EDIT_BUDGET,
    EDIT_PROGRESS,
    budget_entry,
    get_action,
    get_budget_line,
    is_team,
    may_close_decisions,
)
from ..attachments import display_name
from ..decision_forms import ticked
from ..forms import BudgetLineForm, ProgressUpdateForm
from ..models import Attachment, BudgetLine, ProgressUpdate, Review


@require_http_methods(["GET", "POST"])
def progress_edit(request, slug, code, year):
    """A point's form, its documents joined in the same submission, with last year's point
    beside it to start from."""
    action = get_action(request, slug, code, perm=EDIT_PROGRESS, year=year)
    if year not in action.plan.years:
        raise Http404("Année hors du plan.")
    points = {
        point.year: point
        for point in ProgressUpdate.objects.filter(action=action, year__in=[year - 1, year])
    }
    for point in points.values():
        point.action = action
    update, last_year = points.get(year), points.get(year - 1)
    team = is_team(request.user)
    context = {
        "action": action,
        "plan": action.plan,
        "year": year,
        "creating": update is None,
        "point": update,
        "last_year": last_year,
        "pilot": not team,
        "attachments": update.attachments.select_related("uploaded_by") if update else [],
        "comments": update.comments.select_related("author") if update else [],
    }
    if not team:
        refusal = campaigns.pilot_refusal(action, year, update)
        if refusal:
            return render(
                request,
                "actions/progress_refused.html",
                {**context, "refusal": refusal},
                status=403,
            )
    form = ProgressUpdateForm(
        request.POST or None,
        request.FILES or None,
        instance=update or ProgressUpdate(action=action, year=year),
        decisions=(
            decisions.to_close(action, ticked(request.POST))
            if may_close_decisions(request.user, action)
            else ()
        ),
    )
    if team:
        # The ESS team's own entry needs no validation; a pilot's point keeps its state.
        review = update.review if update else Review.VALIDATED
    else:
        review = Review.SUBMITTED if "submit" in request.POST else Review.DRAFT
    return edit_versioned(
        request,
        form,
        template="actions/progress_form.html",
        context=context,
        message=lambda saved: saved_point_message(
            request, saved, len(form.cleaned_data["attachments"])
        ),
        success_url=lambda saved: action.get_absolute_url(),
        saver=campaigns.save_point,
        user=request.user,
        review=review,
    )


def saved_point_message(request, point, joined):
    """The confirmation of a saved point (and of the JOINED documents saved with it), and a
    warning when its percentage went down."""
    previous = point.previous()
    if previous and point.progress < previous.progress:
        messages.warning(
            request,
            (
                f"L'avancement de l'action {point.action.code} baisse : {percent(previous.progress)} "
                f"au point {previous.year}, {percent(point.progress)} au point {point.year}. "
                "Vérifiez que c'est voulu, et dites pourquoi dans « Difficultés rencontrées »."
            ),
        )
    documents = (
        f" ({count(joined, 'justificatif joint', 'justificatifs joints')})" if joined else ""
    )
    pilot = not is_team(request.user)
    if pilot and point.review == Review.SUBMITTED:
        return (
            f"Le point d'avancement {point.year} de l'action {point.action.code}{documents} "
            "est soumis à l'équipe ESS."
        )
    if pilot and point.review == Review.DRAFT:
        return (
            f"Le brouillon du point {point.year} de l'action {point.action.code}{documents} "
            "est enregistré : soumettez-le quand il est prêt."
        )
    return (
        f"Le point d'avancement {point.year} de l'action {point.action.code}{documents} "
        "est enregistré."
    )


@require_http_methods(["GET", "POST"])
def budget_line_edit(request, slug, code, pk=None):
    if pk:
        line, years = get_budget_line(request, slug, code, pk, perm=EDIT_BUDGET)
        action = line.action
    else:
        action, years = budget_entry(request, slug, code)
        line = BudgetLine(action=action, created_by=request.user)
    form = BudgetLineForm(request.POST or None, instance=line, plan=action.plan, years=years)
    return edit_versioned(
        request,
        form,
        template="actions/budget_line_form.html",
        context={
            "action": action,
            "plan": action.plan,
            "line": line if pk else None,
            "creating": not pk,
        },
        message=lambda saved: "La ligne budgétaire est enregistrée.",
        success_url=lambda saved: action.get_absolute_url(),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def budget_line_delete(request, slug, code, pk):
    line, _ = get_budget_line(request, slug, code, pk, perm=DELETE_BUDGET)
    action = line.action
    return delete_confirmed(
        request,
        line,
        question=f"Supprimer la ligne budgétaire « {line.label} » ({line.year}) "
        f"de l'action {action.code} ?",
        crumbs=[
            (action.plan.title, action.plan.get_absolute_url()),
            (f"Action {action.code}", action.get_absolute_url()),
        ],
        cancel_url=action.get_absolute_url(),
        message=f"La ligne « {line.label} » ({line.year}) est supprimée.",
        success_url=action.get_absolute_url(),
    )


def followed_point(request, slug, code, year):
    """The point of YEAR of an action whose follow-up the user records, or 403/404; a pilot
    only while the campaign is open and the point is its to change."""
    action = get_action(request, slug, code, perm=EDIT_PROGRESS, year=year)
    point = get_object_or_404(ProgressUpdate, action=action, year=year)
    if not is_team(request.user):
        refusal = campaigns.pilot_refusal(action, year, point)
        if refusal:
            raise PermissionDenied(refusal)
    return action, point


@require_POST
def attachment_delete(request, slug, code, year, pk):
    action, point = followed_point(request, slug, code, year)
    attachment = get_object_or_404(Attachment, pk=pk, point=point)
    attachment.file.delete(save=False)
    attachment.delete()
    messages.success(request, f"Le justificatif « {attachment.name} » est retiré.")
    return redirect(action.url("actions:progress_edit", year=year))


@require_safe
def attachment_download(request, slug, code, year, pk):
    """Only through here, for a reader of the plan: never from a public URL."""
    action = get_action(request, slug, code)
    attachment = get_object_or_404(Attachment, pk=pk, point__action=action, point__year=year)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=display_name(attachment.name, attachment.content_type),
        content_type=attachment.content_type,
    )
