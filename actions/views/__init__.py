from .actions import action_detail, action_edit, action_history, action_list
from .events import event_delete, event_edit, event_list
from .followup import budget_line_delete, budget_line_edit, progress_edit
from .partners import action_partners
from .plan import plan_budget, plan_detail, plan_list

__all__ = [
    "action_detail", "action_edit", "action_partners", "action_history", "action_list", "budget_line_delete",
    "budget_line_edit", "event_delete", "event_edit", "event_list", "plan_budget",
    "plan_detail", "plan_list", "progress_edit",
]
