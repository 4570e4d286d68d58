from django.urls import path

from . import views

app_name = "actions"

ACTION = "plans/<slug:slug>/actions/<str:code>/"

CAMPAIGN = "plans/<slug:slug>/campagnes/<int:year>/"

DRAFT_NODE = "plans/<slug:slug>/brouillon/<str:kind>/<int:pk>/"

urlpatterns = [
    path("mes-actions/", views.my_actions, name="my_actions"),
    path("acces/<slug:slug>/<int:year>/<str:code>/", views.personal_link, name="personal_link"),
    path("plans/<slug:slug>/campagnes/", views.campaign_list, name="campaign_list"),
    path("plans/<slug:slug>/campagnes/ouvrir/", views.campaign_edit, name="campaign_create"),
    path(CAMPAIGN, views.campaign_detail, name="campaign_detail"),
    path(f"{CAMPAIGN}modifier/", views.campaign_edit, name="campaign_edit"),
    path(f"{CAMPAIGN}a-valider/", views.review_queue, name="review_queue"),
    path(f"{CAMPAIGN}relancer/", views.campaign_remind_all, name="campaign_remind_all"),
    path(f"{CAMPAIGN}relancer/<str:code>/", views.campaign_remind, name="campaign_remind"),
    path(f"{CAMPAIGN}nommer/", views.campaign_name_pilot, name="campaign_name_pilot"),
    path(f"{CAMPAIGN}envois/", views.campaign_sending, name="campaign_sending"),
    path(f"{CAMPAIGN}envois/relances/", views.campaign_send_due, name="campaign_send_due"),
    path(f"{CAMPAIGN}envois/avis/", views.notifications_send, name="notifications_send"),
    path("plans/<slug:slug>/saisie-groupee/<int:year>/", views.bulk_entry, name="bulk_entry"),
    path("plans/<slug:slug>/pilotes/", views.pilot_table, name="pilot_table"),
    path("plans/<slug:slug>/pilotes/importer/", views.pilot_import, name="pilot_import"),
    path(
        "plans/<slug:slug>/pilotes/importer/confirmer/",
        views.pilot_import_confirm,
        name="pilot_import_confirm",
    ),
    path("plans/<slug:slug>/preparer-le-suivant/", views.draft_create, name="draft_create"),
    path("plans/<slug:slug>/brouillon/", views.draft_detail, name="draft_detail"),
    path("plans/<slug:slug>/brouillon/renumeroter/", views.draft_renumber, name="draft_renumber"),
    path("plans/<slug:slug>/brouillon/ajouter/<str:kind>/", views.draft_add, name="draft_add"),
    path(DRAFT_NODE, views.draft_node, name="draft_node"),
    path(f"{DRAFT_NODE}retirer/", views.draft_remove, name="draft_remove"),
    path("plans/<slug:slug>/adopter/", views.plan_adopt, name="plan_adopt"),
    path("plans/<slug:slug>/publication/", views.plan_publication, name="plan_publication"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan_detail"),
    path("plans/<slug:slug>/budget/", views.plan_budget, name="plan_budget"),
    path("plans/<slug:slug>/actions/", views.action_list, name="action_list"),
    path("plans/<slug:slug>/evenements/", views.event_list, name="event_list"),
    path("plans/<slug:slug>/evenements/ajouter/", views.event_edit, name="event_create"),
    path("plans/<slug:slug>/evenements/<int:pk>/modifier/", views.event_edit, name="event_edit"),
    path(
        "plans/<slug:slug>/evenements/<int:pk>/supprimer/", views.event_delete, name="event_delete"
    ),
    path(ACTION, views.action_detail, name="action_detail"),
    path(f"{ACTION}modifier/", views.action_edit, name="action_edit"),
    path(f"{ACTION}historique/", views.action_history, name="action_history"),
    path(f"{ACTION}partenaires/", views.action_partners, name="action_partners"),
    path(f"{ACTION}pilotes/", views.action_pilots, name="action_pilots"),
    path(f"{ACTION}avancement/<int:year>/", views.progress_edit, name="progress_edit"),
    path(f"{ACTION}avancement/<int:year>/revue/", views.point_review, name="point_review"),
    path(f"{ACTION}avancement/<int:year>/repondre/", views.point_reply, name="point_reply"),
    path(
        f"{ACTION}avancement/<int:year>/justificatifs/<int:pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        f"{ACTION}avancement/<int:year>/justificatifs/<int:pk>/supprimer/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path(f"{ACTION}a-discuter/", views.action_flag, name="action_flag"),
    path(f"{ACTION}a-discuter/retirer/", views.action_flag_lower, name="action_flag_lower"),
    path(f"{ACTION}decisions/<int:pk>/realisee/", views.decision_close, name="decision_close"),
    path(f"{ACTION}budget/ajouter/", views.budget_line_edit, name="budget_line_create"),
    path(f"{ACTION}budget/<int:pk>/modifier/", views.budget_line_edit, name="budget_line_edit"),
    path(
        f"{ACTION}budget/<int:pk>/supprimer/", views.budget_line_delete, name="budget_line_delete"
    ),
]
