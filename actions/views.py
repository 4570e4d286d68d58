from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from essplan.roles import VIEW_PLAN

from .models import Action, Plan


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
    context = {
        "plan": plan,
        "axes": axes,
        "objective_count": len(objectives),
        "action_count": sum(len(objective.actions.all()) for objective in objectives),
    }
    return render(request, "actions/plan_detail.html", context)


@require_safe
@permission_required(VIEW_PLAN, raise_exception=True)
def action_detail(request, slug, code):
    action = get_object_or_404(
        Action.objects.select_related(
            "plan", "objective__axis", "pilot_direction"
        ).prefetch_related("associated_directions"),
        plan__slug=slug,
        code=code,
    )
    return render(request, "actions/action_detail.html", {"action": action, "plan": action.plan})
