"""Yearly follow-up of an action: progress updates and budget lines."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from essplan.views import edit_versioned

from ..access import DELETE_BUDGET, EDIT_BUDGET, EDIT_PROGRESS, get_action, get_budget_line
from ..forms import BudgetLineForm, ProgressUpdateForm
from ..models import BudgetLine, ProgressUpdate


@require_http_methods(["GET", "POST"])
def progress_edit(request, slug, code, year):
    action = get_action(request, slug, code, perm=EDIT_PROGRESS)
    if year not in action.plan.years:
        raise Http404("Année hors du plan.")
    update = ProgressUpdate.objects.filter(action=action, year=year).first()
    form = ProgressUpdateForm(
        request.POST or None, instance=update or ProgressUpdate(action=action, year=year)
    )
    return edit_versioned(
        request, form, template="actions/progress_form.html",
        context={"action": action, "plan": action.plan, "year": year, "creating": update is None},
        message=lambda saved: f"Le point d'avancement {year} de l'action {action.code} est enregistré.",
        success_url=lambda saved: action.get_absolute_url(),
        author=request.user,
    )


@require_http_methods(["GET", "POST"])
def budget_line_edit(request, slug, code, pk=None):
    if pk:
        line = get_budget_line(request, slug, code, pk, perm=EDIT_BUDGET)
        action = line.action
    else:
        action = get_action(request, slug, code, perm="actions.add_budgetline")
        line = BudgetLine(action=action)
    form = BudgetLineForm(request.POST or None, instance=line, plan=action.plan)
    return edit_versioned(
        request, form, template="actions/budget_line_form.html",
        context={"action": action, "plan": action.plan, "line": line if pk else None,
                 "creating": not pk},
        message=lambda saved: "La ligne budgétaire est enregistrée.",
        success_url=lambda saved: action.get_absolute_url(),
    )


@require_POST
def budget_line_delete(request, slug, code, pk):
    line = get_budget_line(request, slug, code, pk, perm=DELETE_BUDGET)
    line.delete()
    messages.success(request, f"La ligne « {line.label} » ({line.year}) est supprimée.")
    return redirect(line.action)
