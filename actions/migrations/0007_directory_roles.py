"""The roles' permissions on the directory (app structures)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDIT = [f"{verb}_structure" for verb in ("view", "add", "change", "delete")]
READ_REFERENCE = ["view_commune", "view_legalform", "view_nafcode"]
GRANTS = {
    "Administrateur": "*",
    "Équipe ESS": EDIT + READ_REFERENCE,
    "Comité de suivi": ["view_structure", *READ_REFERENCE],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_config = apps.get_app_config("structures")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    for role, codenames in GRANTS.items():
        permissions = Permission.objects.filter(content_type__app_label="structures")
        if codenames != "*":
            permissions = permissions.filter(codename__in=codenames)
        Group.objects.get(name=role).permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in GRANTS:
        Group.objects.get(name=role).permissions.remove(
            *Permission.objects.filter(content_type__app_label="structures")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0006_partners_and_participants"),
        ("structures", "0002_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
