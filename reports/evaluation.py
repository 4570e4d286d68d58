"""The evaluation of a plan (bilan du plan) over its whole period, gathered in a fixed number
of queries.

It speaks of the state at the end of the plan's last year (or on the day of generation
while that year runs): each action's status then and its points year by year, the budget
and the events of every year, the indicators from their baseline to their last value, the
directory's yearly snapshots; the actions not « Réalisée » are the next plan's candidates.
"""

from collections import defaultdict

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

from actions.budget import council_budget, deliberation_budget
from actions.figures import progress_of, reference_date, status_counts
from actions.models import NO_POINT, Event, Status
from essplan.french import count, euros, listing, number, percent
from structures.figures import directory_figures, snapshot_figures
from structures.models import EssFamily

from .annual import action_tree, indicator_rows
from .dashboard import budget_figures


def events_by_year(plan):
    """The plan's events per kind and year: {"years": [(year, count, participants)],
    "kinds": [(label, [(count, participants) per year])], "count", "participants"}. One query."""
    years = list(plan.years)
    found = defaultdict(lambda: (0, 0))
    for row in (Event.objects.filter(plan=plan, date__year__in=years)
                .annotate(year=ExtractYear("date")).values("kind", "year")
                .annotate(n=Count("id"), people=Sum("participants")).order_by()):
        found[row["kind"], row["year"]] = (row["n"], row["people"] or 0)
    kinds = [(label, [found[kind, year] for year in years]) for kind, label in Event.Kind.choices]
    kinds = [(label, cells) for label, cells in kinds if any(n for n, _ in cells)]
    per_year = [(year, sum(found[kind, year][0] for kind in Event.Kind.values),
                 sum(found[kind, year][1] for kind in Event.Kind.values)) for year in years]
    return {"years": per_year, "kinds": kinds, "count": sum(n for _, n, _ in per_year),
            "participants": sum(people for _, _, people in per_year)}


def directory_by_year(plan):
    """Each year of PLAN with its directory snapshot (None when none was taken), and the
    table family × year of (structures, employees), None for a year without a snapshot."""
    snapshots = snapshot_figures(plan.years)
    years = [(year, snapshots.get(year)) for year in plan.years]
    rows = [(label, [figures["families"][i][1:] if figures else None for _, figures in years])
            for i, (_, label) in enumerate(EssFamily.choices)]
    totals = [(figures["total"], figures["jobs"]) if figures else None for _, figures in years]
    return {"years": years, "rows": rows, "totals": totals}


def indicator_outcome(rows):
    """(indicators with a target for their last valued year, those of them on track)."""
    judged = [row for row in rows if row["on_track"] is not None]
    return len(judged), sum(1 for row in judged if row["on_track"])


def evaluation_sentences(*, plan, actions, statuses, axes, progress, budget, events, indicators,
                         directory, candidates):
    """The evaluation's summary in sentences, written from the figures."""
    counts = {value: n for value, _, n in statuses}
    period = f"{plan.first_year}-{plan.last_year}"
    sentences = [
        f"À la fin du plan {period}, sur {count(len(actions), 'action', 'actions')} : "
        f"{count(counts[Status.DONE], 'réalisée', 'réalisées')}, "
        f"{number(counts[Status.IN_PROGRESS])} en cours, "
        f"{count(counts[Status.ABANDONED], 'abandonnée', 'abandonnées')}, "
        f"{number(counts[Status.PLANNED])} à venir, {number(counts[Status.PAUSED])} en pause "
        f"et {number(counts[NO_POINT])} sans suite (aucun point d'avancement validé)."]
    if progress.average is not None:
        by_axis = [f"axe {axis.node.number} : "
                   f"{'aucun point validé' if axis.progress is None else percent(axis.progress)}"
                   for axis in axes]
        sentences.append(f"L'avancement moyen des {count(progress.measured, 'action', 'actions')} "
                         f"ayant un point validé est de {percent(progress.average)} "
                         f"({listing(by_axis)}).")
    total = budget["total"]
    envelope = ""
    if plan.budget_envelope is not None:
        preposition = "d'" if plan.envelope_is_estimate else "de "
        envelope = (f", pour une enveloppe {preposition}{plan.envelope_text} "
                    f"(reste à programmer : {euros(budget['remaining'])})")
    if total.planned:
        sentences.append(
            f"Sur la période, {euros(total.planned)} de dépenses ont été prévues, "
            f"{euros(total.committed)} engagées et {euros(total.spent)} réalisées, soit un taux "
            f"de réalisation de {percent(total.execution_rate, 1)}{envelope}.")
    else:
        sentences.append(f"Aucune dépense n'est inscrite au budget du plan{envelope}.")
    judged, reached = indicator_outcome(indicators)
    if judged:
        sentences.append(
            f"{count(reached, 'indicateur', 'indicateurs')} sur {number(judged)} "
            f"{'atteignent' if reached > 1 else 'atteint'} la cible fixée pour la dernière "
            "année mesurée.")
    sentences.append(
        f"{count(events['count'], 'événement', 'événements')} sur la période, avec "
        f"{count(events['participants'], 'participant', 'participants')}."
        if events["count"] else "Aucun événement n'est enregistré sur la période.")
    taken = [(year, figures) for year, figures in directory["years"] if figures]
    missing = [str(year) for year, figures in directory["years"] if not figures]
    if len(taken) >= 2:
        (first, start), (last, end) = taken[0], taken[-1]
        sentences.append(f"L'annuaire compte {count(end['total'], 'structure', 'structures')} "
                         f"en {last} contre {number(start['total'])} en {first}.")
    if missing:
        sentences.append(f"Aucun relevé de l'annuaire pour {listing(missing)}.")
    if candidates:
        sentences.append(
            f"{count(len(candidates), 'action n’a', 'actions n’ont')} pas atteint le statut "
            "« Réalisée » : elles sont listées en annexe comme candidates au prochain plan.")
    else:
        sentences.append("Toutes les actions sont réalisées.")
    return sentences


def evaluation_context(plan, *, generated_at, generated_by=None):
    """Everything the evaluation template shows."""
    year = plan.last_year
    as_of = reference_date(year, generated_at.date())
    axes, actions = action_tree(plan, year, as_of)
    progress = progress_of(actions)
    statuses = status_counts(actions)
    budget = budget_figures(plan)
    events = events_by_year(plan)
    indicators = indicator_rows(plan, year, all_charts=True)
    directory = directory_by_year(plan)
    candidates = [action for action in actions if action.current_status != Status.DONE]
    period = f"{plan.first_year}-{plan.last_year}"
    return {
        "plan": plan, "year": year, "as_of": as_of, "years": list(plan.years),
        "generated_at": generated_at, "generated_by": generated_by,
        "cover_kind": "Bilan du plan d'actions", "cover_subtitle": f"Évaluation de la période {period}",
        "document_title": f"Bilan du plan {period}",
        "axes": axes, "actions": actions, "statuses": statuses, "progress": progress.average,
        "budget": budget, "council": council_budget(plan),
        "deliberation": deliberation_budget(plan), "events": events,
        "indicators": indicators, "directory": directory,
        "fictitious": directory_figures()["fictitious"], "candidates": candidates,
        "summary": evaluation_sentences(
            plan=plan, actions=actions, statuses=statuses, axes=axes, progress=progress,
            budget=budget, events=events, indicators=indicators, directory=directory,
            candidates=candidates),
    }
