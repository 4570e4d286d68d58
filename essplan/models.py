"""The core app's tables: the files staged between an import's dry run and its
confirmation, the recent « Mot de passe oublié ? » requests. Its SQL objects (the
accent-folding function, the data versions) are made by its migrations."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class StagedImport(models.Model):
    """A checked file waiting for its confirmation: it belongs to who uploaded it, is
    consumed once, expires, and its content (contact data) is erased once used or expired."""

    token = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    namespace = models.CharField("import", max_length=50)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="déposé par",
    )
    created_at = models.DateTimeField("vérifié le", default=timezone.now)
    consumed_at = models.DateTimeField("importé le", null=True, blank=True)
    # The versions of what the dry run read (the import's reads_scopes): a confirmation after
    # writes there checks again.
    versions = models.JSONField("versions des données vérifiées", default=dict)
    file_name = models.CharField("fichier", max_length=255)
    content = models.TextField("contenu (CSV)", blank=True)
    rows = models.PositiveIntegerField("lignes", default=0)
    # A large file is staged before its dry run (a job does it): it cannot be confirmed before.
    checked = models.BooleanField("vérifié", default=True)

    class Meta:
        verbose_name = "import en attente"
        verbose_name_plural = "imports en attente"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.namespace})"

    def expired(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) - self.created_at > settings.IMPORT_STAGING_TTL


class PasswordResetRequest(models.Model):
    """A « Mot de passe oublié ? » request, kept an hour for its rate limits (per address,
    per client): both are keyed hashes (essplan.throttle.keyed), neither is stored as such."""

    address_key = models.CharField("adresse (empreinte)", max_length=64, editable=False)
    client_key = models.CharField("client (empreinte)", max_length=64, editable=False)
    created_at = models.DateTimeField("demandé le", default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "demande de mot de passe"
        verbose_name_plural = "demandes de mot de passe"
        indexes = [
            models.Index(fields=["address_key", "created_at"], name="reset_request_address"),
            models.Index(fields=["client_key", "created_at"], name="reset_request_client"),
        ]

    def __str__(self) -> str:
        return f"Demande du {self.created_at:%d/%m/%Y %H:%M}"


class Notification(models.Model):
    """An e-mail telling the person who acts next that a hand-off happened (a point sent back,
    a pilot named…): recorded in the transaction of the change, sent after it by the worker
    (essplan.notify). One per (kind, object, address): a hand-off is told once."""

    class Kind(models.TextChoices):
        POINT_SUBMITTED = "point_soumis", "Point soumis"
        POINT_SENT_BACK = "point_renvoye", "Point renvoyé"
        POINT_VALIDATED = "point_valide", "Point validé"
        POINT_REPLIED = "point_reponse", "Réponse du pilote sur un point renvoyé"
        PILOT_NAMED = "pilote_nomme", "Pilote nommé"
        LISTING_RECEIVED = "demande_recue", "Demande d'inscription reçue"
        LISTING_DECIDED = "demande_traitee", "Demande d'inscription traitée"
        INVITATION_ACCEPTED = "invitation_acceptee", "Invitation acceptée"
        AGENDA_SENT = "ordre_du_jour", "Ordre du jour d'une séance du comité envoyé"
        ITEM_PROPOSED = "point_propose", "Point proposé par un membre du comité"
        ITEM_DECIDED = "point_examine", "Point proposé examiné par l'équipe"
        DECISION_RECORDED = "decision", "Décision du comité à porter"

    kind = models.CharField("événement", max_length=30, choices=Kind)
    object_id = models.PositiveBigIntegerField(
        "objet",
        help_text="La clé de l'objet dont l'événement parle (selon l'événement : "
        "commentaire de revue, nomination, demande d'inscription, "
        "invitation).",
    )
    address = models.EmailField("adresse")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="destinataire",
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("essais d'envoi", default=0)
    last_error = models.TextField("dernière erreur", blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "notification"
        verbose_name_plural = "notifications"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "address"],
                name="one_notification_per_hand_off",
                violation_error_message="Cette personne en est déjà avertie.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="notification_pending",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.address}"


class Invitation(models.Model):
    """An account made by an administrator's invitation: who invited, and when the person
    accepted it (chose a password through the invitation's link)."""

    PENDING, ACCEPTED, EXPIRED = "en_attente", "acceptee", "expiree"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitation",
        verbose_name="compte",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="invité(e) par",
    )
    created_at = models.DateTimeField("invité(e) le", default=timezone.now)
    sent_at = models.DateTimeField(
        "envoyée le",
        default=timezone.now,
        help_text="Le dernier envoi du lien : son délai de validité court à partir de là.",
    )
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "invitation"
        verbose_name_plural = "invitations"

    def __str__(self) -> str:
        return f"Invitation de {self.user}"

    @property
    def expires_at(self) -> datetime.datetime:
        """When the last link sent dies: Django's token lives PASSWORD_RESET_TIMEOUT seconds
        from its making."""
        return self.sent_at + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)

    def state(self, now: datetime.datetime) -> str:
        """ACCEPTED, EXPIRED (the last link died unused: past expires_at, as the token) or
        PENDING, at NOW."""
        if self.accepted_at is not None:
            return self.ACCEPTED
        return self.EXPIRED if now > self.expires_at else self.PENDING


class LinkRevocation(models.Model):
    """When an administrator revoked a person's personal links (essplan/links.py): every link
    made before that moment is refused, those of the next mails serve."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="link_revocation",
        verbose_name="compte",
    )
    revoked_at = models.DateTimeField("liens révoqués le", default=timezone.now)

    class Meta:
        ordering = ["-revoked_at"]
        verbose_name = "révocation des liens personnels"
        verbose_name_plural = "révocations des liens personnels"

    def __str__(self) -> str:
        when = timezone.localtime(self.revoked_at)
        return f"Liens de {self.user} révoqués le {when:%d/%m/%Y %H:%M}"
