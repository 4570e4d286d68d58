"""Writes of the report archive: generating a report or a session's minutes, publishing a
version."""

import datetime
import hashlib
from collections.abc import Callable

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from actions.models import Plan, Session

from .annual import report_context
from .evaluation import evaluation_context
from .minutes import minutes_html, minutes_refusal
from .models import AnnualReport, Kind
from .pdf import Pdf, render_pdf


class MinutesRefused(Exception):
    """The session has no minutes yet: the French message says why."""


def report_html(
    plan: Plan,
    year: int,
    *,
    generated_at: datetime.datetime | None = None,
    generated_by: User | None = None,
) -> str:
    """The report's HTML, in French whatever the caller's language."""
    generated_at = timezone.localtime(generated_at)
    with translation.override("fr"):
        context = report_context(plan, year, generated_at=generated_at, generated_by=generated_by)
        return render_to_string("reports/annual/report.html", context)


def evaluation_html(
    plan: Plan, *, generated_at: datetime.datetime | None = None, generated_by: User | None = None
) -> str:
    """The evaluation report's HTML (the whole period of PLAN), in French."""
    generated_at = timezone.localtime(generated_at)
    with translation.override("fr"):
        context = evaluation_context(plan, generated_at=generated_at, generated_by=generated_by)
        return render_to_string("reports/evaluation/report.html", context)


def generate_report(
    plan: Plan,
    year: int | None = None,
    *,
    user: User | None = None,
    kind: str = Kind.ANNUAL,
    progress: Callable[..., object] | None = None,
) -> AnnualReport:
    """Render the annual report of PLAN for YEAR (or, KIND being the evaluation, the report
    on its whole period) and archive it: the PDF in the media storage, its record (who,
    when, size, SHA-256, pages) in the database. PROGRESS, when given, hears of each step."""
    now = timezone.now()
    if progress:
        progress(step="Rassemblement des chiffres", done=0, total=3, unit="étapes")
    if kind == Kind.EVALUATION:
        year = plan.last_year
        html = evaluation_html(plan, generated_at=now, generated_by=user)
    elif year is None:
        raise ValueError("An annual report is of one year: YEAR is missing.")
    else:
        html = report_html(plan, year, generated_at=now, generated_by=user)
    pdf = render_pdf(html, progress)
    return archive(AnnualReport(plan=plan, kind=kind, year=year, generated_by=user), pdf, now)


def generate_minutes(
    session: Session,
    *,
    user: User | None = None,
    progress: Callable[..., object] | None = None,
) -> AnnualReport:
    """Render the minutes (« relevé de décisions ») of SESSION, held, and archive them as the
    reports are; MinutesRefused when the session is not held."""
    refusal = minutes_refusal(session)
    if refusal:
        raise MinutesRefused(refusal)
    now = timezone.now()
    if progress:
        progress(
            step="Rassemblement des présences et des décisions", done=0, total=3, unit="étapes"
        )
    pdf = render_pdf(minutes_html(session, generated_at=now, generated_by=user), progress)
    report = AnnualReport(
        plan=session.plan,
        kind=Kind.MINUTES,
        session=session,
        year=session.date.year,
        generated_by=user,
    )
    return archive(report, pdf, now)


def archive(report: AnnualReport, pdf: Pdf, now: datetime.datetime) -> AnnualReport:
    """Store PDF in the media storage and REPORT's record (size, SHA-256, pages) with it."""
    report.size = len(pdf.data)
    report.page_count = pdf.page_count
    report.sha256 = hashlib.sha256(pdf.data).hexdigest()
    name = f"{report.filename.removesuffix('.pdf')}-{timezone.localtime(now):%Y%m%d-%H%M%S}.pdf"
    report.file.save(name, ContentFile(pdf.data), save=False)
    try:
        with transaction.atomic():
            report.save()
    except BaseException:
        report.file.delete(save=False)
        raise
    return report


@transaction.atomic
def set_published(report: AnnualReport, published: bool) -> AnnualReport:
    """Publish REPORT (the one version of its plan, kind and year, or of its session for the
    minutes, shown to its readers), or withdraw it."""
    if report.session_id is not None:
        siblings = AnnualReport.objects.filter(session=report.session_id)
    else:
        siblings = AnnualReport.objects.documents().filter(
            plan=report.plan_id, kind=report.kind, year=report.year
        )
    # Lock every version of the plan and year, or of the session (evaluated: a lazy queryset
    # locks nothing), so that two publications at once leave exactly one published version.
    list(siblings.select_for_update().order_by("pk").values_list("pk", flat=True))
    if published:
        siblings.exclude(pk=report.pk).filter(published=True).update(published=False)
    siblings.filter(pk=report.pk).update(published=published)
    report.published = published
    return report
