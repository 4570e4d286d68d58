"""One account per e-mail address (case ignored), since one logs in with it.

The index is created only when the accounts already hold no duplicate address; otherwise
the migration says which addresses to fix (the invitation form checks them anyway)."""

from django.db import migrations

CREATE = """
DO $$
BEGIN
    IF EXISTS (SELECT lower(email) FROM auth_user WHERE email <> ''
               GROUP BY lower(email) HAVING count(*) > 1) THEN
        RAISE WARNING 'auth_user: plusieurs comptes partagent une adresse électronique ; '
                      'l''index d''unicité n''est pas créé tant qu''elles ne sont pas corrigées.';
    ELSE
        CREATE UNIQUE INDEX IF NOT EXISTS auth_user_email_unique_ci
            ON auth_user (lower(email)) WHERE email <> '';
    END IF;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("essplan", "0003_staged_import"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunSQL(CREATE, "DROP INDEX IF EXISTS auth_user_email_unique_ci"),
    ]
