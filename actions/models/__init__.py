from .budget_table import DeliberationBudgetRow
from .campaign import Campaign, ReminderSent
from .followup import (
    CURRENT_STATUSES,
    NO_POINT,
    REVIEW_LABELS,
    REVIEW_STATES,
    TO_ENTER,
    WAITING,
    Attachment,
    BudgetLine,
    Event,
    EventAction,
    ProgressUpdate,
    Review,
    ReviewComment,
    Status,
)
from .plan import Action, Axis, Direction, Objective, Plan

__all__ = [
    "CURRENT_STATUSES",
    "NO_POINT",
    "REVIEW_LABELS",
    "REVIEW_STATES",
    "TO_ENTER",
    "WAITING",
    "Action",
    "Attachment",
    "Axis",
    "BudgetLine",
    "Campaign",
    "DeliberationBudgetRow",
    "Direction",
    "Event",
    "EventAction",
    "Objective",
    "Plan",
    "ProgressUpdate",
    "ReminderSent",
    "Review",
    "ReviewComment",
    "Status",
]
