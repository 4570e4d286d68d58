"""Large imports as background jobs: a file of more than IMPORT_JOB_ROWS rows is staged
unchecked, then checked by a job, and its confirmation is another job; both report the rows
read on the job's page. The job rebuilds the import's resource from its class and plan.

What a job found (the report, the token of the checked file) is kept with the job; the
import page shows it at ?travail=<job>, to the person who asked for it only.
"""

import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import tablib
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from jobs.models import Job, Status
from jobs.runner import Refused, handler, start

from .french import count
from .imports import Report, import_staged, read_versions, run_import, stage
from .models import StagedImport
from .roles import signed_in
from .spreadsheets import Sheet

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

# A job's progress callback (jobs.runner): step, done, total, unit.
type Progress = Callable[..., None]

GONE = "Cet import a expiré ou n'existe pas : chargez le fichier à nouveau."


def is_large(rows: int) -> bool:
    return rows > settings.IMPORT_JOB_ROWS


def resource_spec(resource: Any, namespace: str) -> dict[str, Any]:
    """What a worker needs to build RESOURCE again: its class, its plan, the import's NAMESPACE."""
    plan = getattr(resource, "plan", None)
    return {
        "resource": f"{type(resource).__module__}.{type(resource).__qualname__}",
        "plan": plan.pk if plan else None,
        "namespace": namespace,
    }


def build_resource(arguments: dict[str, Any]) -> Any:
    resource_class = import_string(arguments["resource"])
    if arguments["plan"] is None:
        return resource_class()
    return resource_class(apps.get_model("actions", "Plan").objects.get(pk=arguments["plan"]))


def start_check(
    sheet: Sheet, resource: Any, *, namespace: str, user: "User", file_name: str, page_url: str
) -> Job:
    """Stage SHEET unchecked and queue its dry run: the job."""
    token = stage(
        sheet.dataset, namespace=namespace, user=user, file_name=file_name, read={}, checked=False
    )
    return start(
        "import",
        user=user,
        label=f"Vérification de « {file_name} » ({len(sheet.dataset)} lignes)",
        arguments={
            "step": "check",
            "token": token,
            "notes": sheet.notes,
            "page_url": page_url,
            **resource_spec(resource, namespace),
        },
    )


def staged_rows(token: str | None, *, namespace: str, user: "User") -> int:
    """The number of rows of the file staged under TOKEN for USER (0: none)."""
    try:
        key = uuid.UUID(hex=token)
    except (ValueError, TypeError, AttributeError):
        return 0
    return (
        StagedImport.objects.filter(token=key, namespace=namespace, owner=user)
        .values_list("rows", flat=True)
        .first()
        or 0
    )


@transaction.atomic
def start_confirmation(
    token: str,
    resource: Any,
    *,
    namespace: str,
    user: "User",
    page_url: str,
    done_url: str,
    created: Iterable[str],
) -> Job:
    """The job that imports the large file staged under TOKEN: the one already asked for
    (a second click on « Confirmer »), or a new one. The staged row is locked first: two
    clicks at once take turns, and the second finds the first one's job."""
    file_name = (
        StagedImport.objects.select_for_update()
        .filter(token=token)
        .values_list("file_name", flat=True)[0]
    )
    asked = (
        Job.objects.filter(
            kind="import", created_by=user, arguments__step="confirm", arguments__token=token
        )
        .exclude(status__in=[Status.FAILED, Status.CANCELLED])
        .first()
    )
    if asked:
        return asked
    return start(
        "import",
        user=user,
        label=f"Import de « {file_name} »",
        arguments={
            "step": "confirm",
            "token": token,
            "page_url": page_url,
            "done_url": done_url,
            "created": list(created),
            **resource_spec(resource, namespace),
        },
    )


def job_result(request: "HttpRequest", namespace: str) -> dict[str, Any]:
    """The context that the import page shows for the job of ?travail=: its report, file and
    token; empty unless the job is the user's, an import of NAMESPACE, and done."""
    try:
        key = uuid.UUID(request.GET.get("travail", ""))
    except ValueError:
        return {}
    job = Job.objects.filter(
        pk=key,
        kind="import",
        created_by=signed_in(request),
        status=Status.DONE,
        arguments__namespace=namespace,
    ).first()
    if job is None or "report" not in job.result:
        return {}
    return {
        "report": Report.from_data(job.result["report"]),
        "file_name": job.result["file_name"],
        "token": job.result.get("token"),
    }


@handler("import")
def run(job: Job, progress: Progress) -> dict[str, Any]:
    step = check if job.arguments["step"] == "check" else confirm
    return step(job, build_resource(job.arguments), progress)


def check(job: Job, resource: Any, progress: Progress) -> dict[str, Any]:
    """The dry run of a large file, staged unchecked: it becomes the checked file if valid."""
    progress(step="Vérification du fichier, ligne par ligne")
    staged = StagedImport.objects.filter(
        token=job.arguments["token"], owner=job.created_by, checked=False
    ).first()
    if staged is None:
        raise Refused(GONE)
    dataset = tablib.Dataset().load(staged.content, format="csv")
    read = read_versions(resource)
    report = run_import(resource, dataset, dry_run=True, user=job.created_by, progress=progress)
    if report.ok:
        StagedImport.objects.filter(pk=staged.pk).update(
            checked=True, versions=read, created_at=timezone.now()
        )
    else:
        staged.delete()
    message = (
        f"Le fichier est valide : {report.new} à créer, {report.updated} à mettre à "
        "jour. Rien n'est encore enregistré : ouvrez le résultat pour confirmer."
        if report.ok
        else f"Le fichier contient {count(len(report.errors), 'erreur', 'erreurs')} : rien "
        "n'a été importé. Ouvrez le résultat pour les voir ligne par ligne."
    )
    report.notes[:0] = job.arguments["notes"]
    return {
        "message": message,
        "url": result_url(job),
        "result": found(report, staged.file_name, staged.token.hex if report.ok else None),
    }


def confirm(job: Job, resource: Any, progress: Progress) -> dict[str, Any]:
    """The import for good of a checked large file, once."""
    arguments = job.arguments
    progress(step="Import du fichier")
    outcome = import_staged(
        arguments["token"],
        resource,
        namespace=arguments["namespace"],
        user=job.created_by,
        progress=progress,
    )
    if outcome.kind == "gone":
        raise Refused(GONE)
    if outcome.kind == "done":
        return {
            "message": f"Cet import était déjà fait (« {outcome.file_name} »).",
            "url": arguments["done_url"],
        }
    if outcome.kind == "imported":
        report = outcome.report
        return {
            "message": f"Import terminé : {count(report.new, *arguments['created'])}, "
            f"{count(report.updated, 'mise à jour', 'mises à jour')}.",
            "url": arguments["done_url"],
        }
    message = (
        "Les données ont changé depuis la vérification du fichier : il vient d'être "
        "vérifié à nouveau, rien n'est importé. Relisez le résultat avant de confirmer."
        if outcome.kind == "stale"
        else "Le fichier n'a pas pu être importé : rien n'a été enregistré. Ouvrez le "
        "résultat pour voir les erreurs."
    )
    return {
        "message": message,
        "url": result_url(job),
        "result": found(outcome.report, outcome.file_name, outcome.token),
    }


def result_url(job: Job) -> str:
    return f"{job.arguments['page_url']}?travail={job.pk}"


def found(report: Report, file_name: str, token: str | None) -> dict[str, Any]:
    """What the import page shows of a job's result (see job_result)."""
    return {"report": report.as_data(), "file_name": file_name, "token": token}
