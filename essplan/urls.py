from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from publicsite.api import public_urls

from . import people_views
from .accounts import ChoosePasswordView, LoginView, password_reset_view

admin.site.site_header = "essplan · administration"
admin.site.site_title = "essplan"
admin.site.index_title = "Administration du plan d'actions ESS"

urlpatterns = [
    path("", include("reports.urls")),
    path("", include("actions.urls")),
    path("structures/", include("structures.urls")),
    path("", include("indicators.urls")),
    path("", include("jobs.urls")),
    path("public/api/v1/", public_urls()),
    path("public/", include("publicsite.urls")),
    path("connexion/", LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/oubli/", password_reset_view, name="password_reset"),
    path("mot-de-passe/oubli/envoye/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("mot-de-passe/choisir/<uidb64>/<token>/", ChoosePasswordView.as_view(),
         name="password_reset_confirm"),
    path("mot-de-passe/choisi/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("comptes/", people_views.people_list, name="people"),
    path("comptes/inviter/", people_views.invite_view, name="invite"),
    path("comptes/<int:pk>/renvoyer-invitation/", people_views.person_resend,
         name="person_resend"),
    path("comptes/<int:pk>/desactiver/", people_views.person_deactivate,
         name="person_deactivate"),
    path("comptes/<int:pk>/reactiver/", people_views.person_reactivate,
         name="person_reactivate"),
    path("admin/", admin.site.urls),
]
