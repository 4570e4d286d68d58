from django.urls import path

from .views import record

app_name = "committee"

SESSION = "plans/<slug:slug>/comite/<int:pk>/"

urlpatterns: list = [
    path(f"{SESSION}releve/", record.session_record, name="session_record"),
    path(f"{SESSION}releve/points/<int:item>/synthese/", record.item_summary, name="item_summary"),
    path(f"{SESSION}releve/decisions/", record.decision_add, name="decision_add"),
    path(f"{SESSION}releve/decisions/<int:decision>/", record.decision_edit, name="decision_edit"),
    path(
        f"{SESSION}releve/decisions/<int:decision>/supprimer/",
        record.decision_delete,
        name="decision_delete",
    ),
    path(f"{SESSION}releve/tenue/", record.session_close, name="session_close"),
]
