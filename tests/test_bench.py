"""The benchmark runs end to end on a tiny data set (its figures are not asserted: they are
the benchmark's to print, never the tests').

Marked ``bench``: not part of the default suite (it loads the machine for minutes); CI runs
it as a step of its own (``scripts/test.sh -m bench``)."""

import json
import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.bench
TIMEOUT = 1200

# The bench sets its own production settings; the test run's must not leak into it.
TEST_ONLY = {
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def test_the_bench_runs_end_to_end_on_a_tiny_data_set(tmp_path):
    output = tmp_path / "latest.json"
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY}
    process = subprocess.Popen(
        [
            sys.executable,
            "bench/run.py",
            "--structures",
            "400",
            "--actions",
            "12",
            "--indicators",
            "24",
            "--events",
            "5",
            "--rowwise-rows",
            "50",
            "--duration",
            "1",
            "--connections",
            "2",
            "--database",
            f"essplan_bench_smoke_{os.getpid()}",
            "--drop",
            "--output",
            str(output),
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    finally:
        stop(process)
    assert process.returncode == 0, stderr[-3000:]
    results = json.loads(output.read_text())
    pages = {
        "healthz",
        "plan_list",
        "dashboard",
        "action_list",
        "action_detail",
        "structure_filter",
        "structure_search",
        "map",
        "indicator_list",
        "committee_session",
        "admin_changelist",
        "my_actions",
        "campaign_waiting",
        "bulk_entry",
        "public_plan",
        "public_directory",
        "public_map",
        "api_structures",
    }
    assert set(results["load"]) == pages == set(results["queries"]["seed"])
    assert set(results["queries"]["large"]) == pages
    for figures in results["load"].values():
        assert figures["requests"] > 0 and figures["non_2xx"] == 0 and figures["socket_errors"] == 0
        assert figures["p50"] <= figures["p95"] <= figures["p99"]
    assert {mode: results["import"][mode]["rows"] for mode in ("app", "rowwise", "copy")} == {
        "app": 400,
        "rowwise": 50,
        "copy": 400,
    }
    # The large plan's comité: 7 sessions held and the next one; 40 members, 15 items each,
    # 6 decisions per held session, some still open, some of them late (dashboard, session page).
    committee = results["committee"]
    assert (committee["sessions"], committee["members"], committee["items"]) == (8, 320, 120)
    assert committee["decisions"] == 42
    assert committee["decisions"] > committee["open"] > committee["late"] > 0
    assert committee["next_session"] is not None
    assert "Comité de suivi du grand plan : 8 séances" in stdout
    assert results["report"]["pages"] > 3
    assert results["evaluation"]["pages"] > 3
    assert "bilan du plan / WeasyPrint nu" in stdout
    # 12 actions, 3 pilots each, 4 pilots in all: each pilot with waiting actions is reminded.
    reminders = results["reminders"]
    assert (reminders["actions"], reminders["pilots"], reminders["failed"]) == (12, 36, 0)
    assert reminders["sent"] >= 4
    # The long work through a real worker: the 400 new rows imported, the report made.
    job = results["import_job"]
    assert (job["rows"], job["message"]) == (
        400,
        "Import terminé : 400 structures créées, 0 mise à jour.",
    )
    assert job["worker_peak_mib"] > 0 and job["click_to_done_s"] >= job["worker_s"] > 0
    assert results["report_job"]["pages"] == results["report"]["pages"]
    # Through haproxy, before one then two servers: every request answered.
    for servers in ("1", "2"):
        assert set(results["balancer"][servers]) == {
            "healthz",
            "dashboard",
            "action_detail",
            "structure_filter",
        }
        for figures in results["balancer"][servers].values():
            assert figures["requests"] > 0 and figures["non_2xx"] == 0 and 0 < figures["cpu"] <= 1
    assert "À travers haproxy" in stdout
    # The mixed workload: the key pages and /healthz read while an editor saves over HTTP,
    # every save answered; then a new file of 400 rows checked and confirmed meanwhile.
    mixed = results["mixed"]
    day = mixed["campaign_day"]
    assert set(day["pages"]) == {
        "healthz",
        "dashboard",
        "action_detail",
        "action_list",
        "structure_filter",
        "my_actions",
        "public_plan",
    }
    for figures in day["pages"].values():
        assert figures["requests"] > 0 and figures["non_2xx"] == 0
    assert mixed["writes_started"] >= day["writes"]["writes"] > 0
    assert mixed["writes_unfinished"] == 0
    phases = [
        day["writes"],
        mixed["import"]["check"]["writes"],
        mixed["import"]["confirmation"]["writes"],
    ]
    for writes in phases:
        if writes["writes"]:
            assert writes["p50"] <= writes["p95"] <= writes["p99"] <= writes["max"]
            assert sum(writes["statuses"].values()) == writes["writes"]
    assert day["writes"]["saved"] == day["writes"]["writes"]
    assert mixed["import"]["rows"] == 400
    assert mixed["import"]["check"]["message"].startswith("Le fichier est valide : 400 à créer")
    for phase in ("check", "confirmation"):
        assert mixed["import"][phase]["seconds"] > 0
        assert mixed["import"][phase]["reads"]["requests"] > 0
    assert "Journée de campagne" in stdout and "saisies pendant l'import" in stdout
    assert all(isinstance(target["holds"], bool) for target in results["targets"])
    assert "Cibles" in stdout and "annuaire / changelist admin" in stdout


def stop(process):
    """Whatever happened, nothing of the bench outlives the test: SIGTERM lets it stop its
    gunicorn, then its process group is killed."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
