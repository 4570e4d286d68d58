from .followup import BudgetLine, Event, EventAction, ProgressUpdate, Status
from .plan import Action, Axis, Direction, Objective, Plan

__all__ = [
    "Action", "Axis", "BudgetLine", "Direction", "Event", "EventAction", "Objective", "Plan",
    "ProgressUpdate", "Status",
]
