"""Files staged between an import's dry run and its confirmation (essplan.imports)."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("essplan", "0002_data_versions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="StagedImport",
            fields=[
                (
                    "token",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("namespace", models.CharField(max_length=50, verbose_name="import")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="vérifié le"
                    ),
                ),
                (
                    "consumed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="importé le"),
                ),
                (
                    "data_version",
                    models.BigIntegerField(verbose_name="version des données vérifiées"),
                ),
                ("file_name", models.CharField(max_length=255, verbose_name="fichier")),
                ("content", models.TextField(blank=True, verbose_name="contenu (CSV)")),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="déposé par",
                    ),
                ),
            ],
            options={
                "verbose_name": "import en attente",
                "verbose_name_plural": "imports en attente",
            },
        ),
    ]
