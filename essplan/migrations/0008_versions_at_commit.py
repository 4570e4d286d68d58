"""The data versions move at commit, once per transaction and scope (essplan.datacache).

A write marks its transaction (a statement trigger on every table of a scope, installed after
each migrate): the first statement of the transaction that writes a scope inserts one row in
essplan_version_marks, and remembers it in a transaction-local setting. A constraint trigger
deferred to the commit then gives the scope a new version and deletes the mark. The row of
essplan_versions is thus locked only while a transaction commits, never while it works: two
writers wait for each other a few microseconds at most, whatever they write and however long
they take. A rolled-back transaction (or savepoint) takes its mark, its setting and its pending
trigger with it: no version moves.

A version is a random number, not a sequence: a database restored from a dump rewinds a
sequence, and would hand out again versions under which other data were cached. The scopes
replace the single "data" version; the sessions are no longer cached (essplan.sessions)."""

from django.db import migrations

CREATE = """
DROP FUNCTION IF EXISTS essplan_bump_version() CASCADE;
DROP SEQUENCE IF EXISTS essplan_versions_seq;
DELETE FROM essplan_versions;
INSERT INTO essplan_versions (name, n)
    SELECT scope, (random() * 9.2e18)::bigint
    FROM unnest(ARRAY['plans', 'directory', 'requests', 'accounts']) AS scope;
CREATE UNLOGGED TABLE essplan_version_marks (scope text NOT NULL);
CREATE FUNCTION essplan_mark_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('essplan.marked_' || TG_ARGV[0], true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('essplan.marked_' || TG_ARGV[0], 'on', true);
        INSERT INTO essplan_version_marks (scope) VALUES (TG_ARGV[0]);
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION essplan_publish_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE essplan_versions SET n = (random() * 9.2e18)::bigint WHERE name = NEW.scope;
    DELETE FROM essplan_version_marks WHERE ctid = NEW.ctid;
    PERFORM set_config('essplan.marked_' || NEW.scope, '', true);
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER essplan_version_publish
    AFTER INSERT ON essplan_version_marks DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION essplan_publish_version();
"""


class Migration(migrations.Migration):
    dependencies = [("essplan", "0007_password_reset_request")]

    operations = [migrations.RunSQL(CREATE, migrations.RunSQL.noop)]
