"""Create the three roles (Administrateur, Équipe ESS, Comité de suivi) as groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen copy of the grants at the time of this migration (later grants get migrations of their own).
PLAN_READ = ["view_plan", "view_axis", "view_objective", "view_action", "view_direction"]
PERMISSIONS = {
    "Administrateur": {"actions": "*", "auth": "*"},
    "Équipe ESS": {"actions": [*PLAN_READ, "change_action"]},
    "Comité de suivi": {"actions": PLAN_READ},
}


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # Permissions are normally created after the last migration; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    for role, grants in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, codenames in grants.items():
            permissions = Permission.objects.filter(content_type__app_label=app_label)
            if codenames != "*":
                permissions = permissions.filter(codename__in=codenames)
            group.permissions.add(*permissions)


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
