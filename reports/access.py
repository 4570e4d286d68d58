"""Who may do what with the annual reports: one helper per object type, called first in
every view of the app. Readers see published versions only; administrators see them all."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

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


def reports(request: HttpRequest, *, perm: str = VIEW) -> QuerySet[AnnualReport]:
    """The report versions the user may see, if the user holds PERM: every version for those
    who generate reports, the published ones for the others."""
    require(request.user, perm)
    if can_generate(request.user):
        return AnnualReport.objects.all()
    return AnnualReport.objects.published()


def get_report(request: HttpRequest, pk: int, *, perm: str = VIEW) -> AnnualReport:
    """The report version PK, if the user may see it and holds PERM (404 when unpublished)."""
    return get_object_or_404(reports(request, perm=perm).select_related("plan"), pk=pk)
