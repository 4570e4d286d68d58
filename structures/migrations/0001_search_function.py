"""Accent folding for French full-text search (essplan.search).

The embedded PostgreSQL (pgserver) ships without the unaccent extension, so
accents are folded by an immutable SQL function of our own, usable in indexes
and generated columns on every server.
"""

from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.RunSQL(
            """
            CREATE FUNCTION essplan_unaccent(text) RETURNS text
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
                SELECT replace(replace(replace(replace(translate($1,
                    'àâäáãåçéèêëíìîïñóòôöõúùûüýÿÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸ’',
                    'aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUYY'''),
                    'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
            $$;
            """,
            "DROP FUNCTION essplan_unaccent(text);",
        ),
    ]
