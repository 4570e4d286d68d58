"""The core app's tables: the files staged between an import's dry run and its
confirmation, the recent « Mot de passe oublié ? » requests. Its SQL objects (the
accent-folding function, the data versions) are made by its migrations."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class StagedImport(models.Model):
    """A checked file waiting for its confirmation: it belongs to who uploaded it, is
    consumed once, expires, and its content (contact data) is erased once used or expired."""

    token = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    namespace = models.CharField("import", max_length=50)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="+", verbose_name="déposé par")
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

    def __str__(self):
        return f"{self.file_name} ({self.namespace})"

    def expired(self, now=None):
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

    def __str__(self):
        return f"Demande du {self.created_at:%d/%m/%Y %H:%M}"
