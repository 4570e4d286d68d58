"""The plan's headline figures about its actions: one definition each, read by the dashboard,
the annual report, the bilan, the indicators, the exports and the public site.

- **Status** of an action for a year: that of its latest point *validated by the ESS team* of
  that year or before (``ActionQuerySet.with_status``); without one, « Sans point ». A draft,
  a submitted point or one sent back moves no figure and no status shown to anyone.
- **Date of reference** of a year: 31 December of that year, or today while the year runs.
  Every figure about a year is computed on that date and its label says it (« au 31/12/2025 »).
- **Late** on that date: the action's end date (by default the end of the plan) has passed
  and its status is neither Réalisée nor Abandonnée.
- **Average progress**: the mean of the progress of the actions that have a status other than
  « Sans point »; those without a point are counted apart, never as 0 %.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from .models import CURRENT_STATUSES, NO_POINT, Action


def reference_date(year, today=None):
    """The day figures about YEAR speak of: 31 December of YEAR, or TODAY (default: the
    local date) while YEAR runs."""
    return min(today or timezone.localdate(), datetime.date(year, 12, 31))


def actions_of_year(plan, year, *, today=None):
    """PLAN's actions with their status for YEAR and « en retard » on its date of reference."""
    return Action.objects.filter(plan=plan).with_status(year, as_of=reference_date(year, today))


@dataclass(frozen=True)
class Progress:
    """The average progress of actions: None when none has a point."""

    average: float | None
    measured: int  # actions with a status other than « Sans point »
    count: int  # all the actions


def progress_of(actions):
    """The average Progress of ACTIONS (annotated by with_status)."""
    values = [action.current_progress for action in actions if action.current_status != NO_POINT]
    average = sum(values) / len(values) if values else None
    return Progress(average, len(values), len(actions))


def status_counts(actions):
    """(value, label, count) for each status, « Sans point » first, of ACTIONS."""
    counts = Counter(action.current_status for action in actions)
    return [(value, label, counts[value]) for value, label in CURRENT_STATUSES]


def late_actions(actions):
    """ACTIONS late on their date of reference, the most overdue first."""
    return sorted(
        (action for action in actions if action.is_late),
        key=lambda action: (action.due_date, action.code_key),
    )
