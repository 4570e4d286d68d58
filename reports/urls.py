from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("recherche/", views.search, name="search"),
    path("rapports/", views.report_list, name="report_list"),
    path("rapports/generer/", views.report_generate, name="report_generate"),
    path("rapports/<int:pk>/pdf/", views.report_download, name="report_download"),
    path("rapports/<int:pk>/publication/", views.report_publish, name="report_publish"),
    path("rapports/releves/<slug:slug>/seances/<int:pk>/", views.minutes, name="minutes"),
    path(
        "rapports/releves/<slug:slug>/seances/<int:pk>/generer/",
        views.minutes_generate,
        name="minutes_generate",
    ),
]
