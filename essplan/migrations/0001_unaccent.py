"""Accent folding for French full-text search (essplan.search).

The embedded PostgreSQL (pgserver) ships without the unaccent extension, so
accents are folded by an immutable SQL function of our own, usable in indexes
and generated columns on every server.

It replaces structures.0001_search_function, which made the same function before
the core app existed: databases that applied that one count this one as applied.
"""

from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    replaces = [("structures", "0001_search_function")]

    dependencies = []

    operations = [
        migrations.RunSQL(
            """
            CREATE OR REPLACE FUNCTION essplan_unaccent(text) RETURNS text
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
