import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Case, F, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from essplan.french import count, euros
from essplan.search import search_query, search_vector
from essplan.versioning import Versioned, bump_version, tracked

from .followup import (
    CURRENT_STATUSES,
    NO_POINT,
    REVIEW_LABELS,
    TO_ENTER,
    ProgressUpdate,
    Status,
)

CURRENT_STATUS_LABELS = dict(CURRENT_STATUSES)

code_validator = RegexValidator(
    r"^[0-9]+(\.[0-9]+)*$",
    "Un code est fait de nombres séparés par des points, par exemple 1.4.7.",
)


def natural_code_key():
    """'1.4.10' -> {1,4,10}: integer arrays sort 1.4.9 before 1.4.10."""
    return models.GeneratedField(
        expression=Cast(
            Func(F("code"), Value("."), function="string_to_array"),
            ArrayField(models.IntegerField()),
        ),
        output_field=ArrayField(models.IntegerField()),
        db_persist=True,
        verbose_name="clé de tri",
    )


class Direction(models.Model):
    name = models.CharField("nom", max_length=200, unique=True)
    short_name = models.CharField("nom court", max_length=60, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "direction"
        verbose_name_plural = "directions"

    def __str__(self):
        return self.short_name or self.name


class PlanQuerySet(models.QuerySet):
    def without_drafts(self):
        """The plans adopted or closed: what all but those who manage plans may read (who may
        read what is decided in actions.access.readable_plans)."""
        return self.exclude(state=Plan.State.DRAFT)

    def public(self):
        """The plans an administrator published on the public site (never a draft)."""
        return self.filter(is_public=True).without_drafts()

    def current(self):
        """The adopted plan that started last, else the most recent one."""
        return self.order_by(
            models.Case(models.When(state=Plan.State.ADOPTED, then=0), default=1),
            "-first_year",
        ).first()

    def with_tree(self):
        """Prefetch axes -> objectives -> actions (with their pilot direction and status), in
        code order."""
        actions = (
            Action.objects.with_status().select_related("pilot_direction").order_by("code_key")
        )
        objectives = Objective.objects.order_by("code_key").prefetch_related(
            models.Prefetch("actions", queryset=actions)
        )
        axes = Axis.objects.order_by("number").prefetch_related(
            models.Prefetch("objectives", queryset=objectives)
        )
        return self.prefetch_related(models.Prefetch("axes", queryset=axes))


# The fields of a yearly point that a public plan may show; internal comments, the review
# thread, budget lines and attachments never appear on the public site.
PUBLIC_POINT_FIELDS = [
    ("achievements", "réalisations"),
    ("difficulties", "difficultés rencontrées"),
    ("next_steps", "prochaines étapes"),
]


def default_public_point_fields():
    return ["achievements"]


@tracked("PlanHistory")
class Plan(models.Model):
    class State(models.TextChoices):
        DRAFT = "brouillon", "Brouillon"
        ADOPTED = "adopte", "Adopté"
        CLOSED = "clos", "Clos"

    title = models.CharField("intitulé", max_length=200)
    slug = models.SlugField("identifiant d'URL", max_length=80, unique=True)
    territory = models.CharField("territoire", max_length=200)
    first_year = models.PositiveSmallIntegerField("première année")
    last_year = models.PositiveSmallIntegerField("dernière année")
    deliberation_reference = models.CharField(
        "référence de la délibération", max_length=50, blank=True
    )
    adoption_date = models.DateField(
        "date d'adoption",
        null=True,
        blank=True,
        help_text=(
            "Date de la séance du conseil ; laissée vide quand le texte de la "
            "délibération ne la donne pas."
        ),
    )
    deliberation_is_draft = models.BooleanField(
        "projet de délibération",
        default=False,
        help_text=(
            "Le texte connu est le projet soumis au conseil : il ne porte pas le résultat du vote."
        ),
    )
    budget_envelope = models.DecimalField(
        "enveloppe budgétaire (€)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    budget_imputation = models.CharField(
        "imputation budgétaire",
        max_length=200,
        blank=True,
        help_text="Compte et ligne de crédit, par exemple « compte 6188, LdC n°77592 ».",
    )
    envelope_is_estimate = models.BooleanField(
        "enveloppe estimée",
        default=False,
        help_text="La délibération donne un ordre de grandeur (« environ 85 000 € »).",
    )
    votes_for = models.PositiveIntegerField("voix pour", null=True, blank=True)
    votes_against = models.PositiveIntegerField("voix contre", null=True, blank=True)
    abstentions = models.PositiveIntegerField("abstentions", null=True, blank=True)
    state = models.CharField("état", max_length=20, choices=State, default=State.DRAFT)
    lead_direction = models.ForeignKey(
        Direction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="direction pilote du plan",
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_plans",
        verbose_name="plan précédent",
        help_text="Le plan dont celui-ci a été préparé ; il est clos quand celui-ci est adopté.",
    )
    is_public = models.BooleanField(
        "publié sur le site public",
        default=False,
        help_text=(
            "Ses axes, objectifs et actions, leur avancement, les indicateurs et les "
            "rapports publiés sont lisibles par tous sous /public/."
        ),
    )
    public_point_fields = ArrayField(
        models.CharField(max_length=20, choices=PUBLIC_POINT_FIELDS),
        verbose_name="textes publics des points d'avancement",
        default=default_public_point_fields,
        blank=True,
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-first_year", "title"]
        verbose_name = "plan d'actions"
        verbose_name_plural = "plans d'actions"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_year__gte=F("first_year")),
                name="plan_years_in_order",
                violation_error_message=(
                    "La dernière année doit être postérieure ou égale à la première."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def vote_text(self):
        """« 167 pour, 0 contre, 9 abstentions », as the deliberation records the vote."""
        if self.votes_for is None:
            return ""
        return (
            f"{count(self.votes_for, 'pour', 'pour')}, "
            f"{count(self.votes_against or 0, 'contre', 'contre')}, "
            f"{count(self.abstentions or 0, 'abstention', 'abstentions')}"
        )

    @property
    def deliberation_text(self):
        """The deliberation as its text names it, saying what the text leaves out: « projet
        de délibération n° C-12-05-01, séance du 7 décembre 2012 (le résultat du vote n'y
        figure pas) », « n° DEL2023_012A (date non précisée dans le texte de la
        délibération) »."""
        if not self.deliberation_reference:
            return ""
        text = f"n° {self.deliberation_reference}"
        if self.deliberation_is_draft:
            text = f"projet de délibération {text}"
        if self.adoption_date is None:
            text += " (date non précisée dans le texte de la délibération)"
        else:
            day = date_format(self.adoption_date, "j F Y")
            text += f", séance du {day}" if self.deliberation_is_draft else f" du {day}"
        if self.deliberation_is_draft:
            text += " (le résultat du vote n'y figure pas)"
        return text

    @property
    def envelope_text(self):
        """« environ 85 000 € » when the deliberation gives an order of magnitude (in its own
        words, to the euro), else the amount to the cent as every amount: « 90 000,00 € »."""
        if self.budget_envelope is None:
            return "—"
        if self.envelope_is_estimate:
            return f"environ {euros(self.budget_envelope, 0)}"
        return euros(self.budget_envelope)

    def get_absolute_url(self):
        return reverse("actions:plan_detail", kwargs={"slug": self.slug})

    @property
    def years(self):
        return range(self.first_year, self.last_year + 1)

    @property
    def end(self):
        """The last day of the plan's period."""
        return datetime.date(self.last_year, 12, 31)

    @property
    def period_text(self):
        """« Plan terminé le 31/12/2025 » once the period is over, else « Plan en cours (…) »."""
        if timezone.localdate() > self.end:
            return f"Plan terminé le {self.end:%d/%m/%Y}"
        if timezone.localdate().year < self.first_year:
            return f"Plan à venir ({self.first_year}-{self.last_year})"
        return f"Plan en cours ({self.first_year}-{self.last_year}), jusqu'au {self.end:%d/%m/%Y}"

    @property
    def current_year(self):
        """Today's year while the plan runs, else its nearest year (first or last)."""
        return min(max(timezone.localdate().year, self.first_year), self.last_year)

    @property
    def year_in_progress(self):
        """Today's year while the plan runs, else None: the only year of the plan that the
        state of the day (the directory as it stands) may speak for."""
        year = timezone.localdate().year
        return year if year in self.years else None


class Axis(models.Model):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="axes", verbose_name="plan"
    )
    number = models.PositiveSmallIntegerField("numéro")
    title = models.CharField("intitulé", max_length=300)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = "axe stratégique"
        verbose_name_plural = "axes stratégiques"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="unique_axis_number_per_plan",
                violation_error_message="Ce plan a déjà un axe portant ce numéro.",
            ),
        ]

    def __str__(self):
        return f"Axe {self.number} · {self.title}"


class Objective(models.Model):
    axis = models.ForeignKey(
        Axis, on_delete=models.CASCADE, related_name="objectives", verbose_name="axe"
    )
    code = models.CharField("code", max_length=20, validators=[code_validator])
    code_key = natural_code_key()
    title = models.CharField("intitulé", max_length=300)

    class Meta:
        ordering = ["code_key"]
        verbose_name = "objectif opérationnel"
        verbose_name_plural = "objectifs opérationnels"
        constraints = [
            models.UniqueConstraint(
                fields=["axis", "code"],
                name="unique_objective_code_per_axis",
                violation_error_message="Cet axe a déjà un objectif portant ce code.",
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.title}"


class ActionQuerySet(models.QuerySet):
    def with_review(self, year):
        """Annotate the campaign state of the point of YEAR ("review": « à saisir » without a
        point) and that point's id ("point_id"). A point is unique per action and year: the
        subquery drops the model's ordering, whose joins to the action and its plan would be
        made again for each row."""
        points = ProgressUpdate.objects.filter(action=OuterRef("pk"), year=year).order_by()
        return self.annotate(
            review=Coalesce(Subquery(points.values("review")[:1]), Value(TO_ENTER)),
            point_id=Subquery(points.values("pk")[:1]),
        )

    def with_status(self, year=None, *, as_of=None):
        """Annotate the status and progress of the latest point the ESS team validated (up to
        YEAR), the year of that point ("status_year") and "en retard" on AS_OF (default: today).

        The one definition of an action's status (actions.figures): a draft, a submitted point
        or one sent back moves nothing until it is validated. An action is late when its end
        date (by default, the end of its plan's last year) has passed and it is neither
        Réalisée nor Abandonnée (an abandoned action is no longer expected). An action without
        a validated point is « Sans point ».
        """
        latest = ProgressUpdate.objects.validated().filter(action=OuterRef("pk")).order_by("-year")
        if year is not None:
            latest = latest.filter(year__lte=year)
        return self.annotate(
            current_status=Coalesce(Subquery(latest.values("status")[:1]), Value(NO_POINT)),
            current_progress=Subquery(latest.values("progress")[:1]),
            status_year=Subquery(latest.values("year")[:1]),
            due_date=Coalesce(
                F("end_date"),
                Func(
                    F("plan__last_year"),
                    Value(12),
                    Value(31),
                    function="make_date",
                    output_field=models.DateField(),
                ),
            ),
        ).annotate(
            is_late=Case(
                When(
                    Q(due_date__lt=as_of or timezone.localdate())
                    & ~Q(current_status__in=[Status.DONE, Status.ABANDONED]),
                    then=Value(True),
                ),
                default=Value(False),
            )
        )

    def search(self, text):
        """French full-text search on code and title, accent-insensitive; codes by prefix."""
        text = text.strip()
        if not text:
            return self
        return self.annotate(search=search_vector("code", "title")).filter(
            Q(search=search_query(text)) | Q(code__startswith=text)
        )


@tracked("ActionHistory", exclude=["code_key"])
class Action(Versioned):
    class Priority(models.TextChoices):
        UNSPECIFIED = "", "Non précisée"
        HIGH = "haute", "Haute"
        NORMAL = "normale", "Normale"
        LOW = "basse", "Basse"

    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        related_name="actions",
        blank=True,
        verbose_name="plan",
        help_text=(
            "Le plan de l'objectif (déduit de l'objectif si laissé vide) ; "
            "il garantit l'unicité du code dans le plan."
        ),
    )
    objective = models.ForeignKey(
        Objective,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name="objectif opérationnel",
    )
    code = models.CharField("code", max_length=20, validators=[code_validator])
    code_key = natural_code_key()
    title = models.CharField("intitulé", max_length=400)
    expected_impacts = models.TextField("objectifs, impacts attendus", blank=True)
    description = models.TextField("descriptif", blank=True)
    target_publics = models.TextField("publics visés", blank=True)
    pilot_direction = models.ForeignKey(
        Direction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="piloted_actions",
        verbose_name="direction pilote",
    )
    pilots = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="piloted_actions",
        verbose_name="pilotes",
        help_text="Les personnes qui font le point de l'action chaque année.",
    )
    associated_directions = models.ManyToManyField(
        Direction,
        blank=True,
        related_name="associated_actions",
        verbose_name="directions associées",
    )
    partners_text = models.TextField(
        "partenaires associés",
        blank=True,
        help_text="Partenaires qui ne figurent pas (encore) dans l'annuaire.",
    )
    partner_structures = models.ManyToManyField(
        "structures.Structure",
        blank=True,
        related_name="partner_actions",
        verbose_name="structures partenaires",
        help_text="Structures de l'annuaire associées à l'action.",
    )
    resources = models.TextField("ressources mobilisables", blank=True)
    planned_years = ArrayField(
        models.PositiveSmallIntegerField(),
        verbose_name="années de réalisation prévues",
        default=list,
        blank=True,
    )
    start_date = models.DateField("date de début", null=True, blank=True)
    end_date = models.DateField("date de fin", null=True, blank=True)
    priority = models.CharField(
        "priorité",
        max_length=10,
        choices=Priority,
        default=Priority.UNSPECIFIED,
        blank=True,
        help_text="Laissée « non précisée » quand la fiche ne la donne pas.",
    )
    location = models.CharField("lieu", max_length=200, blank=True)
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name="action du plan précédent",
        help_text="L'action dont celle-ci est la reconduction.",
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "code_key"]
        verbose_name = "action"
        verbose_name_plural = "actions"
        permissions = [("follow_own_action", "Faire le point des actions dont on est pilote")]
        triggers = [bump_version()]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="unique_action_code_per_plan",
                violation_error_message="Ce plan a déjà une action portant ce code.",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=F("start_date")),
                name="action_dates_in_order",
                violation_error_message=(
                    "La date de fin doit être postérieure ou égale à la date de début."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.title}"

    def get_absolute_url(self):
        return reverse("actions:action_detail", kwargs={"slug": self.plan.slug, "code": self.code})

    @property
    def current_status_label(self):
        """Label of the status annotated by ActionQuerySet.with_status()."""
        return CURRENT_STATUS_LABELS[self.current_status]

    @property
    def review_label(self):
        """Label of the campaign state annotated by ActionQuerySet.with_review()."""
        return REVIEW_LABELS[self.review]

    def url(self, name, **kwargs):
        """URL of one of the action's pages: action.url("actions:action_edit")."""
        return reverse(name, kwargs={"slug": self.plan.slug, "code": self.code, **kwargs})

    def clean(self):
        if self.objective_id is None:
            return
        objective_plan_id = self.objective.axis.plan_id
        if self.plan_id is None:
            self.plan_id = objective_plan_id
        elif self.plan_id != objective_plan_id:
            raise ValidationError(
                {"objective": "Cet objectif appartient à un autre plan que l'action."}
            )
