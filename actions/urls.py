from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan_detail"),
    path("plans/<slug:slug>/actions/<str:code>/", views.action_detail, name="action_detail"),
]
