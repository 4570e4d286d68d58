from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .accounts import ChoosePasswordView, LoginView, password_reset_view

admin.site.site_header = "essplan · administration"
admin.site.site_title = "essplan"
admin.site.index_title = "Administration du plan d'actions ESS"

urlpatterns = [
    path("", include("reports.urls")),
    path("", include("actions.urls")),
    path("structures/", include("structures.urls")),
    path("", include("indicators.urls")),
    path("", include("committee.urls")),
    path("", include("jobs.urls")),
    path("public/api/v1/", include("publicsite.api_urls")),
    path("public/", include("publicsite.urls")),
    path("connexion/", LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/oubli/", password_reset_view, name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/choisir/<uidb64>/<token>/",
        ChoosePasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/choisi/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("comptes/", include("actions.people_urls")),
    path("admin/", admin.site.urls),
]
