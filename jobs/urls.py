from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("travaux/<uuid:pk>/", views.job_detail, name="job_detail"),
    path("travaux/<uuid:pk>/etat/", views.job_state, name="job_state"),
    path("travaux/<uuid:pk>/annuler/", views.job_cancel, name="job_cancel"),
]
