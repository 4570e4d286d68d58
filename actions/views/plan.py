from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from essplan.roles import VIEW_PLAN

from ..access import get_plan
from ..budget import budget_totals
from ..models import Plan


@require_safe
@permission_required(VIEW_PLAN, raise_exception=True)
def home(request):
    plan = Plan.objects.current()
    if plan is not None:
        return redirect(plan)
    return redirect("plan_list")


@require_safe
@permission_required(VIEW_PLAN, raise_exception=True)
def plan_list(request):
    plans = Plan.objects.select_related("lead_direction").order_by("-first_year", "title")
    return render(request, "actions/plan_list.html", {"plans": plans})


@require_safe
@permission_required(VIEW_PLAN, raise_exception=True)
def plan_detail(request, slug):
    plan = get_object_or_404(
        Plan.objects.select_related("lead_direction").with_tree(), slug=slug
    )
    axes = plan.axes.all()
    objectives = [objective for axis in axes for objective in axis.objectives.all()]
    totals = budget_totals(plan, levels=["axis", "plan"])
    context = {
        "plan": plan,
        "axes": axes,
        "objective_count": len(objectives),
        "action_count": sum(len(objective.actions.all()) for objective in objectives),
        "budget": budget_summary(plan, axes, totals),
    }
    return render(request, "actions/plan_detail.html", context)


def budget_summary(plan, axes, totals):
    """Rows of the axis × year budget table, the plan's total and what remains of the envelope."""
    total = totals.get("plan", plan.pk)
    return {
        "years": list(plan.years),
        "rows": [(axis, totals.by_year("axis", axis.pk, plan.years), totals.get("axis", axis.pk))
                 for axis in axes],
        "by_year": totals.by_year("plan", plan.pk, plan.years),
        "total": total,
        "remaining": None if plan.budget_envelope is None else plan.budget_envelope - total.net,
    }


@require_safe
def plan_budget(request, slug):
    plan = get_plan(request, slug, queryset=Plan.objects.with_tree())
    axes = plan.axes.all()
    totals = budget_totals(plan)
    years = list(plan.years)
    rows = []
    for axis in axes:
        rows.append(("axis", axis, totals.by_year("axis", axis.pk, years), totals.get("axis", axis.pk)))
        for objective in axis.objectives.all():
            rows.append(("objective", objective, totals.by_year("objective", objective.pk, years),
                         totals.get("objective", objective.pk)))
            for action in objective.actions.all():
                total = totals.get("action", action.pk)
                if total.planned or total.revenue or total.committed or total.spent:
                    rows.append(("action", action, totals.by_year("action", action.pk, years), total))
    context = {"plan": plan, "years": years, "rows": rows,
               "budget": budget_summary(plan, axes, totals)}
    return render(request, "actions/plan_budget.html", context)
