from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from essplan.search import french_order, search_query, search_vector, sort_key
from essplan.versioning import Versioned, bump_version, tracked

from ..validators import validate_siren, validate_siret
from .reference import Commune, EssFamily, LegalForm, NafCode


class StructureQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived=False)

    def public(self):
        """The structures whose consent to appear on the public directory is recorded."""
        return self.filter(archived=False, public_since__isnull=False)

    def search(self, text):
        """Name and acronym (French, accent-insensitive), or SIRET/SIREN by prefix."""
        text = text.strip()
        if not text:
            return self
        digits = text.replace(" ", "")
        if digits.isdigit():
            return self.filter(siret__startswith=digits)
        # Sorted after the GIN index found the matches: walking the name index until a page
        # of matches turns up took 120 ms for a rare word among 250 000 structures.
        return self.filter(search_document=search_query(text)).order_by(*french_order("name"))


@tracked("StructureHistory", exclude=["search_document"])
class Structure(Versioned):
    class SiaeType(models.TextChoices):
        ACI = "ACI", "Atelier et chantier d'insertion (ACI)"
        EI = "EI", "Entreprise d'insertion (EI)"
        ETTI = "ETTI", "Entreprise de travail temporaire d'insertion (ETTI)"
        AI = "AI", "Association intermédiaire (AI)"
        EITI = "EITI", "Entreprise d'insertion par le travail indépendant (EITI)"

    class DisabilityType(models.TextChoices):
        EA = "EA", "Entreprise adaptée (EA)"
        ESAT = "ESAT", "ESAT"

    name = models.CharField("nom", max_length=250)
    acronym = models.CharField("sigle", max_length=50, blank=True)
    siret = models.CharField(
        "SIRET",
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text="14 chiffres ; la clé de contrôle est vérifiée.",
    )
    siren = models.CharField(
        "SIREN",
        max_length=9,
        blank=True,
        validators=[validate_siren],
        help_text="9 chiffres ; déduit du SIRET s'il est laissé vide.",
    )
    rna = models.CharField(
        "numéro RNA",
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^W\d{9}$", "Un numéro RNA s'écrit W suivi de 9 chiffres.")],
    )
    legal_form = models.ForeignKey(
        LegalForm, on_delete=models.PROTECT, null=True, blank=True, verbose_name="forme juridique"
    )
    family = models.CharField(
        "famille de l'ESS", max_length=30, choices=EssFamily, default=EssFamily.OTHER
    )
    is_scop = models.BooleanField("SCOP", default=False)
    is_scic = models.BooleanField("SCIC", default=False)
    is_cae = models.BooleanField("coopérative d'activité et d'emploi (CAE)", default=False)
    is_cuma = models.BooleanField("CUMA", default=False)
    siae_type = models.CharField(
        "structure d'insertion (SIAE)", max_length=4, choices=SiaeType, blank=True
    )
    disability_type = models.CharField(
        "EA / ESAT", max_length=4, choices=DisabilityType, blank=True
    )
    esus_approved = models.BooleanField("agrément ESUS", default=False)
    naf = models.ForeignKey(
        NafCode, on_delete=models.PROTECT, null=True, blank=True, verbose_name="code NAF"
    )
    address = models.CharField("adresse", max_length=300, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="structures", verbose_name="commune"
    )
    latitude = models.DecimalField(
        "latitude", max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        "longitude", max_digits=8, decimal_places=5, null=True, blank=True
    )
    employees = models.PositiveIntegerField("salariés", null=True, blank=True)
    # Two decimals: part-time posts are counted in quarters (0,75) as often as in tenths; nine
    # digits keep the seven before the comma that one decimal allowed.
    fte = models.DecimalField(
        "équivalents temps plein",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    volunteers = models.PositiveIntegerField("bénévoles", null=True, blank=True)
    founding_year = models.PositiveSmallIntegerField(
        "année de création",
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    website = models.URLField("site web", blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    description = models.TextField("description", blank=True)
    contact_name = models.CharField("personne contact", max_length=150, blank=True)
    committee_member = models.BooleanField("membre du comité de suivi", default=False)
    # Publication on the public directory: never by default; who recorded the structure's
    # consent, and when (the history keeps every publication and withdrawal).
    public_since = models.DateTimeField("publiée depuis le", null=True, blank=True)
    public_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="consentement enregistré par",
    )
    public_contact = models.CharField(
        "contact public",
        max_length=200,
        blank=True,
        help_text=(
            "Seulement si la structure a choisi d'en donner un : courriel, téléphone ou "
            "page de contact. Les autres coordonnées ne sont jamais publiées."
        ),
    )
    source = models.CharField("source", max_length=100, blank=True)
    updated_at = models.DateTimeField("dernière mise à jour", auto_now=True)
    archived = models.BooleanField("archivée", default=False)
    search_document = models.GeneratedField(
        expression=search_vector("name", "acronym"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = StructureQuerySet.as_manager()

    class Meta:
        ordering = french_order("name")
        verbose_name = "structure"
        verbose_name_plural = "structures"
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~Q(siret=""),
                name="unique_structure_siret",
                violation_error_message="Une structure porte déjà ce SIRET.",
            ),
        ]
        indexes = [
            GinIndex(fields=["search_document"], name="structure_search_gin"),
            # The directory's default order, French (essplan.search.french_order).
            models.Index(
                sort_key("name"),
                F("name"),
                F("id"),
                name="structure_french_name",
                condition=Q(archived=False),
            ),
            # The public directory: the few structures that consented, in French order.
            models.Index(
                sort_key("name"),
                F("name"),
                F("id"),
                name="structure_public_name",
                condition=Q(archived=False, public_since__isnull=False),
            ),
            models.Index(fields=["commune", "name"], name="structure_commune_name"),
            models.Index(fields=["family", "name"], name="structure_family_name"),
            models.Index(
                fields=["siret"], name="structure_siret", opclasses=["varchar_pattern_ops"]
            ),
        ]
        triggers = [bump_version()]

    def __str__(self):
        return self.name if not self.acronym else f"{self.name} ({self.acronym})"

    def get_absolute_url(self):
        return reverse("structures:structure_detail", kwargs={"pk": self.pk})
