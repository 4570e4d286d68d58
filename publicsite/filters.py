import django_filters

from essplan.forms import FilterForm
from structures.models import Commune, EssFamily, Structure


class PublicStructureFilter(django_filters.FilterSet):
    """The public directory's search: a name or SIRET, a commune, a family of the ESS."""

    q = django_filters.CharFilter(label="Recherche", method="search")
    commune = django_filters.ModelChoiceFilter(
        label="Commune",
        queryset=Commune.objects.only("pk", "name").order_by("name"),
        empty_label="Toutes les communes",
    )
    family = django_filters.ChoiceFilter(
        label="Famille", choices=EssFamily.choices, empty_label="Toutes les familles"
    )

    class Meta:
        model = Structure
        fields = []
        form = FilterForm

    def search(self, queryset, name, value):
        return queryset.search(value)
