"""The comité de suivi's sessions: who is invited and who came, the agenda, and the decisions
(« relevé de décisions ») followed on their actions until someone says they are done.

The models live with the plan they govern, so that the action's page, « Mes actions » and the
campaign's form (this app) read and close the decisions; preparing and recording a session is
the committee app's (it also reads the indicators, above this app)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from essplan.versioning import Versioned, bump_version, tracked


class SessionQuerySet(models.QuerySet):
    def upcoming(self, today=None):
        """Sessions not yet held, from today on, the nearest first."""
        today = today or timezone.localdate()
        return self.filter(date__gte=today).exclude(state=Session.State.HELD).order_by("date")

    def held(self):
        return self.filter(state=Session.State.HELD)

    def with_counts(self):
        """Each session's number of agenda items kept (item_count) and of decisions
        (decision_count)."""
        return self.annotate(
            item_count=models.Count(
                "items", filter=Q(items__state=AgendaItem.State.KEPT), distinct=True
            ),
            decision_count=models.Count("decisions", distinct=True),
        )


@tracked("SessionHistory")
class Session(Versioned):
    """A séance du comité de suivi of a plan."""

    class State(models.TextChoices):
        PREPARED = "preparation", "En préparation"
        CONVENED = "convoquee", "Ordre du jour envoyé"
        HELD = "tenue", "Tenue"

    plan = models.ForeignKey(
        "actions.Plan", on_delete=models.PROTECT, related_name="sessions", verbose_name="plan"
    )
    date = models.DateField("date")
    starts_at = models.TimeField("heure", null=True, blank=True)
    place = models.CharField("lieu", max_length=300, blank=True)
    video_link = models.URLField("lien de visioconférence", max_length=500, blank=True)
    state = models.CharField("état", max_length=20, choices=State, default=State.PREPARED)
    agenda_sent_at = models.DateTimeField("ordre du jour envoyé le", null=True, blank=True)
    proposals_until = models.DateField(
        "propositions de points jusqu'au",
        null=True,
        blank=True,
        help_text="Les membres du comité peuvent proposer un point jusqu'à cette date incluse.",
    )
    notes = models.TextField(
        "observations générales", blank=True, help_text="Repris en tête du relevé de décisions."
    )
    is_fictitious = models.BooleanField(
        "fictive",
        default=False,
        help_text="Séance d'exemple des données de démonstration : signalée partout.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-date"]
        verbose_name = "séance du comité de suivi"
        verbose_name_plural = "séances du comité de suivi"
        permissions = [("propose_agendaitem", "Proposer un point à l'ordre du jour d'une séance")]
        triggers = [bump_version()]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "date"],
                name="one_session_per_plan_and_day",
                violation_error_message="Ce plan a déjà une séance ce jour-là.",
            ),
        ]

    def __str__(self):
        return f"Comité de suivi du {self.date:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("committee:session", kwargs={"slug": self.plan.slug, "pk": self.pk})


class Member(models.Model):
    """One member invited to a session: an account (a comité member, an elected official…) or
    a structure of the directory that sits on the comité; then whether they came."""

    class Attendance(models.TextChoices):
        INVITED = "invite", "Invité"
        PRESENT = "present", "Présent"
        EXCUSED = "excuse", "Excusé"
        REPRESENTED = "represente", "Représenté"
        ABSENT = "absent", "Absent"

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="members", verbose_name="séance"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_seats",
        verbose_name="compte",
    )
    structure = models.ForeignKey(
        "structures.Structure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_seats",
        verbose_name="structure",
    )
    attendance = models.CharField(
        "présence", max_length=20, choices=Attendance, default=Attendance.INVITED
    )
    represented_by = models.CharField("représenté par", max_length=200, blank=True)

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = "membre invité"
        verbose_name_plural = "membres invités"
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True) ^ Q(structure__isnull=True),
                name="member_is_an_account_or_a_structure",
                violation_error_message="Un membre est un compte ou une structure, pas les deux.",
            ),
            models.UniqueConstraint(
                fields=["session", "user"], name="account_invited_once_per_session"
            ),
            models.UniqueConstraint(
                fields=["session", "structure"], name="structure_invited_once_per_session"
            ),
        ]

    def __str__(self):
        return str(self.structure or self.user)


class AgendaItem(models.Model):
    """A point of a session's agenda: proposed from the plan's state (drawn by the committee
    app), added by the team, or proposed by a member and moderated by the team."""

    class Source(models.TextChoices):
        OPEN_DECISIONS = "decisions", "Décisions encore ouvertes"
        LATE = "retard", "Action en retard"
        PAUSED = "suspendue", "Action suspendue"
        ABANDONED = "abandonnee", "Action abandonnée"
        TO_DISCUSS = "a_discuter", "Action « À discuter »"
        MISSING_POINTS = "points_manquants", "Points de la campagne manquants"
        INDICATOR = "indicateur", "Indicateur hors cible"
        TEAM = "equipe", "Ajouté par l'équipe"
        MEMBER = "membre", "Proposé par un membre"

    class State(models.TextChoices):
        PROPOSED = "propose", "Proposé, à examiner"
        KEPT = "retenu", "À l'ordre du jour"
        REFUSED = "ecarte", "Écarté"

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="items", verbose_name="séance"
    )
    position = models.PositiveSmallIntegerField("rang", default=0)
    source = models.CharField("origine", max_length=20, choices=Source, default=Source.TEAM)
    state = models.CharField("état", max_length=20, choices=State, default=State.KEPT)
    title = models.CharField("intitulé", max_length=300)
    detail = models.TextField("présentation", blank=True)
    action = models.ForeignKey(
        "actions.Action",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name="action",
    )
    summary = models.TextField("synthèse des échanges", blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="proposé par",
    )
    refusal_reason = models.CharField("motif de l'écart", max_length=300, blank=True)
    document = models.FileField(
        "document joint", upload_to="comite/%Y/", max_length=300, blank=True
    )

    class Meta:
        ordering = ["session", "position", "pk"]
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "points de l'ordre du jour"

    def __str__(self):
        return self.title


class DiscussionRequest(models.Model):
    """The flag « À discuter » on an action, raised by the team or its pilot with a reason:
    proposed for the next session's agenda, lowered when an agenda takes it up (or by the
    team)."""

    action = models.ForeignKey(
        "actions.Action",
        on_delete=models.CASCADE,
        related_name="discussion_requests",
        verbose_name="action",
    )
    reason = models.TextField("pourquoi en discuter")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="demandé par",
    )
    raised_at = models.DateTimeField("demandé le", auto_now_add=True)
    closed_at = models.DateTimeField("levé le", null=True, blank=True)
    item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="discussion_requests",
        verbose_name="repris au point",
    )

    class Meta:
        ordering = ["action", "-raised_at"]
        verbose_name = "demande de discussion"
        verbose_name_plural = "demandes de discussion"
        constraints = [
            models.UniqueConstraint(
                fields=["action"],
                condition=Q(closed_at__isnull=True),
                name="one_open_discussion_request_per_action",
                violation_error_message="Cette action est déjà « À discuter ».",
            ),
        ]

    def __str__(self):
        return f"À discuter : {self.action}"


class DecisionQuerySet(models.QuerySet):
    def taken(self):
        """The decisions of sessions held: until « Séance tenue » a session's decisions may
        still be deleted, and no figure counts them."""
        return self.filter(session__state=Session.State.HELD)

    def open(self):
        return self.filter(done_at__isnull=True)

    def late(self, on=None):
        """Open decisions whose due date is past on ON (today by default)."""
        return self.open().filter(due_on__lt=on or timezone.localdate())


class Decision(models.Model):
    """What the comité decided: for which action, who carries it, by when; open until
    someone says it is done (when and who is kept)."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="decisions", verbose_name="séance"
    )
    item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name="point de l'ordre du jour",
    )
    action = models.ForeignKey(
        "actions.Action",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name="action",
    )
    text = models.TextField("décision")
    carrier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions_carried",
        verbose_name="porteur (compte)",
    )
    carrier_name = models.CharField(
        "porteur",
        max_length=200,
        blank=True,
        help_text="Une direction, un partenaire… quand le porteur n'a pas de compte.",
    )
    due_on = models.DateField("échéance", null=True, blank=True)
    done_at = models.DateTimeField("réalisée le", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="déclarée réalisée par",
    )
    done_note = models.TextField("suite donnée", blank=True)
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = "décision du comité"
        verbose_name_plural = "décisions du comité"
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | ~Q(done_note=""),
                name="a_done_decision_says_what_was_done",
                violation_error_message="Dites ce qui a été fait pour clore la décision.",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def is_done(self):
        return self.done_at is not None

    def is_late(self, on=None):
        return (
            not self.is_done
            and self.due_on is not None
            and self.due_on < (on or timezone.localdate())
        )
