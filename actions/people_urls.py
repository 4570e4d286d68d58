"""« Équipe et pilotes » (actions.people), under /comptes/ by the root URLconf, which includes
it by its dotted name (the core app imports no domain app); its names stay unprefixed."""

from django.urls import path

from .views import people as views

urlpatterns = [
    path("", views.people_list, name="people"),
    path("inviter/", views.invite_view, name="invite"),
    path("<int:pk>/renvoyer-invitation/", views.person_resend, name="person_resend"),
    path("<int:pk>/desactiver/", views.person_deactivate, name="person_deactivate"),
    path("<int:pk>/reactiver/", views.person_reactivate, name="person_reactivate"),
]
