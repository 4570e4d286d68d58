"""The roles' follow-up permissions; search needs essplan_unaccent (structures.0001)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FOLLOWUP = ["progressupdate", "budgetline", "event", "eventaction"]
GRANTS = {
    "Administrateur": [f"{verb}_{model}" for model in FOLLOWUP
                       for verb in ("view", "add", "change", "delete")],
    "Équipe ESS": [f"{verb}_{model}" for model in FOLLOWUP
                   for verb in ("view", "add", "change", "delete")],
    "Comité de suivi": [f"view_{model}" for model in FOLLOWUP],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_config = apps.get_app_config("actions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    for role, codenames in GRANTS.items():
        group = Group.objects.get(name=role)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="actions", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        Group.objects.get(name=role).permissions.remove(
            *Permission.objects.filter(content_type__app_label="actions", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0003_followup_and_history"),
        ("structures", "0001_search_function"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
    ]
