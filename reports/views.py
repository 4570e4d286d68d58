from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse
from django.middleware.csp import get_nonce
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from actions.models import Plan
from essplan.roles import VIEW_PLAN, require

from .dashboard import dashboard
from .forms import GenerateReportForm
from .models import GENERATE, PUBLISH, VIEW, AnnualReport
from .services import generate_report, set_published


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


def report_list_page(request, form, status=200):
    reports = (AnnualReport.objects.visible_to(request.user)
               .select_related("plan", "generated_by"))
    context = {"reports": reports, "form": form,
               "can_generate": request.user.has_perm(GENERATE)}
    return render(request, "reports/report_list.html", context, status=status)


@require_safe
def report_list(request):
    require(request.user, VIEW)
    form = None
    if request.user.has_perm(GENERATE):
        current = Plan.objects.current()
        form = GenerateReportForm(initial={"plan": current,
                                           "year": current.current_year if current else None})
    return report_list_page(request, form)


@require_POST
def report_generate(request):
    require(request.user, GENERATE)
    form = GenerateReportForm(request.POST)
    if not form.is_valid():
        return report_list_page(request, form, status=400)
    report = generate_report(form.cleaned_data["plan"], form.cleaned_data["year"], user=request.user)
    messages.success(request, f"Le rapport {report.year} du « {report.plan.title} » est généré "
                              f"({report.page_count} pages).")
    return redirect("report_list")


@require_safe
def report_download(request, pk):
    require(request.user, VIEW)
    report = get_object_or_404(AnnualReport.objects.visible_to(request.user).select_related("plan"),
                               pk=pk)
    return FileResponse(report.file.open("rb"), as_attachment=True, filename=report.filename,
                        content_type="application/pdf")


@require_POST
def report_publish(request, pk):
    require(request.user, PUBLISH)
    report = get_object_or_404(AnnualReport.objects.select_related("plan"), pk=pk)
    published = request.POST.get("published") == "1"
    set_published(report, published)
    if published:
        messages.success(request, f"Cette version du rapport {report.year} est publiée : le comité "
                                  "de suivi peut la télécharger.")
    else:
        messages.success(request, f"Le rapport {report.year} n'est plus publié.")
    return redirect("report_list")
