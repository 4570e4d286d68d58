from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from essplan.exports import FORMATS, requested_export

from ..access import MANAGE_PLAN, can_edit, can_manage, get_plan, plans, readable_plans, writable
from ..budget import budget_summary, budget_totals, council_budget, deliberation_budget
from ..forms import PublicationForm
from ..models import BudgetLine, Plan
from ..resources import BudgetLineResource


@require_safe
def plan_list(request):
    context = {
        "plans": plans(request).select_related("lead_direction").order_by("-first_year", "title")
    }
    return render(request, "actions/plan_list.html", context)


@require_safe
def plan_detail(request, slug):
    plan = get_plan(
        request,
        slug,
        queryset=Plan.objects.select_related("lead_direction", "previous").with_tree(),
    )
    axes = plan.axes.all()
    objectives = [objective for axis in axes for objective in axis.objectives.all()]
    totals = budget_totals(plan, levels=["axis", "plan"])
    context = {
        "plan": plan,
        "can_manage": can_manage(request.user),
        "can_name_pilots": can_edit(request.user) and writable(request.user, plan),
        # Read only on a closed plan's page.
        "next_plans": readable_plans(request.user, Plan.objects.filter(previous=plan)),
        "axes": axes,
        "objective_count": len(objectives),
        "action_count": sum(len(objective.actions.all()) for objective in objectives),
        "budget": budget_summary(plan, axes, totals),
        "publication": PublicationForm(
            initial={"is_public": plan.is_public, "public_point_fields": plan.public_point_fields}
        ),
    }
    return render(request, "actions/plan_detail.html", context)


@require_POST
def plan_publication(request, slug):
    """An administrator publishes a plan on the public site, or withdraws it (one UPDATE: the
    history records it; the public pages read the plan afresh)."""
    plan = get_plan(request, slug, perm=MANAGE_PLAN)
    form = PublicationForm(request.POST)
    if plan.state == Plan.State.DRAFT:
        messages.error(request, "Un brouillon ne se publie pas : adoptez d'abord le plan.")
        return redirect(plan)
    if not form.is_valid():
        messages.error(request, "Choix de publication invalide : rien n'a changé.")
        return redirect(plan)
    Plan.objects.filter(pk=plan.pk).update(**form.cleaned_data)
    messages.success(
        request,
        f"« {plan.title} » est publié sur le site public."
        if form.cleaned_data["is_public"]
        else f"« {plan.title} » n'est pas publié sur le site public.",
    )
    return redirect(plan)


@require_safe
def plan_budget(request, slug):
    plan = get_plan(request, slug, queryset=Plan.objects.with_tree())
    lines = (
        BudgetLine.objects.filter(action__plan=plan)
        .select_related("action")
        .order_by("action__code_key", "year", "section", "flow", "chapter", "label")
    )
    if export := requested_export(
        request,
        BudgetLineResource,
        lines,
        f"budget-{plan.slug}",
        subject=f"Lignes budgétaires du plan « {plan.title} »",
    ):
        return export
    axes = plan.axes.all()
    totals = budget_totals(plan)
    years = list(plan.years)
    budget = budget_summary(plan, axes, totals)
    # Cut by section as the axis table is (one group when it is not).
    tree = [(group["label"], _budget_tree(group, totals, years)) for group in budget["sections"]]
    context = {
        "plan": plan,
        "years": years,
        "tree": tree,
        "council": council_budget(plan),
        "deliberation": deliberation_budget(plan),
        "export_formats": FORMATS,
        "budget": budget,
    }
    return render(request, "actions/plan_budget.html", context)


def _budget_tree(group, totals, years):
    """(level, node, amounts by year, total) of the axes of GROUP (a section of the axis
    table), of their objectives, and of their actions that have amounts in that section."""
    section, rows = group["section"], []
    for axis, by_year, total in group["rows"]:
        rows.append(("axis", axis, by_year, total))
        for objective in axis.objectives.all():
            rows.append(
                (
                    "objective",
                    objective,
                    totals.by_year("objective", objective.pk, years, section),
                    totals.get("objective", objective.pk, section=section),
                )
            )
            for action in objective.actions.all():
                total = totals.get("action", action.pk, section=section)
                if not total.is_empty:
                    rows.append(
                        (
                            "action",
                            action,
                            totals.by_year("action", action.pk, years, section),
                            total,
                        )
                    )
    return rows
