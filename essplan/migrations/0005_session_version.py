"""The "sessions" version of essplan.datacache (its trigger on django_session is installed
after each migrate, with the others)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("essplan", "0004_unique_user_email"), ("sessions", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "INSERT INTO essplan_versions (name, n) VALUES ('sessions', nextval('essplan_versions_seq'))"
            " ON CONFLICT (name) DO NOTHING;",
            "DELETE FROM essplan_versions WHERE name = 'sessions';",
        )
    ]
