"""The yearly follow-up of an action: progress updates, budget lines, events."""

import uuid
from decimal import Decimal
from pathlib import Path

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from essplan.versioning import Versioned, bump_version, tracked

MAX_AMOUNT = Decimal("10000000")
amount_validators = [
    MinValueValidator(Decimal("0"), "Un montant ne peut pas être négatif."),
    MaxValueValidator(
        MAX_AMOUNT, "Montant invraisemblable : une ligne ne peut pas dépasser 10 000 000 €."
    ),
]


class Status(models.TextChoices):
    PLANNED = "a_venir", "À venir"
    IN_PROGRESS = "en_cours", "En cours"
    DONE = "realisee", "Réalisée"
    PAUSED = "en_pause", "En pause"
    ABANDONED = "abandonnee", "Abandonnée"


class Review(models.TextChoices):
    """Where a point stands in the campaign: a pilot drafts and submits it, the ESS team
    validates it or sends it back (« à revoir ») with a comment."""

    DRAFT = "brouillon", "Brouillon"
    SUBMITTED = "soumis", "Soumis"
    VALIDATED = "valide", "Validé"
    TO_REVISE = "a_revoir", "À revoir"


# An action without a point for a campaign's year has one to enter (« à saisir »).
TO_ENTER = "a_saisir"
REVIEW_STATES = [(TO_ENTER, "À saisir"), *Review.choices]
REVIEW_LABELS = dict(REVIEW_STATES)
# What the ESS team still waits for: no point, or one the pilot has not submitted.
WAITING = [TO_ENTER, Review.DRAFT, Review.TO_REVISE]


# An action's current status is its latest point's; an action without any point is
# « Sans point », which no one types (it is not « À venir », which a point says).
NO_POINT = "sans_point"
CURRENT_STATUSES = [(NO_POINT, "Sans point"), *Status.choices]


class ProgressUpdateQuerySet(models.QuerySet):
    def validated(self):
        """The points the ESS team validated: the only ones the public site and the open data
        read (a draft, a submitted point or one sent back is the pilot's work in progress)."""
        return self.filter(review=Review.VALIDATED)


@tracked("ProgressUpdateHistory")
class ProgressUpdate(Versioned):
    action = models.ForeignKey(
        "actions.Action",
        on_delete=models.CASCADE,
        related_name="updates",
        verbose_name="action",
    )
    year = models.PositiveSmallIntegerField("année")
    date = models.DateField("date du point", default=timezone.localdate)
    status = models.CharField("statut", max_length=20, choices=Status, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(
        "avancement (%)",
        default=0,
        validators=[MaxValueValidator(100, "L'avancement est un pourcentage entre 0 et 100.")],
    )
    achievements = models.TextField("réalisations", blank=True)
    difficulties = models.TextField("difficultés rencontrées", blank=True)
    next_steps = models.TextField("prochaines étapes", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    review = models.CharField("état", max_length=10, choices=Review, default=Review.VALIDATED)

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["action", "-year"]
        verbose_name = "point d'avancement"
        verbose_name_plural = "points d'avancement"
        triggers = [bump_version()]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "year"],
                name="unique_progress_update_per_year",
                violation_error_message="Un point d'avancement existe déjà pour cette année.",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100),
                name="progress_is_a_percentage",
                violation_error_message="L'avancement est un pourcentage entre 0 et 100.",
            ),
        ]

    def __str__(self):
        return f"{self.action.code} · {self.year} · {self.get_status_display()}"

    def clean(self):
        """A point's status and percentage agree, and its date lies in or after its year
        (the form, the admin and any other writer going through full_clean)."""
        errors = {}
        if self.status == Status.DONE and self.progress != 100:
            errors["progress"] = (
                "Une action réalisée est avancée à 100 % : corrigez "
                "l'avancement, ou choisissez le statut « En cours »."
            )
        elif self.status == Status.PLANNED and self.progress:
            errors["progress"] = (
                "Une action à venir est avancée à 0 % : si elle a commencé, "
                "choisissez le statut « En cours »."
            )
        if self.date and self.year and self.date.year < self.year:
            errors["date"] = (
                f"Le point {self.year} ne peut pas être daté d'avant le 1er janvier {self.year}."
            )
        if errors:
            raise ValidationError(errors)

    def previous(self):
        """The point of the year before, if any."""
        return ProgressUpdate.objects.filter(action_id=self.action_id, year=self.year - 1).first()


class ReviewComment(models.Model):
    """One message of the dated thread of a point: the ESS team's return, the pilot's answer."""

    point = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name="point d'avancement",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="auteur",
    )
    created_at = models.DateTimeField("date", default=timezone.now)
    review = models.CharField("état donné au point", max_length=10, choices=Review)
    text = models.TextField("commentaire", blank=True)

    class Meta:
        ordering = ["point", "created_at", "pk"]
        verbose_name = "commentaire de revue"
        verbose_name_plural = "commentaires de revue"

    def __str__(self):
        return f"{self.point} · {self.get_review_display()}"


@tracked("BudgetLineHistory")
class BudgetLine(Versioned):
    class Section(models.TextChoices):
        OPERATING = "fonctionnement", "Fonctionnement"
        INVESTMENT = "investissement", "Investissement"

    class Flow(models.TextChoices):
        EXPENSE = "depense", "Dépense"
        REVENUE = "recette", "Recette"

    action = models.ForeignKey(
        "actions.Action",
        on_delete=models.CASCADE,
        related_name="budget_lines",
        verbose_name="action",
    )
    year = models.PositiveSmallIntegerField("année")
    section = models.CharField("section", max_length=20, choices=Section, default=Section.OPERATING)
    flow = models.CharField("sens", max_length=10, choices=Flow, default=Flow.EXPENSE)
    chapter = models.CharField(
        "chapitre",
        max_length=10,
        blank=True,
        help_text="Chapitre budgétaire : 011, 012, 65, 70…",
    )
    label = models.CharField("libellé", max_length=300)
    planned = models.DecimalField(
        "prévu (€)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=amount_validators,
    )
    committed = models.DecimalField(
        "engagé (€)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=amount_validators,
    )
    spent = models.DecimalField(
        "réalisé (€)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=amount_validators,
    )
    co_funder = models.CharField("cofinanceur", max_length=200, blank=True)
    # Who entered the line: a pilot changes only the lines it entered itself (lines entered
    # before this was recorded have no author, and stay the ESS team's).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="saisie par",
    )

    class Meta:
        ordering = ["action", "year", "section", "flow", "chapter", "label"]
        verbose_name = "ligne budgétaire"
        verbose_name_plural = "lignes budgétaires"
        triggers = [bump_version()]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned__gte=0, committed__gte=0, spent__gte=0),
                name="budget_amounts_not_negative",
                violation_error_message="Un montant ne peut pas être négatif.",
            ),
        ]

    def __str__(self):
        return f"{self.action.code} · {self.year} · {self.label}"


class EventQuerySet(models.QuerySet):
    def by_kind(self):
        """[(label, number of events, participants, events of unknown attendance)] for every
        kind, in the kinds' order; the participants are those of the events whose attendance
        is known (0 when none is)."""
        rows = {
            row["kind"]: row
            for row in self.order_by()
            .values("kind")
            .annotate(
                count=models.Count("id"),
                people=models.Sum("participants"),
                unknown=models.Count("id", filter=models.Q(participants__isnull=True)),
            )
        }
        return [
            (
                label,
                rows.get(kind, {}).get("count", 0),
                rows.get(kind, {}).get("people") or 0,
                rows.get(kind, {}).get("unknown", 0),
            )
            for kind, label in Event.Kind.choices
        ]


@tracked("EventHistory")
class Event(Versioned):
    class Kind(models.TextChoices):
        PROJECT_CAFE = "cafe_projet", "Café projet"
        FORUM = "forum", "Forum"
        FAIR = "salon", "Salon"
        WORKSHOP = "atelier", "Atelier"
        INFO_MEETING = "reunion_information", "Réunion d'information"
        VISIT = "visite", "Visite"
        OTHER = "autre", "Autre"

    plan = models.ForeignKey(
        "actions.Plan", on_delete=models.CASCADE, related_name="events", verbose_name="plan"
    )
    date = models.DateField("date")
    kind = models.CharField("type", max_length=30, choices=Kind, default=Kind.OTHER)
    title = models.CharField("intitulé", max_length=300)
    place = models.CharField("commune ou lieu", max_length=200, blank=True)
    participants = models.PositiveIntegerField("nombre de participants", null=True, blank=True)
    description = models.TextField("description", blank=True)
    actions = models.ManyToManyField(
        "actions.Action",
        through="EventAction",
        related_name="events",
        verbose_name="actions liées",
    )
    structures = models.ManyToManyField(
        "structures.Structure",
        blank=True,
        related_name="events",
        verbose_name="structures participantes",
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = "événement"
        verbose_name_plural = "événements"
        triggers = [bump_version()]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} · {self.title}"


@tracked("EventActionHistory", pghistory.InsertEvent(), pghistory.DeleteEvent())
class EventAction(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, verbose_name="événement")
    action = models.ForeignKey("actions.Action", on_delete=models.CASCADE, verbose_name="action")

    class Meta:
        verbose_name = "action liée à un événement"
        verbose_name_plural = "actions liées aux événements"
        constraints = [
            models.UniqueConstraint(fields=["event", "action"], name="unique_event_action"),
        ]

    def __str__(self):
        return f"{self.event} → {self.action.code}"


def attachment_path(instance, filename):
    """Stored under an unguessable name with the extension of the detected type: the
    uploaded name is kept in the row, for display only."""
    extension = Path(instance.name).suffix
    return f"justificatifs/{instance.point.action.plan_id}/{uuid.uuid4().hex}{extension}"


class Attachment(models.Model):
    """A supporting document of a point (PDF, image, office file), served only through a
    view that checks the reader's role."""

    point = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name="point d'avancement",
    )
    file = models.FileField("fichier", upload_to=attachment_path, max_length=200)
    name = models.CharField("nom du fichier", max_length=200)
    content_type = models.CharField("type", max_length=100)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="déposé par",
    )
    uploaded_at = models.DateTimeField("déposé le", default=timezone.now)

    class Meta:
        ordering = ["point", "uploaded_at", "pk"]
        verbose_name = "justificatif"
        verbose_name_plural = "justificatifs"

    def __str__(self):
        return self.name
