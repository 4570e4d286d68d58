"""The directory in figures, read by the dashboard, the annual report and the indicators."""

from django.db.models import Count, Q, Sum

from essplan.datacache import cached

from .models import EssFamily, Structure
from .services import DEMO_SOURCE


@cached
def directory_figures():
    """Active structures and their employees by ESS family, and in total; how many of them
    are the fictitious demonstration structures, which every page showing these figures says."""
    rows = {row["family"]: row for row in Structure.objects.active().values("family")
            .annotate(count=Count("id"), jobs=Sum("employees"),
                      fictitious=Count("id", filter=Q(source=DEMO_SOURCE))).order_by()}
    families = [(label, rows.get(value, {}).get("count", 0), rows.get(value, {}).get("jobs") or 0)
                for value, label in EssFamily.choices]
    return {"families": families, "total": sum(count for _, count, _ in families),
            "jobs": sum(jobs for _, _, jobs in families),
            "fictitious": sum(row["fictitious"] for row in rows.values())}
