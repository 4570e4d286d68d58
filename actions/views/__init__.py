from .actions import action_detail, action_edit, action_history, action_list
from .campaigns import (
    bulk_entry,
    campaign_detail,
    campaign_edit,
    campaign_list,
    campaign_remind,
    campaign_remind_all,
    my_actions,
)
from .decisions import action_flag, action_flag_lower, decision_close
from .drafting import (
    draft_add,
    draft_create,
    draft_detail,
    draft_node,
    draft_remove,
    draft_renumber,
    plan_adopt,
)
from .events import event_delete, event_edit, event_list
from .followup import (
    attachment_delete,
    attachment_download,
    budget_line_delete,
    budget_line_edit,
    progress_edit,
)
from .links import personal_link
from .partners import action_partners
from .pilots import action_pilots, pilot_import, pilot_import_confirm, pilot_table
from .plan import plan_budget, plan_detail, plan_list, plan_publication
from .review import point_reply, point_review, review_queue
from .sending import campaign_send_due, campaign_sending, notifications_send
from .unpiloted import campaign_name_pilot

__all__ = [
    "action_flag",
    "action_flag_lower",
    "decision_close",
    "bulk_entry",
    "pilot_import",
    "pilot_import_confirm",
    "pilot_table",
    "attachment_delete",
    "attachment_download",
    "action_detail",
    "campaign_detail",
    "campaign_edit",
    "campaign_list",
    "campaign_remind",
    "campaign_remind_all",
    "my_actions",
    "point_review",
    "point_reply",
    "review_queue",
    "action_edit",
    "action_partners",
    "action_pilots",
    "action_history",
    "action_list",
    "budget_line_delete",
    "budget_line_edit",
    "event_delete",
    "event_edit",
    "event_list",
    "plan_budget",
    "plan_detail",
    "plan_list",
    "plan_publication",
    "progress_edit",
    "draft_add",
    "draft_create",
    "draft_detail",
    "draft_node",
    "draft_remove",
    "draft_renumber",
    "plan_adopt",
    "campaign_name_pilot",
    "campaign_send_due",
    "campaign_sending",
    "notifications_send",
    "personal_link",
]
