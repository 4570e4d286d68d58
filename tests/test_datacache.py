"""Figures cached with the data: reused while nothing is written in the scopes they print,
recomputed after a write there; versions that move at commit and make no writer wait."""

import threading

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from essplan import datacache
from essplan.datacache import DIRECTORY, PLANS, cached, scope_tables, versions
from structures.models import Structure

pytestmark = pytest.mark.django_db
CALLS = []


@cached(DIRECTORY)
def structure_count(family):
    CALLS.append(family)
    return Structure.objects.filter(family=family).count()


@pytest.fixture(autouse=True)
def _no_calls():
    CALLS.clear()


def test_a_value_is_reused_until_a_write_in_its_scope_then_recomputed(action):
    first = structure_count("association")
    assert structure_count("association") == first and CALLS == ["association"]
    action.title = "Un autre intitulé"  # the plans, not the directory: the value is kept
    action.save()
    assert structure_count("association") == first and CALLS == ["association"]
    structure = Structure.objects.filter(family="association").first()
    structure.family = "cooperative"
    structure.save()
    assert structure_count("association") == first - 1
    assert CALLS == ["association", "association"]


def test_every_kind_of_write_changes_the_version_of_its_scope_only():
    before = versions()
    with connection.cursor() as cursor:  # plain SQL, as an administrator's script would
        cursor.execute(
            "UPDATE structures_structure SET employees = employees WHERE id = "
            "(SELECT min(id) FROM structures_structure)"
        )
    middle = versions()
    # A delete would cascade to the actions' partners (the plans) and the listing requests.
    Structure.objects.filter(pk=Structure.objects.order_by("pk").first().pk).update(name="Renommée")
    after = versions()
    assert before[DIRECTORY] != middle[DIRECTORY] != after[DIRECTORY]
    assert {scope: after[scope] for scope in ("plans", "requests", "accounts")} == {
        scope: before[scope] for scope in ("plans", "requests", "accounts")
    }


def test_a_log_in_leaves_the_accounts_version_but_a_new_name_moves_it(viewer, client):
    before = versions()["accounts"]
    client.force_login(viewer)  # writes last_login
    assert versions()["accounts"] == before
    viewer.last_name = "Lefèvre"
    viewer.save()
    assert versions()["accounts"] != before


def test_every_table_of_a_scope_has_the_trigger():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers "
            "WHERE trigger_name = 'essplan_version'"
        )
        triggered = {row[0] for row in cursor.fetchall()}
    tables = scope_tables()
    assert {
        "actions_progressupdate",
        "actions_budgetline",
        "indicators_measurement",
        "actions_action_partner_structures",
        "reports_annualreport",
    } <= set(tables[PLANS])
    assert {"structures_structure", "structures_commune"} <= set(tables[DIRECTORY])
    assert tables["requests"] == ["structures_listingrequest"]
    everything = {table for names in tables.values() for table in names}
    assert not any(
        table.endswith("event") or "history" in table
        for table in everything
        if table != "actions_event"
    )
    assert everything | {"auth_user"} <= triggered
    assert "django_session" not in triggered


def test_nothing_is_kept_inside_the_applications_own_transaction():
    with transaction.atomic():
        assert structure_count("association") == structure_count("association")
    assert CALLS == ["association", "association"]


def test_the_memory_is_bounded_in_bytes(settings):
    settings.DATACACHE_MAX_BYTES = 10_000
    for n in range(20):
        datacache.cached_value("page", n, lambda: "x" * 1_000, scopes=(PLANS,))
    assert 9 * 1_000 < datacache.memo_weight() <= 10_000
    datacache.cached_value("huge", 0, lambda: "y" * 20_000, scopes=(PLANS,))  # never kept
    assert datacache.memo_weight() <= 10_000


def test_renew_versions_gives_every_scope_a_new_version(capsys):
    before = versions()
    call_command("renew_versions")
    after = versions()
    assert all(after[scope] != before[scope] for scope in before)
    assert "Versions renouvelées" in capsys.readouterr().out


def other_connection():
    """A connection of its own to the test database, as another server's would be."""
    return psycopg.connect(**connection.get_connection_params(), autocommit=False)


def read_versions(conn):
    with conn.cursor() as cursor:
        cursor.execute("SELECT name, n FROM essplan_versions")
        values = dict(cursor.fetchall())
    conn.rollback()
    return values


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_version_moves_when_its_transaction_commits_never_before_nor_on_a_rollback():
    with other_connection() as writer, other_connection() as reader:
        before = read_versions(reader)
        with writer.cursor() as cursor:
            cursor.execute(
                "UPDATE structures_structure SET employees = 3 WHERE id = "
                "(SELECT min(id) FROM structures_structure)"
            )
            cursor.execute(
                "UPDATE structures_commune SET name = name WHERE id = "
                "(SELECT min(id) FROM structures_commune)"
            )
        assert read_versions(reader) == before  # not committed yet
        writer.rollback()
        assert read_versions(reader) == before
        with writer.cursor() as cursor:
            cursor.execute(
                "UPDATE structures_structure SET employees = 4 WHERE id = "
                "(SELECT min(id) FROM structures_structure)"
            )
        writer.commit()
        after = read_versions(reader)
    assert after[DIRECTORY] != before[DIRECTORY]
    assert {scope: after[scope] for scope in ("plans", "requests", "accounts")} == {
        scope: before[scope] for scope in ("plans", "requests", "accounts")
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM essplan_version_marks")
        assert cursor.fetchone()[0] == 0  # each mark goes with its commit


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_writer_waits_for_another_ones_transaction():
    """A long transaction (an import) writes the directory and the plans and stays open; other
    writers of the same scopes and tables commit at once: the version is taken at commit."""
    with other_connection() as importer, other_connection() as editor:
        with importer.cursor() as cursor:
            cursor.execute(
                "UPDATE structures_structure SET employees = 5 WHERE id = "
                "(SELECT min(id) FROM structures_structure)"
            )
            cursor.execute(
                "UPDATE actions_action SET title = title WHERE id = "
                "(SELECT min(id) FROM actions_action)"
            )
        before = read_versions(editor)
        with editor.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
            cursor.execute(
                "UPDATE structures_structure SET employees = 6 WHERE id = "
                "(SELECT max(id) FROM structures_structure)"
            )
            cursor.execute(
                "UPDATE actions_action SET title = title WHERE id = "
                "(SELECT max(id) FROM actions_action)"
            )
        editor.commit()  # a lock wait would raise LockNotAvailable after 2 s
        after = read_versions(editor)
        importer.commit()
        last = read_versions(editor)
    assert before[PLANS] != after[PLANS] != last[PLANS]
    assert before[DIRECTORY] != after[DIRECTORY] != last[DIRECTORY]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_commits_of_one_scope_each_move_its_version():
    before = versions()[PLANS]
    seen = set()

    def write(title):
        with other_connection() as conn, conn.cursor() as cursor:
            cursor.execute(
                "UPDATE actions_plan SET title = title WHERE slug = %s", ["cotentin-ess-2023-2025"]
            )
            cursor.execute(
                "UPDATE actions_direction SET name = name WHERE id = "
                "(SELECT min(id) FROM actions_direction)"
            )
            conn.commit()
            seen.add(read_versions(conn)[PLANS])

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert before not in seen and versions()[PLANS] in seen


def test_the_map_shows_a_new_structure_at_once(client_for, django_assert_max_num_queries):
    client = client_for("viewer")
    url = reverse("structures:structure_map")
    before = client.get(url).context["map"]["total_structures"]
    with django_assert_max_num_queries(5):  # session, user, 2 permissions, versions
        assert client.get(url).context["map"]["total_structures"] == before
    commune = Structure.objects.first().commune
    Structure.objects.create(name="Nouvelle recyclerie", commune=commune)
    assert client.get(url).context["map"]["total_structures"] == before + 1


def test_sessions_give_the_trigger_ignore_list_a_value():
    """Unset, the history triggers look it up in an exception block for every row."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pgtrigger.ignore')")
        assert cursor.fetchone()[0] == "{}"


def test_cached_filter_forms_follow_the_data_and_the_query(client_for):
    from actions.models import Direction

    client = client_for("viewer")
    url = reverse("actions:action_list", kwargs={"slug": "cotentin-ess-2023-2025"})
    assert "Direction des tiers-lieux" not in client.get(url).content.decode()
    Direction.objects.create(name="Direction des tiers-lieux")
    assert "Direction des tiers-lieux" in client.get(url).content.decode()
    selected = client.get(url, {"status": "en_cours"}).content.decode()
    assert '<option value="en_cours" selected>' in selected
    assert '<option value="en_cours" selected>' not in client.get(url).content.decode()


def test_cached_dashboard_and_indicator_list_show_a_new_entry_at_once(client_for, action):
    from actions.models import ProgressUpdate, Status
    from indicators.models import Measurement

    client = client_for("viewer")
    # No action has a point: no average (« — »), not 0 %.
    assert 'data-testid="overall">—' in client.get("/").content.decode()
    # 90 % on the one action with a point, in 2025 (the plan's current year once it has
    # ended): 90 %.
    ProgressUpdate.objects.create(action=action, year=2025, status=Status.IN_PROGRESS, progress=90)
    assert 'data-testid="overall">90\xa0%' in client.get("/").content.decode()

    url = reverse("indicators:indicator_list", kwargs={"slug": "cotentin-ess-2023-2025"})
    assert "4\xa0321" not in client.get(url).content.decode()
    indicator = action.plan.indicators.get(code="C1")
    Measurement.objects.create(indicator=indicator, year=2025, value=4321)
    assert "4\xa0321" in client.get(url).content.decode()


def test_a_readers_cached_action_page_never_reaches_an_editor(client_for, action):
    from actions.models import ProgressUpdate, Status

    url = action.get_absolute_url()
    assert "Saisir" not in client_for("viewer").get(url).content.decode()
    editor_page = client_for("editor").get(url).content.decode()
    assert "Saisir" in editor_page
    ProgressUpdate.objects.create(
        action=action, year=2024, status=Status.IN_PROGRESS, achievements="Trois cafés des ASSOS."
    )
    assert "Trois cafés des ASSOS." in client_for("viewer").get(url).content.decode()


def test_cached_permissions_follow_every_change_of_role(
    client, outsider, django_assert_max_num_queries
):
    from django.contrib.auth.models import Group

    from essplan import roles

    client.force_login(outsider)
    url = reverse("actions:plan_list")
    assert client.get(url).status_code == 403
    viewers = Group.objects.get(name=roles.VIEWER)
    outsider.groups.add(viewers)
    assert client.get(url).status_code == 200
    # Permissions now come from the cache: session, user, versions, plans.
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200
    viewers.permissions.remove(*viewers.permissions.filter(codename="view_plan"))
    assert client.get(url).status_code == 403
    outsider.groups.clear()
    viewers.permissions.add(
        *Group.objects.get(name=roles.EDITOR).permissions.filter(codename="view_plan")
    )
    assert client.get(url).status_code == 403
    outsider.is_active = False
    outsider.save()
    assert client.get(url).status_code == 302  # an inactive account is logged out


def test_the_dashboard_follows_a_renamed_author(client_for, editor):
    from actions.models import Action, ProgressUpdate, Status

    action = Action.objects.get(plan__slug="cotentin-ess-2023-2025", code="2.1.1")
    ProgressUpdate.objects.create(
        action=action, year=2025, status=Status.DONE, progress=100, author=editor
    )
    client = client_for("viewer")
    assert "par emile" in client.get("/").content.decode()
    editor.first_name, editor.last_name = "Émile", "Lecoq"
    editor.save()
    assert "par Émile Lecoq" in client.get("/").content.decode()


def test_a_cached_action_or_plan_is_read_as_a_copy_and_refreshed_by_a_write(rf, editor):
    from actions.access import get_plan, read_action
    from tests.factories import COTENTIN

    request = rf.get("/")
    request.user = editor
    first = read_action(request, COTENTIN, "1.4.7")
    first.title = "changé en mémoire seulement"
    first.plan.title = "lui aussi"
    again = read_action(request, COTENTIN, "1.4.7")
    assert again is not first and again.title != first.title
    assert again.plan.title == get_plan(request, COTENTIN).title == "Plan d'actions ESS 2023-2025"
    # A write by another path (plain SQL) is seen at once.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE actions_action SET title = 'Nouvel intitulé' WHERE code = '1.4.7'")
    assert read_action(request, COTENTIN, "1.4.7").title == "Nouvel intitulé"


def test_a_session_ended_elsewhere_ends_here_at_the_next_request(client_for):
    """Sessions are read from the database at each request: a log-out by another process (here
    a plain SQL delete) is seen at once; a session's expiry too."""
    client = client_for("viewer")
    plans = reverse("actions:plan_list")
    assert client.get(plans).status_code == 200
    key = client.session.session_key
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE django_session SET expire_date = now() - interval '1 second' "
            "WHERE session_key = %s",
            [key],
        )
    assert client.get(plans).status_code == 302
    client = client_for("viewer")
    assert client.get(plans).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_session")
    assert client.get(plans).status_code == 302


def test_a_deactivated_account_is_refused_at_its_next_request(client_for, viewer):
    client = client_for("viewer")
    plans = reverse("actions:plan_list")
    assert client.get(plans).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("UPDATE auth_user SET is_active = false WHERE id = %s", [viewer.pk])
    assert client.get(plans).status_code == 302
