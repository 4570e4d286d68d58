"""Who may do what with the annual reports: one helper per object type, called first in
every view of the app. Readers see published versions only; administrators see them all."""

from django.shortcuts import get_object_or_404

from essplan.roles import require

from .models import GENERATE, PUBLISH, VIEW, AnnualReport

__all__ = ["GENERATE", "PUBLISH", "VIEW", "can_generate", "get_report", "reports"]


def can_generate(user):
    return user.has_perm(GENERATE)


def reports(request, *, perm=VIEW):
    """The report versions the user may see, if the user holds PERM."""
    require(request.user, perm)
    return AnnualReport.objects.visible_to(request.user)


def get_report(request, pk, *, perm=VIEW):
    """The report version PK, if the user may see it and holds PERM (404 when unpublished)."""
    return get_object_or_404(reports(request, perm=perm).select_related("plan"), pk=pk)
