"""The annual report to the council: what it says, gathered in a fixed number of queries.

Every figure is the state of the plan on the year's date of reference (31 December, or the
day of generation while the year runs), by the definitions of actions.figures: the status of
an action is its latest validated point up to that year, an indicator's value the latest one
up to that year.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch

from actions.budget import council_budget, deliberation_budget
from actions.figures import late_actions, progress_of, reference_date, status_counts
from actions.models import NO_POINT, Action, Event, Objective, ProgressUpdate, Review, Status
from essplan.french import UNKNOWN, count, euros, figure, listing, number, percent
from indicators.charts import trend_chart, year_bars
from indicators.computations import computed_values, fictitious_count, missing_value
from indicators.key import KEY_INDICATORS
from indicators.models import attainment
from structures.figures import directory_figures, snapshot_figures
from structures.map import commune_map

from .committee import committee_chapter
from .dashboard import budget_figures

SUMMARY_INDICATORS = 5
LATE_CODES_LISTED = 10


@dataclass
class Branch:
    """An axis or an objective with its actions (an axis also with its objectives)."""

    node: object
    actions: list
    children: list = field(default_factory=list)

    @cached_property
    def figures(self):
        return progress_of(self.actions)

    @property
    def progress(self):
        return self.figures.average

    @property
    def measured(self):
        return self.figures.measured


def action_tree(plan, year, as_of):
    """The plan's axes, objectives and actions, each action with its status up to YEAR, its
    validated points up to YEAR in year order (``action.points``), its validated point of YEAR
    (``action.update``, None without one) and its point of YEAR still waiting for validation
    (``action.pending``, None without one; its texts are not printed): four queries."""
    points = Prefetch(
        "updates",
        queryset=ProgressUpdate.objects.filter(year__lte=year).order_by("year"),
        to_attr="all_points",
    )
    actions = list(
        Action.objects.filter(plan=plan)
        .with_status(year, as_of=as_of)
        .select_related("pilot_direction")
        .prefetch_related(points)
        .order_by("code_key")
    )
    by_objective = defaultdict(list)
    for action in actions:
        action.points = [point for point in action.all_points if point.review == Review.VALIDATED]
        action.update = next((point for point in action.points if point.year == year), None)
        action.pending = next(
            (
                point
                for point in action.all_points
                if point.year == year and point.review != Review.VALIDATED
            ),
            None,
        )
        by_objective[action.objective_id].append(action)
    by_axis = defaultdict(list)
    for objective in Objective.objects.filter(axis__plan=plan).order_by("code_key"):
        by_axis[objective.axis_id].append(Branch(objective, by_objective[objective.pk]))
    axes = [
        Branch(axis, [a for o in by_axis[axis.pk] for a in o.actions], by_axis[axis.pk])
        for axis in plan.axes.order_by("number")
    ]
    return axes, actions


def indicator_rows(plan, year, *, all_charts=False):
    """Every indicator of the plan with its baseline, and its value, target and what reads
    in place of a missing value for each year of the plan up to YEAR, judged on the last year
    up to YEAR that has a target ("attainment", "judged_year"); how many fictitious
    structures the figures of those computed on the directory include; the key indicators
    (ALL_CHARTS: every indicator with a value) also with their trend chart."""
    years = [y for y in plan.years if y <= year]
    indicators = sorted(
        plan.indicators.prefetch_related("targets", "measurements"),
        key=lambda indicator: indicator.sort_key,
    )
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
        values = {y: value for y, value in values.items() if y <= year}
        latest_year = max(values, default=None)
        latest = values.get(latest_year)
        outcome, judged_year = attainment(indicator.direction, values, targets, year)
        row = {
            "indicator": indicator,
            "latest_year": latest_year,
            "latest": latest,
            "previous": values.get(latest_year - 1) if latest_year else None,
            "cells": [
                (y, values.get(y), targets.get(y), missing_value(indicator, y)) for y in years
            ],
            "fictitious": fictitious if indicator.from_directory and values else 0,
            "attainment": outcome,
            "judged_year": judged_year,
            "key": indicator.code in KEY_INDICATORS,
            "is_baseline": False,
        }
        if latest is None and indicator.baseline_value is not None:
            row.update(
                latest=indicator.baseline_value,
                latest_year=indicator.baseline_year,
                is_baseline=True,
            )
        if (row["key"] or all_charts) and values:
            chart_years, chart_values = list(years), dict(values)
            if indicator.baseline_value is not None and indicator.baseline_year:
                if indicator.baseline_year not in chart_years:
                    chart_years.insert(0, indicator.baseline_year)
                chart_values.setdefault(indicator.baseline_year, indicator.baseline_value)
            row["chart"] = trend_chart(
                title=f"{indicator.code} · {indicator.name}",
                years=chart_years,
                values=chart_values,
                targets=targets,
                unit=indicator.unit_suffix,
                baseline=(indicator.baseline_year, indicator.baseline_value)
                if indicator.baseline_value is not None
                else None,
                baseline_assumed=bool(indicator.baseline_note),
            )
            row["bars"] = year_bars(
                label=f"Évolution de {indicator.name}",
                years=chart_years,
                values=chart_values,
                unit=indicator.unit_suffix,
            )
        rows.append(row)
    rows.sort(key=lambda row: not row["key"])
    return rows


def trend(row):
    """'en hausse par rapport à 2023 (12)' when the year before the latest value is known."""
    latest, previous = row["latest"], row["previous"]
    if latest is None or previous is None:
        return ""
    word = "stable" if latest == previous else "en hausse" if latest > previous else "en baisse"
    return f"{word} par rapport à {row['latest_year'] - 1} ({figure(previous)})"


def event_figures(plan, year):
    """YEAR's events by kind, their number, their participants where the attendance is known
    and the number of events whose attendance is unknown ("unknown"), and their list."""
    events = Event.objects.filter(plan=plan, date__year=year)
    kinds = [row for row in events.by_kind() if row[1]]
    return {
        "kinds": kinds,
        "count": sum(count for _, count, _, _ in kinds),
        "participants": sum(participants for _, _, participants, _ in kinds),
        "unknown": sum(unknown for _, _, _, unknown in kinds),
        "list": list(events.order_by("date", "title")),
    }


def participants_clause(events):
    """« , avec 120 participants (2 événements sans effectif connu) », « (effectif non
    renseigné) » when no event's attendance is known, « » without events; EVENTS: "count",
    "participants" (of the events whose attendance is known), "unknown"."""
    if not events["count"]:
        return ""
    if events["unknown"] == events["count"]:
        return (
            f" ({'effectif non renseigné' if events['count'] == 1 else 'effectifs non renseignés'})"
        )
    unknown = (
        f" ({count(events['unknown'], 'événement', 'événements')} sans effectif connu)"
        if events["unknown"]
        else ""
    )
    return f", avec {count(events['participants'], 'participant', 'participants')}{unknown}"


EXECUTION_NOT_ENTERED = (
    f"aucun montant engagé ni réalisé n'est saisi pour le plan : taux de réalisation {UNKNOWN}"
)


def execution_entered(budget):
    """Whether a commitment or a spending was ever entered for the plan (BUDGET: the
    dashboard's budget_figures); until then an execution rate is unknown, not 0 %."""
    return bool(budget["total"].committed or budget["total"].spent)


def envelope_use(plan, budget, today):
    """The envelope's use once the plan has ended (TODAY after its end): "spent", "unspent"
    (envelope − spent) and "share" (budget_figures' "spent_share", in %); "about": « environ »
    when the envelope is an estimate; "unknown" when no commitment or spending was ever
    entered (the use is then « non renseigné », not 0 %). None without an envelope, or while
    the plan runs (what remains to program is then the figure)."""
    if plan.budget_envelope is None or today <= plan.end:
        return None
    spent = budget["total"].spent
    return {
        "spent": spent,
        "unspent": plan.budget_envelope - spent,
        "share": budget["spent_share"],
        "unknown": not execution_entered(budget),
        "about": "environ " if plan.envelope_is_estimate else "",
    }


def envelope_sentences(plan, use):
    """The sentence on the envelope's use at the plan's end (USE from envelope_use), if any."""
    if use is None:
        return []
    preposition = "d'" if plan.envelope_is_estimate else "de "
    if use["unknown"]:
        return [
            f"À la fin du plan, l'usage de l'enveloppe {preposition}{plan.envelope_text} "
            f"est {UNKNOWN} : aucun montant engagé ni réalisé n'est saisi."
        ]
    return [
        f"À la fin du plan, l'enveloppe {preposition}{plan.envelope_text} est dépensée à "
        f"{use['about']}{percent(use['share'], 1)} : {euros(use['spent'])} dépensés, "
        f"{use['about']}{euros(use['unspent'])} non dépensés."
    ]


def summary_sentences(
    *, year, as_of, actions, progress, statuses, late, budget_year, budget, use, plan, events
):
    """The summary page in sentences, written from the figures."""
    counts = {value: count for value, _, count in statuses}
    total = len(actions)
    active = counts[Status.IN_PROGRESS] + counts[Status.DONE]
    verb = "sont" if active > 1 else "est"
    done = "réalisées" if active > 1 else "réalisée"
    sentences = [
        f"{count(active, 'action', 'actions')} sur {number(total)} {verb} en cours "
        f"ou {done} ({count(counts[Status.DONE], 'réalisée', 'réalisées')}, "
        f"{number(counts[Status.IN_PROGRESS])} en cours) ; {number(counts[Status.PLANNED])} à venir, "
        f"{number(counts[Status.PAUSED])} en pause, {number(counts[NO_POINT])} sans point, "
        f"{count(counts[Status.ABANDONED], 'abandonnée', 'abandonnées')}."
    ]
    day = as_of.strftime("%d/%m/%Y")
    if progress.average is not None:
        sentences.append(
            f"L'avancement moyen des {count(progress.measured, 'action', 'actions')} "
            f"ayant un point validé est de {number(progress.average)}\u00a0% au {day}."
        )
    if not late:
        sentences.append(f"Aucune action n'est en retard au {day}.")
    else:
        codes = [action.code for action in late[:LATE_CODES_LISTED]]
        more = len(late) - len(codes)
        listed = (
            listing(codes)
            if not more
            else f"{', '.join(codes)} et {count(more, 'autre', 'autres')}"
        )
        sentences.append(
            f"{count(len(late), 'action', 'actions')} {'sont' if len(late) > 1 else 'est'} "
            f"en retard au {day} (date de fin dépassée) : {listed}."
        )
    missing = sum(1 for action in actions if action.update is None)
    if missing:
        plural = missing > 1
        sentences.append(
            f"{count(missing, 'action', 'actions')} {'n’ont' if plural else 'n’a'} pas de point "
            f"d'avancement validé pour {year} : "
            f"{'elles sont signalées' if plural else 'elle est signalée'} dans la suite du rapport."
        )
    else:
        sentences.append(f"Toutes les actions ont un point d'avancement validé pour {year}.")
    unvalidated = [action.code for action in actions if action.pending is not None]
    if unvalidated:
        sentences.append(
            f"{count(len(unvalidated), 'point', 'points')} d'avancement {year} "
            f"({listing(unvalidated[:LATE_CODES_LISTED])}"
            f"{' …' if len(unvalidated) > LATE_CODES_LISTED else ''}) "
            f"{'attendent' if len(unvalidated) > 1 else 'attend'} la validation de l'équipe ESS : "
            f"{'ils ne sont pas comptés' if len(unvalidated) > 1 else 'il n’est pas compté'} "
            "dans ce rapport."
        )
    if budget_year.planned and execution_entered(budget):
        sentences.append(
            f"En {year}, les dépenses prévues s'élèvent à {euros(budget_year.planned)}, dont "
            f"{euros(budget_year.committed)} engagés et {euros(budget_year.spent)} réalisés, soit "
            f"un taux de réalisation de {percent(budget_year.execution_rate, 1)}."
        )
    elif budget_year.planned:
        sentences.append(
            f"En {year}, les dépenses prévues s'élèvent à {euros(budget_year.planned)} ; "
            f"{EXECUTION_NOT_ENTERED}."
        )
    else:
        sentences.append(f"Aucune dépense n'est inscrite au budget de l'année {year}.")
    envelope = ""
    if plan.budget_envelope is not None and use is None:
        preposition = "d'" if plan.envelope_is_estimate else "de "
        envelope = (
            f" pour une enveloppe {preposition}{plan.envelope_text} ; "
            f"reste à programmer : {euros(budget['remaining'])}"
        )
    sentences.append(
        f"Sur toute la durée du plan, {euros(budget['total'].planned)} de dépenses "
        f"sont prévues et {euros(budget['total'].spent)} réalisées{envelope}."
    )
    sentences.extend(envelope_sentences(plan, use))
    sentences.append(
        f"{count(events['count'], 'événement', 'événements')} en {year}"
        f"{participants_clause(events)}."
        if events["count"]
        else f"Aucun événement n'est enregistré en {year}."
    )
    return sentences


def directory_of_year(year, today):
    """The directory chapter's figures: YEAR's snapshot when one was taken; without one, the
    directory as it stands if YEAR is TODAY's (the chapter dates it), else nothing
    ("directory" None: « pas de relevé », never today's figures for a year gone by). The map,
    drawn from the directory as it stands, only for TODAY's year."""
    snapshot = snapshot_figures([year]).get(year)
    live = year == today.year
    current = directory_figures()
    directory = snapshot or (current if live else None)
    if (
        directory is not None
    ):  # the demonstration structures are those of the directory, then as now
        directory = {**directory, "fictitious": current["fictitious"]}
    return {"directory": directory, "snapshot": snapshot, "map": commune_map() if live else None}


def report_context(plan, year, *, generated_at, generated_by=None):
    """Everything the report template shows."""
    as_of = reference_date(year, generated_at.date())
    axes, actions = action_tree(plan, year, as_of)
    progress = progress_of(actions)
    statuses = status_counts(actions)
    late = late_actions(actions)
    budget = budget_figures(plan)
    budget_year = dict(budget["by_year"])[year]
    use = envelope_use(plan, budget, generated_at.date())
    events = event_figures(plan, year)
    indicators = indicator_rows(plan, year)
    for row in indicators:
        row["trend"] = trend(row)
    return {
        "plan": plan,
        "year": year,
        "as_of": as_of,
        "cover_kind": "Rapport annuel au conseil communautaire",
        "cover_subtitle": f"Bilan de l'année {year}",
        "document_title": f"Rapport annuel {year}",
        "generated_at": generated_at,
        "generated_by": generated_by,
        "axes": axes,
        "actions": actions,
        "statuses": statuses,
        "late": late,
        "progress": progress.average,
        "progress_figures": progress,
        "budget": budget,
        "budget_year": budget_year,
        "envelope_use": use,
        "council": council_budget(plan),
        "deliberation": deliberation_budget(plan),
        "indicators": indicators,
        "summary_indicators": [row for row in indicators if row["key"]][:SUMMARY_INDICATORS],
        "events": events,
        "committee": committee_chapter(plan, year, today=generated_at.date()),
        **directory_of_year(year, generated_at.date()),
        "summary": summary_sentences(
            year=year,
            as_of=as_of,
            actions=actions,
            progress=progress,
            statuses=statuses,
            late=late,
            budget_year=budget_year,
            budget=budget,
            use=use,
            plan=plan,
            events=events,
        ),
    }
