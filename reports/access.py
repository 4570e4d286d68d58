"""Who may do what with the archive of reports: one helper per object type, called first in
every view of the app. Readers see published versions only; administrators see them all.

The minutes of a session (« relevé de décisions ») are read by those who read the sessions
(committee.access): every version by those who prepare the sessions, the published one by the
comité; never by the pilots, who read the decisions concerning them on their actions' pages."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from actions.access import readable_plans
from actions.models import Session
from committee.access import PREPARE, can_prepare, can_read_sessions, get_session
from essplan.roles import Someone, require

from .models import AnnualReport

# The roles' permissions on the archive are granted in essplan/roles.py.
GENERATE = "reports.add_annualreport"
PUBLISH = "reports.change_annualreport"
VIEW = "reports.view_annualreport"


def can_read_reports(user: Someone) -> bool:
    """Whether USER reads the archive of reports (the header's « Rapports »)."""
    return user.has_perm(VIEW)


def can_generate(user: Someone) -> bool:
    """Whether USER generates reports, and so sees the versions not yet published."""
    return user.has_perm(GENERATE)


def visible_to(user: Someone) -> Q:
    """The versions USER may see: the reports to the council, every version for those who
    generate them, the published ones for the others; the minutes of the sessions of the plans
    USER reads, every version for those who prepare sessions, the published ones for those who
    read them, none for the others."""
    documents = Q(session__isnull=True)
    if not can_generate(user):
        documents &= Q(published=True)
    if can_prepare(user):
        minutes = Q(session__isnull=False)
    elif can_read_sessions(user):
        minutes = Q(session__isnull=False, published=True)
    else:
        return documents
    return documents | (minutes & Q(plan__in=readable_plans(user)))


def reports(request: HttpRequest, *, perm: str = VIEW) -> QuerySet[AnnualReport]:
    """The report versions the user may see (``visible_to``), if the user holds PERM."""
    require(request.user, perm)
    return AnnualReport.objects.filter(visible_to(request.user))


def get_report(request: HttpRequest, pk: int, *, perm: str = VIEW) -> AnnualReport:
    """The report version PK, if the user may see it and holds PERM (404 when unpublished)."""
    return get_object_or_404(reports(request, perm=perm).select_related("plan", "session"), pk=pk)


def report_to_publish(request: HttpRequest, pk: int) -> AnnualReport:
    """The version PK, for its publication or withdrawal: a report to the council by those who
    publish reports, minutes by those who prepare the sessions (403 for anyone else; 404 for
    minutes of a plan the user does not read)."""
    user = request.user
    if not (user.has_perm(PUBLISH) or can_prepare(user)):
        raise PermissionDenied
    report = get_object_or_404(AnnualReport.objects.select_related("plan", "session"), pk=pk)
    require(user, PUBLISH if report.session_id is None else PREPARE)
    if not AnnualReport.objects.filter(visible_to(user), pk=pk).exists():
        raise Http404
    return report


def session_minutes(request: HttpRequest, slug: str, pk: int) -> tuple[Session, QuerySet]:
    """Session PK of plan SLUG, for those who read the sessions (403 otherwise), and the
    versions of its minutes the user may see."""
    session = get_session(request, slug, pk)
    return session, AnnualReport.objects.filter(visible_to(request.user), session=session)


def session_to_minute(request: HttpRequest, slug: str, pk: int) -> Session:
    """Session PK of plan SLUG, for those who prepare sessions and so generate its minutes."""
    return get_session(request, slug, pk, perm=PREPARE)
