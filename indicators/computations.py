"""Indicators whose yearly values come from the app's own data, recomputed on read.

Each computation answers {year: value} for a plan in one query; a page computes
each computation it shows once, so its number of queries does not depend on the
number of indicators. Those that count actions by status use the one definition of a status
(actions.figures): from the points the ESS team validated, for the staff and the public alike.
A year that has data of the computation's kind (events, budget lines, a directory record) but
none that matches counts 0; a year without such data is absent (unknown, or still to come).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import ExtractYear
from django.utils import timezone

from actions.models import Action, BudgetLine, Event, Status
from essplan.datacache import DIRECTORY, PLANS, cached
from essplan.french import NO_VALUE, NOT_RECORDED
from structures.figures import directory_figures
from structures.models import DirectorySnapshot, EssFamily, Structure

from .models import attainment


@dataclass(frozen=True)
class Computation:
    key: str
    label: str
    function: object

    def __call__(self, plan):
        """{year: value} for PLAN."""
        return self.function(plan)


REGISTRY = {}


def register(key, label):
    """Register FUNCTION(plan) under KEY."""

    def decorator(function):
        REGISTRY[key] = Computation(key, label, function)
        return function

    return decorator


def _by_year(rows, field):
    """{year: FIELD} of ROWS; a year whose FIELD is None (nothing known) is absent."""
    return {row["year"]: Decimal(row[field]) for row in rows if row[field] is not None}


def _events(plan):
    """PLAN's events by year, within its years: an event recorded after the plan's end (the
    next plan's forum filed under the old one) counts for no year of this plan's indicators."""
    return (
        Event.objects.filter(
            plan=plan, date__year__gte=plan.first_year, date__year__lte=plan.last_year
        )
        .annotate(year=ExtractYear("date"))
        .values("year")
        .order_by("year")
    )


@register("events_total", "Nombre d'événements (tous types)")
def events_total(plan):
    return _by_year(_events(plan).annotate(n=Count("id")), "n")


for _kind, _label in Event.Kind.choices:
    register(f"events_{_kind}", f"Nombre d'événements : {str(_label).lower()}")(
        lambda plan, kind=_kind: _by_year(
            _events(plan).annotate(n=Count("id", filter=Q(kind=kind))), "n"
        )
    )


@register("participants_total", "Participants aux événements")
def participants_total(plan):
    """The participants of the events whose attendance is known; a year none of whose events
    has a known attendance is absent (unknown, not 0)."""
    return _by_year(_events(plan).annotate(n=Sum("participants")), "n")


def _actions_by_status(plan, status):
    """{year: actions whose status for that year is STATUS} for each year of PLAN up to the
    current one (a year to come has no value yet). One query."""
    years = [year for year in plan.years if year <= timezone.localdate().year]
    actions = Action.objects.filter(plan=plan)
    counts = actions.aggregate(
        **{
            f"y{year}": Count(
                "pk",
                filter=Q(
                    pk__in=actions.with_status(year).filter(current_status=status).values("pk")
                ),
            )
            for year in years
        }
    )
    return {year: Decimal(counts[f"y{year}"]) for year in years}


@register("actions_done", "Actions réalisées (statut en fin d'année)")
def actions_done(plan):
    return _actions_by_status(plan, Status.DONE)


@register("actions_in_progress", "Actions en cours (statut en fin d'année)")
def actions_in_progress(plan):
    return _actions_by_status(plan, Status.IN_PROGRESS)


@register("budget_spent_share", "Part du budget prévu réalisée (%)")
def budget_spent_share(plan):
    """Spent over planned, for each year with planned expenses (none planned: not applicable);
    nothing while no commitment or spending was ever entered for the plan (unknown, not 0 %)."""
    rows = list(
        BudgetLine.objects.filter(action__plan=plan, flow=BudgetLine.Flow.EXPENSE)
        .values("year")
        .annotate(planned=Sum("planned"), spent=Sum("spent"), committed=Sum("committed"))
        .order_by("year")
    )
    if not any(row["spent"] or row["committed"] for row in rows):
        return {}
    return {
        row["year"]: (row["spent"] * 100 / row["planned"]).quantize(Decimal("0.1"), ROUND_HALF_UP)
        for row in rows
        if row["planned"]
    }


def _directory(plan, field, **filters):
    """FIELD ("structures" or "employees") of the directory for each of PLAN's years that has
    a snapshot (structures.DirectorySnapshot, taken each 31 December); for the year in
    progress without one, the directory as it stands today. A past year without a snapshot is
    absent (« pas de relevé »), never read from today's directory. One query."""
    # A year's snapshot without a row of the family counts none of it (0, not unknown).
    rows = (
        DirectorySnapshot.objects.filter(year__in=list(plan.years))
        .annotate(live=Value(False))
        .values("year", "live")
        .annotate(n=Sum(field, filter=Q(**filters) if filters else None))
        .values_list("year", "live", "n")
        .order_by()
    )
    if plan.year_in_progress is not None:
        today = (
            Structure.objects.active()
            .filter(**filters)
            .annotate(year=Value(plan.year_in_progress), live=Value(True))
            .values("year", "live")
            .annotate(n=Count("id") if field == "structures" else Sum("employees"))
            .values_list("year", "live", "n")
            .order_by()
        )
        rows = rows.union(today, all=True).order_by()
    values = {}
    for year, _, n in sorted(rows, key=lambda row: row[1]):
        values.setdefault(year, Decimal(n or 0))
    return dict(sorted(values.items()))


@register("structures_total", "Structures de l'annuaire")
def structures_total(plan):
    return _directory(plan, "structures")


@register("employees_total", "Salariés des structures de l'annuaire")
def employees_total(plan):
    return _directory(plan, "employees")


for _family, _label in EssFamily.choices:
    register(f"structures_{_family}", f"Structures de l'annuaire : {str(_label).lower()}")(
        lambda plan, family=_family: _directory(plan, "structures", family=family)
    )


@cached(PLANS, DIRECTORY)
def computation_results(plan, keys):
    """{computation key: {year: value}} for PLAN: one query per computation, cached."""
    return {key: REGISTRY[key](plan) for key in keys}


def computed_values(plan, indicators):
    """{indicator pk: {year: value}} for the computed INDICATORS."""
    keys = tuple(
        sorted({indicator.computation for indicator in indicators if indicator.computation})
    )
    results = computation_results(plan, keys) if keys else {}
    return {
        indicator.pk: results[indicator.computation]
        for indicator in indicators
        if indicator.computation
    }


def missing_value(indicator, year):
    """How INDICATOR's YEAR without a value reads: « pas de relevé » for a year of the
    directory, up to today's, without its record; « — » otherwise."""
    if indicator.from_directory and year <= timezone.localdate().year:
        return NOT_RECORDED
    return NO_VALUE


def fictitious_count(indicators):
    """How many fictitious demonstration structures the directory counts, when one of
    INDICATORS is computed on it (its figures include them); else 0."""
    if not any(indicator.from_directory for indicator in indicators):
        return 0
    return directory_figures()["fictitious"]


def rows_for(plan, indicators):
    """Each indicator with its latest value and year, every year's values ("values": computed,
    or entered: the INDICATORS' measurements, prefetched), judged on the last year up to the
    plan's current one that has a target (indicators.models.attainment: "attainment",
    "judged_year" and that year's "target"), what reads in place of a missing value
    ("missing") and, for those whose values are computed on a directory that includes
    demonstration structures, how many ("fictitious")."""
    computed = computed_values(plan, indicators)
    fictitious = fictitious_count(indicators)
    rows = []
    for indicator in indicators:
        targets = {target.year: target.value for target in indicator.targets.all()}
        values = (
            computed[indicator.pk]
            if indicator.is_computed
            else {m.year: m.value for m in indicator.measurements.all()}
        )
        year = max(values, default=None)
        outcome, judged_year = attainment(indicator.direction, values, targets, plan.current_year)
        rows.append(
            {
                "indicator": indicator,
                "year": year,
                "value": values.get(year),
                "values": values,
                "attainment": outcome,
                "judged_year": judged_year,
                "target": targets.get(judged_year),
                "missing": missing_value(indicator, year or plan.first_year),
                "fictitious": fictitious if indicator.from_directory and values else 0,
            }
        )
    return rows


COMPUTATION_CHOICES = [("", "Valeurs saisies")] + [
    (computation.key, computation.label) for computation in REGISTRY.values()
]
