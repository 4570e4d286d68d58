from django.urls import path

from . import views

app_name = "indicators"

INDICATORS = "plans/<slug:slug>/indicateurs/"

urlpatterns = [
    path(INDICATORS, views.indicator_list, name="indicator_list"),
    path(f"{INDICATORS}ajouter/", views.indicator_edit, name="indicator_create"),
    path(f"{INDICATORS}importer/", views.measurement_import, name="measurement_import"),
    path(
        f"{INDICATORS}importer/confirmer/",
        views.measurement_import_confirm,
        name="measurement_import_confirm",
    ),
    path(f"{INDICATORS}<str:code>/", views.indicator_detail, name="indicator_detail"),
    path(f"{INDICATORS}<str:code>/modifier/", views.indicator_edit, name="indicator_edit"),
    path(f"{INDICATORS}<str:code>/historique/", views.indicator_history, name="indicator_history"),
    path(
        f"{INDICATORS}<str:code>/valeurs/<int:year>/",
        views.measurement_edit,
        name="measurement_edit",
    ),
]
