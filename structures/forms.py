from django import forms
from django.utils import timezone

from essplan.forms import SPACES, FrenchDecimalField, StyledFormMixin, VersionedForm
from essplan.search import french_order

from .models import Commune, EssFamily, LegalForm, ListingRequest, Structure
from .models.listing import PENDING_SIRET
from .models.reference import suggested_family
from .validators import validate_siret


def family_field(empty_label):
    return forms.ChoiceField(
        label="Famille de l'ESS",
        required=False,
        choices=[("", empty_label), *EssFamily.choices],
        help_text="Laissée vide, elle est proposée d'après la forme juridique.",
    )


class StructureForm(VersionedForm):
    family = family_field("Selon la forme juridique")
    # Wider than the model's fields: users paste numbers with spaces ("732 829 320 00074").
    siret = forms.CharField(
        label="SIRET",
        max_length=20,
        required=False,
        help_text="14 chiffres ; la clé de contrôle est vérifiée.",
    )
    siren = forms.CharField(
        label="SIREN",
        max_length=12,
        required=False,
        help_text="9 chiffres ; déduit du SIRET s'il est laissé vide.",
    )
    fte = FrenchDecimalField(
        label="Équivalents temps plein", required=False, max_digits=9, decimal_places=2, min_value=0
    )
    published = forms.BooleanField(
        label="Publiée dans l'annuaire public",
        required=False,
        help_text="À cocher seulement quand la structure a donné son accord (la date et votre "
        "nom sont enregistrés) ; décocher la retire aussitôt du site public.",
    )

    class Meta:
        model = Structure
        fields = [
            "name",
            "acronym",
            "siret",
            "siren",
            "rna",
            "legal_form",
            "family",
            "is_scop",
            "is_scic",
            "is_cae",
            "is_cuma",
            "siae_type",
            "disability_type",
            "esus_approved",
            "naf",
            "address",
            "commune",
            "employees",
            "fte",
            "volunteers",
            "founding_year",
            "website",
            "email",
            "phone",
            "description",
            "contact_name",
            "committee_member",
            "public_contact",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["published"].initial = self.instance.public_since is not None
        self.fields["naf"].queryset = self.fields["naf"].queryset.order_by("code")

    def publication(self):
        """The consent fields saved with the form: kept while published, recorded (now, by
        USER) when published, emptied when withdrawn."""
        if not self.cleaned_data.get("published"):
            return {"public_since": None, "public_recorded_by": None}
        if self.instance.public_since:
            return {
                "public_since": self.instance.public_since,
                "public_recorded_by": self.instance.public_recorded_by,
            }
        return {"public_since": timezone.now(), "public_recorded_by": self.user}

    def clean_siret(self):
        return SPACES.sub("", self.cleaned_data["siret"])

    def clean_siren(self):
        return SPACES.sub("", self.cleaned_data["siren"])

    def clean(self):
        data = super().clean()
        siret, siren = data.get("siret"), data.get("siren")
        if siret and not siren:
            data["siren"] = siret[:9]
        elif siret and siren and siret[:9] != siren:
            self.add_error("siren", "Le SIREN doit être le début du SIRET.")
        if not data.get("family"):
            data["family"] = suggested_family(data.get("legal_form"))
        return data


class ListingRequestForm(StyledFormMixin, forms.ModelForm):
    """The public form of a structure asking to appear on the public directory. FAX is a
    honeypot: hidden from people, filled by robots."""

    siret = forms.CharField(
        label="SIRET",
        max_length=20,
        help_text="14 chiffres, sur l'avis de situation Sirene ou un justificatif de l'Insee.",
    )
    consent = forms.BooleanField(
        label="La structure accepte que son nom, sa famille de l'ESS, son activité, sa commune, "
        "son site web et le contact public ci-dessus paraissent sur l'annuaire public.",
        error_messages={
            "required": "Sans cet accord, la structure ne peut pas paraître dans l'annuaire."
        },
    )
    family = family_field("Je ne sais pas : selon la forme juridique")
    fax = forms.CharField(label="Fax (laissez ce champ vide)", required=False)

    class Meta:
        model = ListingRequest
        fields = [
            "name",
            "siret",
            "commune",
            "legal_form",
            "family",
            "activity",
            "website",
            "public_contact",
            "contact_name",
            "email",
            "consent",
        ]
        widgets = {"activity": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "public_contact": "Facultatif : le courriel, le téléphone ou la page de contact à "
            "publier. Laissé vide, aucun contact n'est publié.",
            "email": "Pour que l'équipe ESS vous réponde ; il n'est jamais publié.",
            "contact_name": "Il n'est jamais publié.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.only("pk", "name").order_by(
            *french_order("name")
        )
        self.fields["fax"].widget.attrs.update(tabindex="-1", autocomplete="off")
        legal_form = self.fields["legal_form"]
        legal_form.queryset = LegalForm.objects.only("pk", "code", "label")
        legal_form.empty_label = "Je ne sais pas"
        legal_form.help_text = "Facultatif : la catégorie juridique de l'avis de situation Sirene."

    def is_robot(self):
        return bool(self.data.get("fax"))

    def clean_siret(self):
        value = SPACES.sub("", self.cleaned_data["siret"])
        validate_siret(value)
        if Structure.objects.public().filter(siret=value).exists():
            raise forms.ValidationError("Cette structure figure déjà dans l'annuaire public.")
        if ListingRequest.objects.filter(siret=value, state=ListingRequest.State.PENDING).exists():
            raise forms.ValidationError(PENDING_SIRET)
        return value

    def clean(self):
        data = super().clean()
        if not data.get("family"):
            data["family"] = suggested_family(data.get("legal_form"))
        return data
