"""The roles' permissions on indicators: editors and administrators define them and enter
values; the comité de suivi reads them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["indicator", "target", "measurement"]
EDIT = [f"{verb}_{model}" for model in MODELS for verb in ("view", "add", "change", "delete")]
GRANTS = {
    "Administrateur": EDIT,
    "Équipe ESS": EDIT,
    "Comité de suivi": [f"view_{model}" for model in MODELS],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_config = apps.get_app_config("indicators")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    for role, codenames in GRANTS.items():
        Group.objects.get(name=role).permissions.add(*Permission.objects.filter(
            content_type__app_label="indicators", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in GRANTS:
        Group.objects.get(name=role).permissions.remove(
            *Permission.objects.filter(content_type__app_label="indicators"))


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0001_initial"),
        ("actions", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
