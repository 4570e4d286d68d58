"""The directory in figures, read by the dashboard, the annual report and the indicators."""

from django.db.models import Count, Max, Q, Sum

from essplan.datacache import DIRECTORY, cached

from .models import DirectorySnapshot, EssFamily, Structure
from .services import DEMO_SOURCE


@cached(DIRECTORY)
def directory_figures():
    """Active structures and their employees by ESS family, and in total; how many of them
    are the fictitious demonstration structures, which every page showing these figures says."""
    rows = {
        row["family"]: row
        for row in Structure.objects.active()
        .values("family")
        .annotate(
            count=Count("id"),
            jobs=Sum("employees"),
            fictitious=Count("id", filter=Q(source=DEMO_SOURCE)),
        )
        .order_by()
    }
    return {**by_family(rows), "fictitious": sum(row["fictitious"] for row in rows.values())}


def by_family(rows):
    """{"families": [(label, structures, employees)] in the families' order, "total",
    "jobs"} from ROWS, {family: {"count", "jobs"}} (a family without a row counts none)."""
    families = [
        (label, rows.get(value, {}).get("count", 0), rows.get(value, {}).get("jobs") or 0)
        for value, label in EssFamily.choices
    ]
    return {
        "families": families,
        "total": sum(count for _, count, _ in families),
        "jobs": sum(jobs for _, _, jobs in families),
    }


def snapshot_figures(years):
    """{year: figures} for those of YEARS that have a snapshot (structures.DirectorySnapshot):
    structures and employees by ESS family and in total, as ``directory_figures`` gives them,
    with the day the snapshot was taken and whether it is provisional (taken before the 31st
    of December of its year). A year without a snapshot is absent. One query."""
    rows = (
        DirectorySnapshot.objects.filter(year__in=list(years))
        .values("year", "family")
        .annotate(count=Sum("structures"), jobs=Sum("employees"), taken_on=Max("taken_on"))
        .order_by()
    )
    by_year = {}
    for row in rows:
        by_year.setdefault(row["year"], {})[row["family"]] = row
    figures = {}
    for year, found in sorted(by_year.items()):
        taken_on = max(row["taken_on"] for row in found.values())
        figures[year] = {
            **by_family(found),
            "taken_on": taken_on,
            "provisional": DirectorySnapshot(year=year, taken_on=taken_on).provisional,
        }
    return figures
