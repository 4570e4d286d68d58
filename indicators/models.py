import re
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse

from essplan.search import search_query, search_vector
from essplan.versioning import Versioned, bump_version, tracked

# The computations that count the directory (indicators.computations): their values are the
# directory's yearly records (structures.DirectorySnapshot).
DIRECTORY_COMPUTATIONS = ("structures_", "employees_")


class Unit(models.TextChoices):
    NUMBER = "nombre", "nombre"
    PERCENT = "pourcentage", "%"
    EURO = "euros", "€"
    FTE = "etp", "ETP"
    PEOPLE = "personnes", "personnes"


class IndicatorKind(models.TextChoices):
    CONTEXT = "contexte", "Contexte territorial"
    RESULT = "resultat", "Résultat"
    OUTPUT = "realisation", "Réalisation"


class Trend(models.TextChoices):
    UP = "hausse", "Hausse"
    DOWN = "baisse", "Baisse"
    STABLE = "stabilite", "Stabilité"


class IndicatorQuerySet(models.QuerySet):
    def with_latest(self):
        """Annotate the latest entered value and its year."""
        latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-year")
        return self.annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_year=Subquery(latest.values("year")[:1]),
        )

    def search(self, text):
        """French full-text search on code and name, accent-insensitive; codes as typed."""
        text = text.strip()
        if not text:
            return self
        return self.annotate(search=search_vector("code", "name")).filter(
            Q(search=search_query(text)) | Q(code__iexact=text)
        )


@tracked("IndicatorHistory")
class Indicator(Versioned):
    plan = models.ForeignKey(
        "actions.Plan", on_delete=models.CASCADE, related_name="indicators", verbose_name="plan"
    )
    code = models.CharField("code", max_length=20)
    name = models.CharField("intitulé", max_length=250)
    definition = models.TextField("définition", blank=True)
    unit = models.CharField("unité", max_length=20, choices=Unit, default=Unit.NUMBER)
    kind = models.CharField(
        "type", max_length=20, choices=IndicatorKind, default=IndicatorKind.OUTPUT
    )
    direction = models.CharField("sens souhaité", max_length=20, choices=Trend, default=Trend.UP)
    source = models.CharField("source", max_length=250, blank=True)
    objectives = models.ManyToManyField(
        "actions.Objective", blank=True, related_name="indicators", verbose_name="objectifs liés"
    )
    actions = models.ManyToManyField(
        "actions.Action", blank=True, related_name="indicators", verbose_name="actions liées"
    )
    baseline_value = models.DecimalField(
        "valeur de référence", max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField("année de référence", null=True, blank=True)
    baseline_note = models.CharField(
        "précision sur la référence",
        max_length=200,
        blank=True,
        help_text=(
            "Ce que la source ne dit pas, par exemple « année non précisée par la délibération »."
        ),
    )
    computation = models.CharField(
        "calcul",
        max_length=40,
        blank=True,
        help_text=(
            "Laissé vide, les valeurs sont saisies ; sinon elles sont calculées à partir "
            "des données de l'application."
        ),
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "code"]
        verbose_name = "indicateur"
        verbose_name_plural = "indicateurs"
        triggers = [bump_version()]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="unique_indicator_code_per_plan",
                violation_error_message="Ce plan a déjà un indicateur portant ce code.",
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"

    def get_absolute_url(self):
        return reverse(
            "indicators:indicator_detail", kwargs={"slug": self.plan.slug, "code": self.code}
        )

    @property
    def is_computed(self):
        return bool(self.computation)

    @property
    def from_directory(self):
        """Computed on the directory: a year reads its directory record, or has none."""
        return self.computation.startswith(DIRECTORY_COMPUTATIONS)

    @property
    def baseline_year_text(self):
        """« 2022 », or « 2022, année supposée » when the source does not give the year."""
        if self.baseline_year is None:
            return ""
        return (
            f"{self.baseline_year}, année supposée"
            if self.baseline_note
            else str(self.baseline_year)
        )

    @property
    def unit_suffix(self):
        """What follows a value: nothing for a plain number."""
        return "" if self.unit == Unit.NUMBER else self.get_unit_display()

    @property
    def sort_key(self):
        """C2 before C10: the letter, then the number."""
        match = re.fullmatch(r"([A-Za-z]*)(\d*)(.*)", self.code)
        return (match[1], int(match[2] or 0), match[3])


class Target(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name="indicateur"
    )
    year = models.PositiveSmallIntegerField("année")
    value = models.DecimalField("cible", max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = "cible"
        verbose_name_plural = "cibles"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="unique_target_per_year",
                violation_error_message="Une cible existe déjà pour cette année.",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} · {self.year} · {self.value}"


@tracked("MeasurementHistory")
class Measurement(Versioned):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measurements", verbose_name="indicateur"
    )
    year = models.PositiveSmallIntegerField("année")
    value = models.DecimalField("valeur", max_digits=14, decimal_places=2)
    source = models.CharField("source", max_length=250, blank=True)
    comment = models.TextField("commentaire", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = "valeur d'indicateur"
        verbose_name_plural = "valeurs d'indicateurs"
        triggers = [bump_version()]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="unique_measurement_per_year",
                violation_error_message="Une valeur existe déjà pour cette année.",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} · {self.year} · {self.value}"


def on_track(direction, value, target, tolerance=Decimal("0.05")):
    """True / False when VALUE meets TARGET in the desired DIRECTION; None without both."""
    if value is None or target is None:
        return None
    if direction == Trend.UP:
        return value >= target
    if direction == Trend.DOWN:
        return value <= target
    return abs(value - target) <= abs(target) * tolerance


class Attainment(models.TextChoices):
    """How an indicator stands against its target (see ``attainment``)."""

    REACHED = "atteint", "atteint"
    MISSED = "non_atteint", "non atteint"
    UNMEASURED = "non_mesure", "non mesuré"
    NO_TARGET = "sans_cible", "sans cible"


def attainment(direction, values, targets, up_to):
    """(Attainment, year): the indicator judged on the last year up to UP_TO that has a
    target, by its value of that year (VALUES and TARGETS: {year: value}). Without a value
    that year it is UNMEASURED, whatever earlier years gave; without any target up to UP_TO,
    NO_TARGET (year None)."""
    years = [year for year, target in targets.items() if year <= up_to and target is not None]
    if not years:
        return Attainment.NO_TARGET, None
    year = max(years)
    reached = on_track(direction, values.get(year), targets[year])
    if reached is None:
        return Attainment.UNMEASURED, year
    return (Attainment.REACHED if reached else Attainment.MISSED), year
