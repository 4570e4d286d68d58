from django.urls import path

from .views import agenda, record, sessions

app_name = "committee"

SESSIONS = "plans/<slug:slug>/comite/"
SESSION = f"{SESSIONS}seances/<int:pk>/"
ITEM = f"{SESSION}ordre-du-jour/<int:item>/"

urlpatterns = [
    path("comite/", sessions.committee_home, name="home"),
    path(SESSIONS, sessions.session_list, name="sessions"),
    path(f"{SESSIONS}seances/nouvelle/", sessions.session_create, name="session_create"),
    path(SESSION, sessions.session_detail, name="session"),
    path(f"{SESSION}modifier/", sessions.session_edit, name="session_edit"),
    path(f"{SESSION}membres/", sessions.session_members, name="session_members"),
    path(f"{SESSION}presences/", sessions.session_attendance, name="session_attendance"),
    path(f"{SESSION}ordre-du-jour/", agenda.agenda_page, name="agenda"),
    path(f"{SESSION}ordre-du-jour/ajouter/", agenda.agenda_add, name="agenda_add"),
    path(f"{SESSION}ordre-du-jour/envoyer/", agenda.agenda_send, name="agenda_send"),
    path(f"{ITEM}retirer/", agenda.item_remove, name="agenda_item_remove"),
    path(f"{ITEM}deplacer/", agenda.item_move, name="agenda_item_move"),
    path(f"{ITEM}document/", agenda.item_document, name="agenda_item_document"),
    path(f"{ITEM}document/telecharger/", agenda.item_download, name="agenda_item_download"),
    path(f"{ITEM}retenir/", agenda.item_keep, name="item_keep"),
    path(f"{ITEM}ecarter/", agenda.item_refuse, name="item_refuse"),
    path(f"{SESSION}proposer/", agenda.item_propose, name="item_propose"),
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
