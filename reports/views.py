from django.contrib.auth.decorators import permission_required
from django.middleware.csp import get_nonce
from django.shortcuts import render
from django.views.decorators.http import require_safe

from actions.models import Plan
from essplan.roles import VIEW_PLAN

from .dashboard import dashboard


@require_safe
@permission_required(VIEW_PLAN, raise_exception=True)
def home(request):
    """The comité de suivi's dashboard; ?plan=<slug>&annee=<year> choose what it shows."""
    plans = list(Plan.objects.order_by("-first_year", "title"))
    if not plans:
        return render(request, "reports/dashboard.html", {"plans": plans})
    current = Plan.objects.current()
    plan = next((p for p in plans if p.slug == request.GET.get("plan")), current)
    try:
        year = int(request.GET.get("annee", ""))
    except ValueError:
        year = None
    if year not in plan.years:
        year = plan.current_year
    context = {"plans": plans, "plan": plan, "year": year, "years": list(plan.years),
               "can_edit": request.user.has_perm("actions.change_action"),
               **dashboard(plan, year, nonce=get_nonce(request))}
    return render(request, "reports/dashboard.html", context)
