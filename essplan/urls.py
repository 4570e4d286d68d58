from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "essplan · administration"
admin.site.site_title = "essplan"
admin.site.index_title = "Administration du plan d'actions ESS"

urlpatterns = [
    path("", include("reports.urls")),
    path("", include("actions.urls")),
    path("structures/", include("structures.urls")),
    path("", include("indicators.urls")),
    path(
        "connexion/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
