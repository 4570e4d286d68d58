"""The roles' permissions on annual reports: administrators generate and publish them;
the ESS team and the comité de suivi read the published ones."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Administrateur": ["view_annualreport", "add_annualreport", "change_annualreport",
                       "delete_annualreport"],
    "Équipe ESS": ["view_annualreport"],
    "Comité de suivi": ["view_annualreport"],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_config = apps.get_app_config("reports")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    for role, codenames in GRANTS.items():
        Group.objects.get(name=role).permissions.add(*Permission.objects.filter(
            content_type__app_label="reports", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in GRANTS:
        Group.objects.get(name=role).permissions.remove(
            *Permission.objects.filter(content_type__app_label="reports"))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_annual_report"),
        ("actions", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
