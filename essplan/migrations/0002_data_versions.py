"""The data versions of essplan.datacache: one row per scope, moved on by a statement
trigger on every table of the scope (installed after each migrate, so new tables get
theirs). IF NOT EXISTS: databases made before this migration already have them."""

from django.db import migrations

CREATE = """
CREATE SEQUENCE IF NOT EXISTS essplan_versions_seq;
CREATE TABLE IF NOT EXISTS essplan_versions (name text PRIMARY KEY, n bigint NOT NULL);
INSERT INTO essplan_versions (name, n)
    SELECT scope, nextval('essplan_versions_seq') FROM unnest(ARRAY['data', 'auth']) AS scope
    ON CONFLICT (name) DO NOTHING;
CREATE OR REPLACE FUNCTION essplan_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE essplan_versions SET n = nextval('essplan_versions_seq') WHERE name = TG_ARGV[0];
    RETURN NULL;
END $$;
"""
DROP = """
DROP FUNCTION IF EXISTS essplan_bump_version() CASCADE;
DROP TABLE IF EXISTS essplan_versions;
DROP SEQUENCE IF EXISTS essplan_versions_seq;
"""


class Migration(migrations.Migration):
    dependencies = [("essplan", "0001_unaccent")]

    operations = [migrations.RunSQL(CREATE, DROP)]
