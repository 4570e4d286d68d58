"""Reference data of the directory: communes, INSEE legal forms, NAF codes."""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from essplan.search import french_order


class EssFamily(models.TextChoices):
    ASSOCIATION = "association", "Association"
    COOPERATIVE = "cooperative", "Coopérative"
    MUTUAL = "mutuelle", "Mutuelle"
    FOUNDATION = "fondation", "Fondation"
    COMMERCIAL = "societe_commerciale", "Société commerciale de l'ESS"
    OTHER = "autre", "Autre"


class Commune(models.Model):
    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=100)
    postal_codes = ArrayField(
        models.CharField(max_length=5), verbose_name="codes postaux", default=list, blank=True
    )
    population = models.PositiveIntegerField("population", null=True, blank=True)
    svg_path = models.TextField("contour (chemin SVG)", blank=True)
    small_town = models.BooleanField("Petites Villes de demain", default=False)
    priority_district = models.BooleanField("quartier prioritaire de la ville", default=False)

    class Meta:
        ordering = french_order("name")
        verbose_name = "commune"
        verbose_name_plural = "communes"

    def __str__(self):
        return self.name


class LegalForm(models.Model):
    code = models.CharField("code INSEE", max_length=4, unique=True)
    label = models.CharField("libellé", max_length=200)
    family = models.CharField(
        "famille de l'ESS",
        max_length=30,
        choices=EssFamily,
        default=EssFamily.OTHER,
        help_text="Famille proposée aux structures de cette forme juridique.",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "forme juridique"
        verbose_name_plural = "formes juridiques"

    def __str__(self):
        return f"{self.code} · {self.label}"


def suggested_family(legal_form):
    """The family of the ESS proposed for a structure of LEGAL_FORM (« Autre » without one)."""
    return legal_form.family if legal_form else EssFamily.OTHER


class NafCode(models.Model):
    code = models.CharField("code NAF", max_length=6, unique=True)
    label = models.CharField("libellé", max_length=300)
    section = models.CharField("section", max_length=1)
    section_label = models.CharField("secteur", max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = "code NAF"
        verbose_name_plural = "codes NAF"

    def __str__(self):
        return f"{self.code} · {self.label}"
