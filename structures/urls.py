from django.urls import path

from . import views

app_name = "structures"

urlpatterns = [
    path("", views.structure_list, name="structure_list"),
    path("carte/", views.structure_map, name="structure_map"),
    path("ajouter/", views.structure_edit, name="structure_create"),
    path("importer/", views.structure_import, name="structure_import"),
    path("importer/confirmer/", views.structure_import_confirm, name="structure_import_confirm"),
    path("demandes/", views.listing_request_list, name="listing_request_list"),
    path(
        "demandes/<int:pk>/accepter/",
        views.listing_request_decide,
        {"accept": True},
        name="listing_request_accept",
    ),
    path(
        "demandes/<int:pk>/refuser/",
        views.listing_request_decide,
        {"accept": False},
        name="listing_request_refuse",
    ),
    path("<int:pk>/", views.structure_detail, name="structure_detail"),
    path("<int:pk>/modifier/", views.structure_edit, name="structure_edit"),
    path("<int:pk>/archiver/", views.structure_archive, name="structure_archive"),
]
