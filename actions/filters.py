import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from essplan.forms import FilterForm, PlainSelect
from essplan.search import PEOPLE_ORDER

from .figures import reference_date
from .models import CURRENT_STATUSES, REVIEW_STATES, WAITING, Action, Axis, Direction, Objective


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Recherche",
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Code ou mots du titre"}),
    )
    axis = django_filters.ModelChoiceFilter(
        label="Axe",
        field_name="objective__axis",
        queryset=Axis.objects.none(),
        empty_label="Tous les axes",
    )
    objective = django_filters.ModelChoiceFilter(
        label="Objectif", queryset=Objective.objects.none(), empty_label="Tous les objectifs"
    )
    status = django_filters.ChoiceFilter(
        label="Statut",
        field_name="current_status",
        choices=CURRENT_STATUSES,
        empty_label="Tous les statuts",
    )
    pilot_direction = django_filters.ModelChoiceFilter(
        label="Direction pilote",
        queryset=Direction.objects.all(),
        empty_label="Toutes les directions",
    )
    year = django_filters.ChoiceFilter(
        label="Année prévue", method="planned_in", empty_label="Toutes les années"
    )
    late = django_filters.BooleanFilter(
        label="En retard uniquement",
        field_name="is_late",
        widget=forms.CheckboxInput,
        method="only_late",
    )
    situation = django_filters.ChoiceFilter(
        label="Situation",
        method="at_reference_date",
        empty_label="Aujourd'hui",
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
        self.filters["situation"].extra["choices"] = [
            (year, f"Au {reference_date(year):%d/%m/%Y}") for year in past_years(plan)
        ]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def planned_in(self, queryset, name, value):
        return queryset.filter(planned_years__contains=[int(value)])

    def only_late(self, queryset, name, value):
        return queryset.filter(is_late=True) if value else queryset

    def at_reference_date(self, queryset, name, value):
        """The queryset's statuses are already those of the chosen date (situation_year)."""
        return queryset


def past_years(plan):
    """PLAN's years that have ended: the dates a list of actions may speak of besides today."""
    return [year for year in plan.years if reference_date(year) < timezone.localdate()]


def situation_year(data, plan):
    """The past year of PLAN whose date of reference ?situation= asks for, or None (today)."""
    value = data.get("situation", "")
    return int(value) if value.isdigit() and int(value) in past_years(plan) else None


class CampaignActionFilter(django_filters.FilterSet):
    """The à-faire view: the plan's actions by state of their point, direction and pilot."""

    review = django_filters.ChoiceFilter(
        label="État du point",
        choices=REVIEW_STATES,
        empty_label="Tous les états",
        widget=PlainSelect,
    )
    waiting = django_filters.BooleanFilter(
        label="En attente du pilote uniquement",
        widget=forms.CheckboxInput,
        method="only_waiting",
    )
    pilot_direction = django_filters.ModelChoiceFilter(
        label="Direction pilote",
        queryset=Direction.objects.all(),
        empty_label="Toutes les directions",
        widget=PlainSelect,
    )
    pilot = django_filters.ChoiceFilter(
        label="Pilote",
        field_name="pilots",
        empty_label="Tous les pilotes",
        widget=PlainSelect,
    )

    class Meta:
        model = Action
        fields = []
        form = FilterForm

    def __init__(self, data=None, *args, plan, **kwargs):
        super().__init__(data, *args, **kwargs)
        # The plan's pilots by their full names (the user name when they have none): their
        # ids and names only (no account built per pilot), found by id (no DISTINCT over
        # every nomination). The directions: those piloting an action of the plan only.
        nominations = Action.pilots.through.objects.filter(action__plan=plan)
        pilots = (
            get_user_model()
            .objects.filter(pk__in=nominations.values("user_id"))
            .order_by(*PEOPLE_ORDER)
            .values_list("pk", "first_name", "last_name", get_user_model().USERNAME_FIELD)
        )
        self.filters["pilot"].extra["choices"] = [
            (pk, f"{first} {last}".strip() or username) for pk, first, last, username in pilots
        ]
        self.filters["pilot_direction"].queryset = Direction.objects.filter(
            pk__in=Action.objects.filter(plan=plan).values("pilot_direction_id")
        )

    def only_waiting(self, queryset, name, value):
        return queryset.filter(review__in=WAITING) if value else queryset
