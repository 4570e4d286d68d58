import django_filters
from django import forms

from essplan.forms import FilterForm
from essplan.search import french_order

from .models import Commune, EssFamily, LegalForm, NafCode, Structure

STATUSES = {
    "scop": ("SCOP", {"is_scop": True}),
    "scic": ("SCIC", {"is_scic": True}),
    "cae": ("CAE", {"is_cae": True}),
    "cuma": ("CUMA", {"is_cuma": True}),
    "siae": ("Structure d'insertion (SIAE)", {"siae_type__gt": ""}),
    "ea_esat": ("EA ou ESAT", {"disability_type__gt": ""}),
    "esus": ("Agrément ESUS", {"esus_approved": True}),
}


def sections():
    return NafCode.objects.order_by("section").values_list("section", "section_label").distinct()


class FrenchOrderingFilter(django_filters.OrderingFilter):
    """Orders names as French does (essplan.search.french_order), numbers as they are."""

    NAMES = {"name", "commune__name"}

    def filter(self, qs, value):
        fields = [self.get_ordering_value(param) for param in value or []]
        if not fields:
            return qs
        return qs.order_by(
            *(
                term
                for field in fields
                for term in (french_order(field) if field.lstrip("-") in self.NAMES else [field])
            )
        )


class StructureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Recherche",
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Nom, sigle ou SIRET"}),
    )
    commune = django_filters.ModelChoiceFilter(
        label="Commune",
        queryset=Commune.objects.only("pk", "name"),
        empty_label="Toutes les communes",
    )
    family = django_filters.ChoiceFilter(
        label="Famille", choices=EssFamily.choices, empty_label="Toutes les familles"
    )
    legal_form = django_filters.ModelChoiceFilter(
        label="Forme juridique", queryset=LegalForm.objects.all(), empty_label="Toutes les formes"
    )
    sector = django_filters.ChoiceFilter(
        label="Secteur (NAF)",
        field_name="naf__section",
        choices=sections,
        empty_label="Tous les secteurs",
    )
    status = django_filters.ChoiceFilter(
        label="Statut",
        method="with_status",
        empty_label="Tous les statuts",
        choices=[(key, label) for key, (label, _) in STATUSES.items()],
    )
    committee = django_filters.BooleanFilter(
        label="Membres du comité de suivi",
        field_name="committee_member",
        widget=forms.CheckboxInput,
        method="only_committee",
    )
    sort = FrenchOrderingFilter(
        label="Trier par",
        empty_label="Nom",
        fields=[
            ("name", "name"),
            ("commune__name", "commune"),
            ("employees", "employees"),
            ("founding_year", "founding_year"),
        ],
        field_labels={
            "name": "Nom",
            "commune__name": "Commune",
            "employees": "Salariés",
            "founding_year": "Année de création",
        },
    )

    class Meta:
        model = Structure
        fields = []
        form = FilterForm

    def search(self, queryset, name, value):
        return queryset.search(value)

    def with_status(self, queryset, name, value):
        return queryset.filter(**STATUSES[value][1])

    def only_committee(self, queryset, name, value):
        return queryset.filter(committee_member=True) if value else queryset
