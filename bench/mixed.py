"""The mixed workload: the key pages read while an editor saves follow-up over HTTP, then
while a large directory import is checked and confirmed.

« Journée de campagne »: each key page, and /healthz, loaded by wrk as in the load phase
while bench/writer.py saves points and budget lines through the app at WRITES_PER_S. A
page's requests/s is compared with /healthz's measured under the same mix: the writer's
requests share the gunicorn workers with both, its commits make both recompute what they
cached, so the ratio says what the page costs under the mix rather than how busy the
machine was (the run's plain /healthz is printed beside it, for the cost of the mix itself).

« Import »: the same writer, and the key pages read in turn by one wrk, while a large
directory import is checked, then confirmed, by a real worker (db_worker). The editor's
saves are counted by phase: started during the check, or during the confirmation (from
« Confirmer » to « terminé »). The file is staged unchecked and its check queued as the
import page does once it has read the upload (start_check): a file of the bench's size is
over the upload limit.

Called by bench/run.py at the end (it writes for good: points, budget lines, structures).
"""

import json
import math
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench import background, load

ROOT = Path(__file__).resolve().parent.parent
KEY_PAGES = [
    "dashboard",
    "action_detail",
    "action_list",
    "structure_filter",
    "my_actions",
    "public_plan",
]
WRITES_PER_S = 2
PAGE_SHARE = 0.20  # each key page >= 20 % of /healthz requests/s, under the mix
SAVE_P99_MS = 1000  # an editor's save during the import: p99 < 1 s
SAVED = 302  # a saved form redirects to its action's page
PHASES = {"check": "vérification", "confirmation": "confirmation"}


class Writer:
    """bench/writer.py saving through BASE as the editor (COOKIE) on TARGETS; its records
    once it has stopped (``records``, and ``started``: the writes it began)."""

    def __init__(self, base, cookie, targets):
        self.config = {"base": base, "cookie": cookie, "rate": WRITES_PER_S, "targets": targets}
        self.records, self.started, self.process = [], 0, None

    def __enter__(self):
        self.files = tempfile.TemporaryDirectory()
        config = Path(self.files.name) / "writer.json"
        config.write_text(json.dumps(self.config), encoding="utf-8")
        self.output = open(Path(self.files.name) / "writes.jsonl", "w+", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "writer.py"), str(config)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=self.output,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        return self

    def __exit__(self, *exc_info):
        """Stop writing (its standard input closed), let the writes under way end, read
        what it wrote."""
        try:
            self.process.stdin.close()
            self.process.wait(timeout=700)
        except subprocess.TimeoutExpired:
            load.stop_group(self.process, timeout=10)
        self.output.seek(0)
        for line in self.output:
            record = json.loads(line)
            if "writes" in record:
                self.started = record["writes"]
            else:
                self.records.append(record)
        self.output.close()
        self.files.cleanup()


def targets(plan):
    """The forms the writer fills for each action of PLAN: its point of the campaign year, a
    new budget line, one of its lines of that year."""
    from actions.models import BudgetLine
    from bench.dataset import CAMPAIGN_YEAR

    lines = dict(
        BudgetLine.objects.filter(action__plan=plan, year=CAMPAIGN_YEAR)
        .order_by("-pk")
        .values_list("action_id", "pk")
    )
    return [
        {
            "point": action.url("actions:progress_edit", year=CAMPAIGN_YEAR),
            "budget_line_create": action.url("actions:budget_line_create"),
            "budget_line_update": action.url("actions:budget_line_edit", pk=lines[action.pk]),
        }
        for action in plan.actions.select_related("plan").order_by("code_key")
    ]


def percentile(values, share):
    """The nearest-rank percentile SHARE (0-100) of VALUES."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share / 100 * len(ordered)) - 1, 0)]


def writes_between(records, start, end):
    """The writes started between START and END (epoch seconds): how many, saved or not, their
    saves' milliseconds (a failed save's too), the statuses (« formulaire n »: the form itself
    was not read)."""
    chosen = [record for record in records if start <= record["started"] < end]
    saves = [record["ms"] for record in chosen if record["ms"] is not None]
    statuses = Counter(
        str(record["status"])
        if record["status"] is not None
        else f"formulaire {record['form_status']}"
        for record in chosen
    )
    figures = {
        "writes": len(chosen),
        "saved": statuses.get(str(SAVED), 0),
        "statuses": dict(statuses),
    }
    if saves:
        figures.update(
            {f"p{share}": round(percentile(saves, share), 1) for share in (50, 95, 99)},
            max=max(saves),
        )
        forms = [record["form_ms"] for record in chosen if record["form_ms"] is not None]
        figures["form_p99"] = round(percentile(forms, 99), 1)
    return figures


def campaign_day(base, urls, headers_of, *, duration, connections):
    """/healthz then each key page under wrk (the writer at work): {page: figures}."""
    pages = {}
    for name in ["healthz", *KEY_PAGES]:
        load.check(base + urls[name], headers_of(name))
        pages[name] = load.wrk(
            base + urls[name], headers_of(name), duration=duration, connections=connections
        )
    return pages


def checked_then_confirmed(editor, rows, base, pages, *, connections):
    """ROWS (a user's spreadsheet) staged and checked by a job, then « Confirmer » clicked,
    the key PAGES ({path: headers}) read in turn meanwhile: each phase's start and end
    (epoch seconds), its job's message and the reads' figures."""
    from django.test import Client
    from django.urls import reverse

    from bench.dataset import as_spreadsheet
    from essplan.import_jobs import start_check
    from essplan.spreadsheets import Sheet
    from jobs.models import Job
    from structures.resources import StructureResource
    from structures.views import STAGING

    client = Client()
    client.force_login(editor)
    sheet, phases = Sheet(as_spreadsheet(rows)), {}
    with load.reading(base, pages, connections=connections) as reads:
        started = time.time()
        job = start_check(
            sheet,
            StructureResource(),
            namespace=STAGING,
            user=editor,
            file_name="banc-import-mixte.csv",
            page_url=reverse("structures:structure_import"),
        )
        background.until_finished(client, job.get_absolute_url())
        phases["check"] = {"start": started, "end": time.time()}
    phases["check"]["reads"] = reads
    job.refresh_from_db()
    phases["check"]["message"] = job.message or job.error
    token = job.result.get("token")
    if not token:
        raise RuntimeError(f"vérification de l'import : {job.error or job.message}")
    with load.reading(base, pages, connections=connections) as reads:
        started = time.time()
        response = client.post(reverse("structures:structure_import_confirm"), {"token": token})
        if response.status_code != 302 or "/travaux/" not in response.url:
            raise RuntimeError(f"« Confirmer » : HTTP {response.status_code}, pas de travail")
        background.until_finished(client, response.url)
        phases["confirmation"] = {"start": started, "end": time.time()}
    phases["confirmation"]["reads"] = reads
    job = Job.objects.get(kind="import", arguments__step="confirm", arguments__token=token)
    phases["confirmation"]["message"] = job.message or job.error
    return phases


def measured(
    env, worker_env, urls, headers_of, *, plan, editor, cookie, rows, duration, connections
):
    """The campaign day then the import, one server, one writer saving as EDITOR (COOKIE:
    the Cookie header of a session of hers): results["mixed"]."""
    pages = {urls[name]: headers_of(name) for name in KEY_PAGES}
    # The worker waits for jobs all day long, as in production (it starts meanwhile).
    with (
        load.Server(env) as server,
        background.Worker(worker_env),
        Writer(server.base, cookie, targets(plan)) as writer,
    ):
        started = time.time()
        day = campaign_day(
            server.base, urls, headers_of, duration=duration, connections=connections
        )
        ended = time.time()
        phases = checked_then_confirmed(editor, rows, server.base, pages, connections=connections)
    results = {
        "writes_per_s": WRITES_PER_S,
        "writes_started": writer.started,
        "writes_unfinished": writer.started - len(writer.records),
        "campaign_day": {
            "pages": day,
            "seconds": round(ended - started, 1),
            "writes": writes_between(writer.records, started, ended),
        },
        "import": {"rows": len(rows)},
    }
    for name, phase in phases.items():
        results["import"][name] = {
            "seconds": round(phase["end"] - phase["start"], 1),
            "message": phase["message"],
            "reads": phase["reads"],
            "writes": writes_between(writer.records, phase["start"], phase["end"]),
        }
    return results


def targets_held(mixed):
    """The mixed workload's targets: (name, wanted, measured, holds)."""
    day, held = mixed["campaign_day"], []
    ceiling = day["pages"]["healthz"]["rps"]
    for name in KEY_PAGES:
        share = day["pages"][name]["rps"] / ceiling
        held.append(
            (
                f"{name} sous saisies : débit / healthz",
                f">= {PAGE_SHARE:.0%}",
                f"{share:.1%}",
                share >= PAGE_SHARE,
            )
        )
    phases = [("journée de campagne", day["writes"])] + [
        (f"import, {label}", mixed["import"][key]["writes"]) for key, label in PHASES.items()
    ]
    for label, writes in phases:
        held.append(
            (
                f"saisies enregistrées ({label})",
                "toutes",
                f"{writes['saved']} / {writes['writes']}",
                writes["writes"] > 0 and writes["saved"] == writes["writes"],
            )
        )
    for key, label in PHASES.items():
        writes = mixed["import"][key]["writes"]
        p99 = writes.get("p99", math.inf)
        held.append(
            (
                f"saisies pendant l'import ({label}) : p99",
                f"< {SAVE_P99_MS} ms",
                f"{p99:.0f} ms",
                p99 < SAVE_P99_MS,
            )
        )
    held.append(
        (
            "saisies restées sans réponse",
            "0",
            str(mixed["writes_unfinished"]),
            mixed["writes_unfinished"] == 0,
        )
    )
    imported = mixed["import"]["confirmation"]["message"].startswith("Import terminé")
    held.append(
        (
            "import confirmé pendant les saisies",
            "importé",
            "importé" if imported else "non importé",
            imported,
        )
    )
    return held


def print_tables(mixed, plain_healthz):
    day = mixed["campaign_day"]
    ceiling = day["pages"]["healthz"]["rps"]
    print(
        f"\nJournée de campagne : pages sous saisies ({mixed['writes_per_s']} enregistrements/s "
        f"par HTTP, points et lignes budgétaires) ; /healthz seul : {plain_healthz:.1f} req/s"
    )
    print(f"{'page':<18}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'/healthz':>10}{'non 2xx':>9}")
    for name, f in day["pages"].items():
        print(
            f"{name:<18}{f['rps']:>9.1f}{f['p50']:>9.1f}{f['p99']:>9.1f}"
            f"{f['rps'] / ceiling:>10.1%}{f['non_2xx'] + f['socket_errors']:>9}"
        )
    print(
        f"\nEnregistrements d'un éditeur ({mixed['writes_started']} commencés, "
        f"{mixed['writes_unfinished']} sans réponse à la fin)"
    )
    print(
        f"{'pendant':<28}{'durée s':>9}{'saisies':>9}{'réussies':>10}{'p50 ms':>9}"
        f"{'p99 ms':>9}{'max ms':>9}  statuts"
    )
    rows = [("la journée de campagne", day["seconds"], day["writes"])] + [
        (f"l'import : {label}", mixed["import"][key]["seconds"], mixed["import"][key]["writes"])
        for key, label in PHASES.items()
    ]
    for label, seconds, w in rows:
        print(
            f"{label:<28}{seconds:>9.1f}{w['writes']:>9}{w['saved']:>10}"
            f"{w.get('p50', math.nan):>9.0f}{w.get('p99', math.nan):>9.0f}"
            f"{w.get('max', math.nan):>9.0f}  {w['statuses']}"
        )
    print(
        f"\nImport de {mixed['import']['rows']} lignes pendant les saisies (pages lues à tour de "
        "rôle)"
    )
    for key, label in PHASES.items():
        phase = mixed["import"][key]
        reads = phase["reads"]
        print(
            f"  {label:<13} {phase['seconds']:>7.1f} s ; pages : {reads['rps']:.1f} req/s, "
            f"p99 {reads['p99']:.0f} ms, {reads['non_2xx'] + reads['socket_errors']} erreur(s) ; "
            f"{phase['message']}"
        )
