"""The deliberation's vote and the envelope given as an order of magnitude (« environ »).

Named 0008: databases made before the roles moved to essplan recorded an
actions.0007_directory_roles, which no longer exists."""

from django.db import migrations, models


def from_the_deliberation(apps, schema_editor):
    """DEL2023_012A: « Pour : 167 - Contre : 0 - Abstentions : 9 », « environ 85 000 € »."""
    apps.get_model("actions", "Plan").objects.filter(
        slug="cotentin-ess-2023-2025",
        votes_for__isnull=True,
    ).update(votes_for=167, votes_against=0, abstentions=9, envelope_is_estimate=True)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0006_partners_and_participants"),
    ]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="abstentions",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="abstentions"),
        ),
        migrations.AddField(
            model_name="plan",
            name="envelope_is_estimate",
            field=models.BooleanField(
                default=False,
                help_text="La délibération donne un ordre de grandeur (« environ 85 000 € »).",
                verbose_name="enveloppe estimée",
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="votes_against",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="voix contre"),
        ),
        migrations.AddField(
            model_name="plan",
            name="votes_for",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="voix pour"),
        ),
        migrations.RunPython(from_the_deliberation, migrations.RunPython.noop),
    ]
