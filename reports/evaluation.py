"""The evaluation of a plan (bilan du plan) over its whole period, gathered in a fixed number
of queries.

It speaks of the state at the end of the plan's last year (or on the day of generation
while that year runs): each action's status then (with the year of the point it comes from
when earlier) and its points year by year, each year without one flagged; the budget and
the events of every year, and once the plan has ended the envelope's use (spent, unspent,
share); the indicators from their baseline to their last value, judged on the last year
with a target; the directory's yearly snapshots; the actions not « Réalisée » are the next
plan's candidates.
"""

from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from actions.budget import council_budget, deliberation_budget
from actions.figures import progress_of, reference_date, status_counts
from actions.models import NO_POINT, Event, Status
from essplan.french import count, euros, listing, number, percent
from indicators.models import Attainment
from structures.figures import directory_figures, snapshot_figures
from structures.models import EssFamily

from .annual import (
    EXECUTION_NOT_ENTERED,
    action_tree,
    envelope_sentences,
    envelope_use,
    execution_entered,
    indicator_rows,
    participants_clause,
)
from .committee import committee_chapter
from .dashboard import budget_figures


def events_by_year(plan):
    """The plan's events per kind and year: {"years": [(year, count, participants, unknown)],
    "kinds": [(label, [(count, participants, unknown) per year])], "count", "participants",
    "unknown"}, the participants those of the events whose attendance is known, "unknown" the
    number of events whose attendance is not. One query."""
    years = list(plan.years)
    found = defaultdict(lambda: (0, 0, 0))
    for row in (
        Event.objects.filter(plan=plan, date__year__in=years)
        .annotate(year=ExtractYear("date"))
        .values("kind", "year")
        .annotate(
            n=Count("id"),
            people=Sum("participants"),
            unknown=Count("id", filter=Q(participants__isnull=True)),
        )
        .order_by()
    ):
        found[row["kind"], row["year"]] = (row["n"], row["people"] or 0, row["unknown"])
    kinds = [(label, [found[kind, year] for year in years]) for kind, label in Event.Kind.choices]
    kinds = [(label, cells) for label, cells in kinds if any(n for n, _, _ in cells)]
    per_year = [
        (year, *(sum(found[kind, year][i] for kind in Event.Kind.values) for i in range(3)))
        for year in years
    ]
    return {
        "years": per_year,
        "kinds": kinds,
        "count": sum(n for _, n, _, _ in per_year),
        "participants": sum(people for _, _, people, _ in per_year),
        "unknown": sum(unknown for _, _, _, unknown in per_year),
    }


def directory_by_year(plan):
    """Each year of PLAN with its directory snapshot (None when none was taken), the table
    family × year of (structures, employees), None for a year without a snapshot, and whether
    any year has one ("recorded")."""
    snapshots = snapshot_figures(plan.years)
    years = [(year, snapshots.get(year)) for year in plan.years]
    rows = [
        (label, [figures["families"][i][1:] if figures else None for _, figures in years])
        for i, (_, label) in enumerate(EssFamily.choices)
    ]
    totals = [(figures["total"], figures["jobs"]) if figures else None for _, figures in years]
    return {"years": years, "rows": rows, "totals": totals, "recorded": bool(snapshots)}


CODES_LISTED = 10


def with_years(actions, years):
    """Give each action its points year by year over YEARS ("years": [(year, point or
    None)]) and the years without a point ("missing_years")."""
    for action in actions:
        points = {point.year: point for point in action.points}
        action.years = [(year, points.get(year)) for year in years]
        action.missing_years = [year for year, point in action.years if point is None]
        action.missing_text = listing(action.missing_years)
    return actions


def codes_text(codes):
    """'1.1.1, 1.2.3 et 2.1.1'; beyond CODES_LISTED, '… et 5 autres'."""
    more = len(codes) - CODES_LISTED
    if more <= 0:
        return listing(codes)
    return f"{', '.join(codes[:CODES_LISTED])} et {count(more, 'autre', 'autres')}"


def indicator_outcome(rows):
    """The indicators' codes, in code order, by attainment (indicator_rows' "attainment"):
    {"reached": [], "missed": [], "no_target": [], "unmeasured": {year: [codes]}}."""
    outcome = {"reached": [], "missed": [], "no_target": [], "unmeasured": defaultdict(list)}
    for row in sorted(rows, key=lambda row: row["indicator"].sort_key):
        code, state = row["indicator"].code, row["attainment"]
        if state == Attainment.UNMEASURED:
            outcome["unmeasured"][row["judged_year"]].append(code)
        else:
            outcome[
                {
                    Attainment.REACHED: "reached",
                    Attainment.MISSED: "missed",
                    Attainment.NO_TARGET: "no_target",
                }[state]
            ].append(code)
    return outcome


def indicator_sentences(rows):
    """How many indicators reach their target, which, and which are not judged."""
    outcome = indicator_outcome(rows)
    reached, missed = outcome["reached"], outcome["missed"]
    sentences = []
    if reached or missed:
        judged = len(reached) + len(missed)
        text = (
            f"{count(len(reached), 'indicateur', 'indicateurs')} sur {number(judged)} "
            f"{'atteignent' if len(reached) > 1 else 'atteint'} la cible fixée pour la "
            "dernière année du plan qui en a une"
        )
        text += f" ({listing(reached)})" if reached else ""
        if missed:
            text += (
                f" ; {listing(missed)} "
                f"{'ne l’atteignent' if len(missed) > 1 else 'ne l’atteint'} pas"
            )
        sentences.append(text + ".")
    unjudged = [
        f"{listing(codes)}, non {'mesurés' if len(codes) > 1 else 'mesuré'} en {year} "
        f"(année de {'leur' if len(codes) > 1 else 'sa'} dernière cible)"
        for year, codes in sorted(outcome["unmeasured"].items())
    ]
    if outcome["no_target"]:
        unjudged.append(f"{listing(outcome['no_target'])}, sans cible")
    if unjudged:
        sentences.append(f"Non jugés : {' ; '.join(unjudged)}.")
    return sentences


def budget_sentences(plan, budget, use):
    """Expenses over the period and, at the plan's end (USE given), the envelope's use;
    before it, what remains to program."""
    total = budget["total"]
    envelope = ""
    if plan.budget_envelope is not None and use is None:
        preposition = "d'" if plan.envelope_is_estimate else "de "
        envelope = (
            f", pour une enveloppe {preposition}{plan.envelope_text} "
            f"(reste à programmer : {euros(budget['remaining'])})"
        )
    if total.planned and execution_entered(budget):
        sentences = [
            f"Sur la période, {euros(total.planned)} de dépenses ont été prévues, "
            f"{euros(total.committed)} engagées et {euros(total.spent)} réalisées, soit un taux "
            f"de réalisation de {percent(total.execution_rate, 1)}{envelope}."
        ]
    elif total.planned:
        sentences = [
            f"Sur la période, {euros(total.planned)} de dépenses ont été "
            f"prévues{envelope} ; {EXECUTION_NOT_ENTERED}."
        ]
    else:
        sentences = [f"Aucune dépense n'est inscrite au budget du plan{envelope}."]
    sentences.extend(envelope_sentences(plan, use))
    return sentences


def followup_sentences(actions, year):
    """Which statuses come from a point before YEAR, which years lack a point, and how many
    points of YEAR wait for the ESS team's validation."""
    sentences = []
    earlier = [
        f"{action.code} ({action.status_year})"
        for action in actions
        if action.status_year is not None and action.status_year < year
    ]
    if earlier:
        sentences.append(
            f"{count(len(earlier), 'action a', 'actions ont')} pour statut celui de "
            f"{'leur' if len(earlier) > 1 else 'son'} dernier point, antérieur à {year} : "
            f"{codes_text(earlier)}."
        )
    gaps = sum(1 for action in actions if action.missing_years)
    if gaps:
        sentences.append(
            f"{count(gaps, 'action n’a', 'actions n’ont')} pas de point d'avancement pour au "
            "moins une année du plan : chaque année sans point est signalée dans la section "
            "de l'action."
        )
    unvalidated = [action.code for action in actions if action.pending is not None]
    if unvalidated:
        many = len(unvalidated) > 1
        sentences.append(
            f"{count(len(unvalidated), 'point', 'points')} d'avancement {year} "
            f"({codes_text(unvalidated)}) {'ne sont' if many else 'n’est'} pas "
            f"{'validés' if many else 'validé'} par l'équipe ESS (brouillon, soumis ou à "
            "revoir) ; les chiffres de ce bilan ne comptent que les points validés."
        )
    else:
        sentences.append(
            f"Aucun point d'avancement {year} n'attend la validation de l'équipe "
            "ESS ; les chiffres de ce bilan ne comptent que les points validés."
        )
    return sentences


def evaluation_sentences(
    *,
    plan,
    actions,
    statuses,
    axes,
    progress,
    budget,
    envelope,
    events,
    indicators,
    directory,
    candidates,
):
    """The evaluation's summary in sentences, written from the figures."""
    counts = {value: n for value, _, n in statuses}
    period = f"{plan.first_year}-{plan.last_year}"
    sentences = [
        f"À la fin du plan {period}, sur {count(len(actions), 'action', 'actions')} : "
        f"{count(counts[Status.DONE], 'réalisée', 'réalisées')}, "
        f"{number(counts[Status.IN_PROGRESS])} en cours, "
        f"{count(counts[Status.ABANDONED], 'abandonnée', 'abandonnées')}, "
        f"{number(counts[Status.PLANNED])} à venir, {number(counts[Status.PAUSED])} en pause "
        f"et {number(counts[NO_POINT])} sans suite (aucun point d'avancement validé)."
    ]
    sentences += followup_sentences(actions, plan.last_year)
    if progress.average is not None:
        by_axis = [
            f"axe {axis.node.number} : "
            f"{'aucun point validé' if axis.progress is None else percent(axis.progress)}"
            for axis in axes
        ]
        sentences.append(
            f"L'avancement moyen des {count(progress.measured, 'action', 'actions')} "
            f"ayant un point validé est de {percent(progress.average)} "
            f"({listing(by_axis)})."
        )
    sentences += budget_sentences(plan, budget, envelope)
    sentences += indicator_sentences(indicators)
    sentences.append(
        f"{count(events['count'], 'événement', 'événements')} sur la période"
        f"{participants_clause(events)}."
        if events["count"]
        else "Aucun événement n'est enregistré sur la période."
    )
    taken = [(year, figures) for year, figures in directory["years"] if figures]
    missing = [str(year) for year, figures in directory["years"] if not figures]
    if len(taken) >= 2:
        (first, start), (last, end) = taken[0], taken[-1]
        sentences.append(
            f"L'annuaire compte {count(end['total'], 'structure', 'structures')} "
            f"en {last} contre {number(start['total'])} en {first}."
        )
    if missing:
        sentences.append(f"Aucun relevé de l'annuaire pour {listing(missing)}.")
    if candidates:
        sentences.append(
            f"{count(len(candidates), 'action n’a', 'actions n’ont')} pas atteint le statut "
            "« Réalisée » : elles sont listées en annexe comme candidates au prochain plan."
        )
    else:
        sentences.append("Toutes les actions sont réalisées.")
    return sentences


def evaluation_context(plan, *, generated_at, generated_by=None):
    """Everything the evaluation template shows."""
    year = plan.last_year
    as_of = reference_date(year, generated_at.date())
    axes, actions = action_tree(plan, year, as_of)
    with_years(actions, plan.years)
    progress = progress_of(actions)
    statuses = status_counts(actions)
    budget = budget_figures(plan)
    envelope = envelope_use(plan, budget, generated_at.date())
    events = events_by_year(plan)
    indicators = indicator_rows(plan, year, all_charts=True)
    directory = directory_by_year(plan)
    candidates = [action for action in actions if action.current_status != Status.DONE]
    period = f"{plan.first_year}-{plan.last_year}"
    return {
        "plan": plan,
        "year": year,
        "as_of": as_of,
        "years": list(plan.years),
        "generated_at": generated_at,
        "generated_by": generated_by,
        "cover_kind": "Bilan du plan d'actions",
        "cover_subtitle": f"Évaluation de la période {period}",
        "document_title": f"Bilan du plan {period}",
        "axes": axes,
        "actions": actions,
        "statuses": statuses,
        "progress": progress.average,
        "budget": budget,
        "envelope_use": envelope,
        "council": council_budget(plan),
        "deliberation": deliberation_budget(plan),
        "events": events,
        "committee": committee_chapter(plan, today=generated_at.date()),
        "indicators": indicators,
        "directory": directory,
        "fictitious": directory_figures()["fictitious"],
        "candidates": candidates,
        "summary": evaluation_sentences(
            plan=plan,
            actions=actions,
            statuses=statuses,
            axes=axes,
            progress=progress,
            budget=budget,
            envelope=envelope,
            events=events,
            indicators=indicators,
            directory=directory,
            candidates=candidates,
        ),
    }
