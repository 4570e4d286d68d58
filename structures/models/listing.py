from django.conf import settings
from django.db import models

from essplan.versioning import tracked

from ..validators import validate_siret
from .reference import Commune, EssFamily, LegalForm
from .structure import Structure

# One request per SIRET waits at a time: the public form says so, and the constraint below
# holds it when two are sent at the same moment.
PENDING_SIRET = "Une demande pour ce SIRET attend déjà la réponse de l'équipe ESS."


@tracked("ListingRequestHistory")
class ListingRequest(models.Model):
    """A structure's request, sent through the public form, to appear on the public
    directory; it waits for the ESS team's decision."""

    class State(models.TextChoices):
        PENDING = "en_attente", "en attente"
        ACCEPTED = "acceptee", "acceptée"
        REFUSED = "refusee", "refusée"

    name = models.CharField("nom de la structure", max_length=250)
    siret = models.CharField("SIRET", max_length=14, validators=[validate_siret])
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", verbose_name="commune"
    )
    activity = models.TextField("activité", blank=True)
    legal_form = models.ForeignKey(
        LegalForm,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="forme juridique",
    )
    # Empty for the requests received before the form asked it.
    family = models.CharField("famille de l'ESS", max_length=30, choices=EssFamily, blank=True)
    website = models.URLField("site web", blank=True)
    contact_name = models.CharField("nom de la personne à contacter", max_length=150)
    email = models.EmailField("courriel de la personne à contacter")
    public_contact = models.CharField("contact public", max_length=200, blank=True)
    consent = models.BooleanField("accord pour paraître dans l'annuaire public")
    created_at = models.DateTimeField("reçue le", auto_now_add=True)
    # A keyed hash of the sender's address, for the rate limit only (emptied once decided).
    client_key = models.CharField(max_length=64, blank=True, editable=False)
    state = models.CharField("état", max_length=12, choices=State, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="traitée par",
    )
    decided_at = models.DateTimeField("traitée le", null=True, blank=True)
    structure = models.ForeignKey(
        Structure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listing_requests",
        verbose_name="structure",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "demande d'inscription"
        verbose_name_plural = "demandes d'inscription"
        indexes = [
            models.Index(
                fields=["client_key", "created_at"],
                name="listing_request_client",
                condition=~models.Q(client_key=""),
            ),
            models.Index(
                fields=["created_at"],
                name="listing_request_pending",
                condition=models.Q(state="en_attente"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent=True), name="listing_request_consent"
            ),
            models.UniqueConstraint(
                fields=["siret"],
                condition=models.Q(state="en_attente"),
                name="one_pending_listing_request_per_siret",
                violation_error_message=PENDING_SIRET,
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_state_display()})"
