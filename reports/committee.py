"""The chapter « Comité de suivi » of the annual report and of the bilan, written from
committee.figures: the sessions held in the period with their attendance, the decisions taken,
carried out and still open on the date of reference."""

from django.utils import timezone

from committee.figures import committee_figures, done_on
from essplan.french import count

from .minutes import carrier


def decision_state(decision, as_of):
    """DECISION's state on AS_OF: carried out (the day), late, or open."""
    if done_on(decision, as_of):
        return f"Réalisée le {timezone.localdate(decision.done_at):%d/%m/%Y}"
    if decision.due_on is not None and decision.due_on < as_of:
        return "En retard"
    return "Ouverte"


def committee_sentence(figures):
    """« En 2025, le comité de suivi s'est réuni 2 fois ; 3 décisions prises : 1 réalisée au
    31/12/2025, 2 encore ouvertes, dont 1 en retard. »"""
    period = f"En {figures.year}" if figures.year is not None else "Sur la période du plan"
    held = len(figures.sessions)
    day = f"{figures.as_of:%d/%m/%Y}"
    if not held:
        return f"{period}, le comité de suivi ne s'est pas réuni (aucune séance tenue au {day})."
    taken = len(figures.decisions)
    meetings = "une fois" if held == 1 else f"{held} fois"
    if not taken:
        return (
            f"{period}, le comité de suivi s'est réuni {meetings} ; aucune décision n'a été prise."
        )
    still_open = len(figures.open)
    late = len(figures.late)
    return (
        f"{period}, le comité de suivi s'est réuni {meetings} ; "
        f"{count(taken, 'décision prise', 'décisions prises')} : "
        f"{count(len(figures.done), 'réalisée', 'réalisées')} au {day}, "
        f"{count(still_open, 'encore ouverte', 'encore ouvertes')}"
        f"{f', dont {count(late, "en retard", "en retard")}' if late else ''}."
    )


def committee_chapter(plan, year=None, *, today=None):
    """What the chapter shows, for PLAN in YEAR (None: its whole period) on the date of
    reference of TODAY (the day of generation). Two queries."""
    figures = committee_figures(plan, year, today=today)
    for decision in [*figures.decisions, *figures.earlier_open]:
        decision.carrier_text = carrier(decision)
        decision.state_text = decision_state(decision, figures.as_of)
    return {"figures": figures, "sentence": committee_sentence(figures)}
