from django.contrib import messages
from django.http import FileResponse
from django.middleware.csp import get_nonce
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from actions.access import can_edit, can_manage, plans, shared_copy
from committee.access import can_prepare, can_read_sessions
from essplan.datacache import PLANS, cached_value

from .access import (
    GENERATE,
    can_generate,
    get_report,
    report_to_publish,
    reports,
    session_minutes,
    session_to_minute,
)
from .dashboard import dashboard_body
from .forms import GenerateReportForm
from .jobs import start_minutes, start_report
from .minutes import minutes_refusal
from .models import MINUTES_AUDIENCE, PUBLISHED_AUDIENCE, minutes_title
from .search import search_everything
from .services import set_published

MAX_QUERY = 200


@require_safe
def home(request):
    """The comité de suivi's dashboard; ?plan=<slug>&annee=<year> choose what it shows."""
    readable = plans(request)
    choices, current = cached_value(
        "dashboard-plans",
        (can_manage(request.user),),
        lambda: (list(readable.order_by("-first_year", "title")), readable.current()),
        scopes=(PLANS,),
    )
    if not choices:
        return render(request, "reports/dashboard.html", {"plans": choices})
    plan = shared_copy(next((p for p in choices if p.slug == request.GET.get("plan")), current))
    try:
        year = int(request.GET.get("annee", ""))
    except ValueError:
        year = None
    if year not in plan.years:
        year = plan.current_year
    context = {
        "plans": choices,
        "plan": plan,
        "year": year,
        "years": list(plan.years),
        "body": dashboard_body(
            plan,
            year,
            can_edit=can_edit(request.user),
            committee=can_read_sessions(request.user),
            nonce=get_nonce(request),
        ),
    }
    return render(request, "reports/dashboard.html", context)


@require_safe
def search(request):
    """The header's search box: ?q=<text>."""
    readable = plans(request)
    text = request.GET.get("q", "").strip()[:MAX_QUERY]
    sections = search_everything(request.user, readable, text) if text else []
    return render(
        request,
        "reports/search.html",
        {"q": text, "sections": sections, "found": sum(len(s.rows) for s in sections)},
    )


def report_list_page(request, form, status=200):
    context = {
        "reports": reports(request).documents().select_related("plan", "generated_by"),
        "form": form,
        "can_generate": can_generate(request.user),
        "audience": PUBLISHED_AUDIENCE,
    }
    return render(request, "reports/report_list.html", context, status=status)


@require_safe
def report_list(request):
    readable = plans(request)
    reports(request)
    form = None
    if can_generate(request.user):
        current = readable.current()
        form = GenerateReportForm(
            initial={"plan": current, "year": current.current_year if current else None}
        )
    return report_list_page(request, form)


@require_POST
def report_generate(request):
    reports(request, perm=GENERATE)
    form = GenerateReportForm(request.POST)
    if not form.is_valid():
        return report_list_page(request, form, status=400)
    data = form.cleaned_data
    job = start_report(data["plan"], data["year"], data["kind"], request.user)
    return redirect(job.get_absolute_url())


@require_safe
def report_download(request, pk):
    report = get_report(request, pk)
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.filename,
        content_type="application/pdf",
    )


@require_POST
def report_publish(request, pk):
    report = report_to_publish(request, pk)
    published = request.POST.get("published") == "1"
    set_published(report, published)
    if published:
        messages.success(
            request, f"Cette version du document « {report.title} » est publiée : {report.audience}"
        )
    else:
        messages.success(request, f"Le document « {report.title} » n'est plus publié.")
    if report.session_id is not None:
        return redirect("reports:minutes", slug=report.plan.slug, pk=report.session_id)
    return redirect("reports:report_list")


@require_safe
def minutes(request, slug, pk):
    """The minutes of session PK: every version for the team, which generates and publishes
    them; the published one for the comité."""
    session, versions = session_minutes(request, slug, pk)
    prepares = can_prepare(request.user)
    context = {
        "session": session,
        "plan": session.plan,
        "title": minutes_title(session),
        "versions": versions.select_related("generated_by"),
        "can_prepare": prepares,
        "refusal": minutes_refusal(session) if prepares else None,
        "audience": MINUTES_AUDIENCE,
    }
    return render(request, "reports/minutes.html", context)


@require_POST
def minutes_generate(request, slug, pk):
    """Generate the minutes of session PK in a worker: a held session only."""
    session = session_to_minute(request, slug, pk)
    refusal = minutes_refusal(session)
    if refusal:
        messages.error(request, refusal)
        return redirect("reports:minutes", slug=slug, pk=pk)
    job = start_minutes(session, request.user)
    return redirect(job.get_absolute_url())
