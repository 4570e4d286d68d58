"""Yearly follow-up of an action: progress updates and budget lines."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from essplan.versioning import save_or_conflict

from ..access import EDIT_FOLLOWUP, get_action
from ..forms import BudgetLineForm, ProgressUpdateForm
from ..models import BudgetLine, ProgressUpdate


@require_http_methods(["GET", "POST"])
def progress_edit(request, slug, code, year):
    action = get_action(request, slug, code, perm=EDIT_FOLLOWUP["progressupdate"])
    if year not in action.plan.years:
        raise Http404("Année hors du plan.")
    update = ProgressUpdate.objects.filter(action=action, year=year).first()
    creating = update is None
    form = ProgressUpdateForm(
        request.POST or None, instance=update or ProgressUpdate(action=action, year=year)
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        conflict = save_or_conflict(form, author=request.user)
        if conflict is None:
            messages.success(request, f"Le point d'avancement {year} de l'action {action.code} est enregistré.")
            return redirect(action)
    context = {"action": action, "plan": action.plan, "form": form, "year": year,
               "creating": creating, "conflict": conflict}
    return render(request, "actions/progress_form.html", context, status=409 if conflict else 200)


@require_http_methods(["GET", "POST"])
def budget_line_edit(request, slug, code, pk=None):
    action = get_action(request, slug, code, perm=EDIT_FOLLOWUP["budgetline"])
    line = get_object_or_404(BudgetLine, pk=pk, action=action) if pk else None
    creating = line is None
    form = BudgetLineForm(
        request.POST or None, instance=line or BudgetLine(action=action), plan=action.plan
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        conflict = save_or_conflict(form)
        if conflict is None:
            messages.success(request, "La ligne budgétaire est enregistrée.")
            return redirect(action)
    context = {"action": action, "plan": action.plan, "form": form, "line": line,
               "creating": creating, "conflict": conflict}
    return render(request, "actions/budget_line_form.html", context, status=409 if conflict else 200)


@require_POST
def budget_line_delete(request, slug, code, pk):
    action = get_action(request, slug, code, perm="actions.delete_budgetline")
    line = get_object_or_404(BudgetLine, pk=pk, action=action)
    line.delete()
    messages.success(request, f"La ligne « {line.label} » ({line.year}) est supprimée.")
    return redirect(action)
