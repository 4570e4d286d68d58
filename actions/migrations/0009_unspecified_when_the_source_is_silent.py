"""What the sources do not say is left unspecified; Caen la mer's fiches as written.

The annex of DEL2023_012A names no pilot, priority or years per action: seeded
Cotentin actions that nobody has edited since (version 1) lose the values the
loader used to invent. Caen la mer's untouched fiches take the seed's wording.
The lead direction gets back the words of the deliberation.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import migrations, models

OLD_LEAD = (
    "Direction du développement économique, emploi, enseignement supérieur, recherche et innovation"
)
LEAD = (
    "Direction du développement économique, emploi, et de l'enseignement supérieur, recherche "
    "et innovation"
)
CAEN_FIELDS = [
    "title",
    "expected_impacts",
    "description",
    "target_publics",
    "partners_text",
    "location",
    "planned_years",
]
CAEN_LABELS = {
    "Forum ESS, petits déjeuners, visites d'entreprises, soutien à la création d'un PTCE": "Forum ESS, petits déjeuners, visites d'entreprises, soutien à la création d'un Pôle "
    "territorial de coopération économique (PTCE)",
    "Appel à projets : somme versée par la Caisse des Dépôts (fourchette basse)": "Appel à projets. Somme versée par la caisse des dépôts. Cette somme est susceptible "
    "d'évoluer et 20 000 euros est la fourchette basse",
}


def as_the_sources_say(apps, schema_editor):
    Direction = apps.get_model("actions", "Direction")
    Action = apps.get_model("actions", "Action")
    BudgetLine = apps.get_model("actions", "BudgetLine")
    if not Direction.objects.filter(name=LEAD).exists():
        Direction.objects.filter(name=OLD_LEAD).update(name=LEAD)
    Action.objects.filter(
        plan__slug="cotentin-ess-2023-2025",
        version=1,
        priority="normale",
        planned_years=[2023, 2024, 2025],
    ).update(priority="", planned_years=[], pilot_direction=None)
    caen = Action.objects.filter(plan__slug="caen-la-mer-ess-2013-2015")
    if not caen.exists():
        return
    seed = json.loads(
        (Path(settings.BASE_DIR) / "fixtures" / "plan_caen_la_mer_2013_2015.json").read_text(
            encoding="utf-8"
        )
    )
    for axis in seed["axes"]:
        for objective in axis["objectives"]:
            for fiche in objective["actions"]:
                caen.filter(code=fiche["code"], version=1).update(
                    priority="", **{field: fiche.get(field, "") for field in CAEN_FIELDS}
                )
    for old, new in CAEN_LABELS.items():
        BudgetLine.objects.filter(action__in=caen, label=old).update(label=new)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0008_plan_vote_and_estimate"),
    ]

    operations = [
        migrations.AlterField(
            model_name="action",
            name="priority",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Non précisée"),
                    ("haute", "Haute"),
                    ("normale", "Normale"),
                    ("basse", "Basse"),
                ],
                default="",
                help_text="Laissée « non précisée » quand la fiche ne la donne pas.",
                max_length=10,
                verbose_name="priorité",
            ),
        ),
        migrations.AlterField(
            model_name="actionhistory",
            name="priority",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Non précisée"),
                    ("haute", "Haute"),
                    ("normale", "Normale"),
                    ("basse", "Basse"),
                ],
                default="",
                help_text="Laissée « non précisée » quand la fiche ne la donne pas.",
                max_length=10,
                verbose_name="priorité",
            ),
        ),
        migrations.RunPython(as_the_sources_say, migrations.RunPython.noop),
    ]
