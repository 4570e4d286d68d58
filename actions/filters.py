import django_filters
from django import forms
from django.contrib.auth import get_user_model

from essplan.forms import FilterForm
from essplan.search import PEOPLE_ORDER

from .models import CURRENT_STATUSES, REVIEW_STATES, WAITING, Action, Axis, Direction, Objective


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Recherche", method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Code ou mots du titre"}),
    )
    axis = django_filters.ModelChoiceFilter(
        label="Axe", field_name="objective__axis", queryset=Axis.objects.none(),
        empty_label="Tous les axes",
    )
    objective = django_filters.ModelChoiceFilter(
        label="Objectif", queryset=Objective.objects.none(), empty_label="Tous les objectifs"
    )
    status = django_filters.ChoiceFilter(
        label="Statut", field_name="current_status", choices=CURRENT_STATUSES,
        empty_label="Tous les statuts",
    )
    pilot_direction = django_filters.ModelChoiceFilter(
        label="Direction pilote", queryset=Direction.objects.all(),
        empty_label="Toutes les directions",
    )
    year = django_filters.ChoiceFilter(
        label="Année prévue", method="planned_in", empty_label="Toutes les années"
    )
    late = django_filters.BooleanFilter(
        label="En retard uniquement", field_name="is_late",
        widget=forms.CheckboxInput, method="only_late",
    )

    class Meta:
        model = Action
        fields = []
        form = FilterForm

    def __init__(self, data=None, *args, plan, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["axis"].queryset = Axis.objects.filter(plan=plan)
        self.filters["objective"].queryset = Objective.objects.filter(axis__plan=plan)
        self.filters["year"].extra["choices"] = [(year, str(year)) for year in plan.years]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def planned_in(self, queryset, name, value):
        return queryset.filter(planned_years__contains=[int(value)])

    def only_late(self, queryset, name, value):
        return queryset.filter(is_late=True) if value else queryset


class CampaignActionFilter(django_filters.FilterSet):
    """The à-faire view: the plan's actions by state of their point, direction and pilot."""
    review = django_filters.ChoiceFilter(
        label="État du point", choices=REVIEW_STATES, empty_label="Tous les états",
    )
    waiting = django_filters.BooleanFilter(
        label="En attente du pilote uniquement", widget=forms.CheckboxInput,
        method="only_waiting",
    )
    pilot_direction = django_filters.ModelChoiceFilter(
        label="Direction pilote", queryset=Direction.objects.all(),
        empty_label="Toutes les directions",
    )
    pilot = django_filters.ModelChoiceFilter(
        label="Pilote", field_name="pilots", queryset=None, empty_label="Tous les pilotes",
    )

    class Meta:
        model = Action
        fields = []
        form = FilterForm

    def __init__(self, data=None, *args, plan, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["pilot"].queryset = (
            get_user_model().objects.filter(piloted_actions__plan=plan).distinct()
            .order_by(*PEOPLE_ORDER))

    def only_waiting(self, queryset, name, value):
        return queryset.filter(review__in=WAITING) if value else queryset
