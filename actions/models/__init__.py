from .followup import (
    CURRENT_STATUSES,
    NO_POINT,
    BudgetLine,
    Event,
    EventAction,
    ProgressUpdate,
    Status,
)
from .plan import Action, Axis, Direction, Objective, Plan

__all__ = [
    "CURRENT_STATUSES", "NO_POINT", "Action", "Axis", "BudgetLine", "Direction", "Event",
    "EventAction", "Objective", "Plan", "ProgressUpdate", "Status",
]
