from django.urls import path

from . import opendata, views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan_detail"),
    path("plans/<slug:slug>/actions/<str:code>/", views.action_detail, name="action_detail"),
    path("annuaire/", views.structure_list, name="structure_list"),
    path("annuaire/carte/", views.structure_map, name="structure_map"),
    path("annuaire/inscription/", views.listing_request, name="listing_request"),
    path("annuaire/inscription/envoyee/", views.listing_request_sent, name="listing_request_sent"),
    path("annuaire/<int:pk>/", views.structure_detail, name="structure_detail"),
    path("donnees/", opendata.documentation, name="open_data"),
    path("donnees/structures.csv", opendata.structures_csv, name="structures_csv"),
    path("donnees/plans/<slug:slug>/actions.csv", opendata.actions_csv, name="actions_csv"),
    path(
        "donnees/plans/<slug:slug>/indicateurs.csv",
        opendata.measurements_csv,
        name="measurements_csv",
    ),
]
