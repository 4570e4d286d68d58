"""Importing a spreadsheet through a django-import-export resource: read, dry run, confirm.

The file is read as French spreadsheets write it (UTF-8 with or without BOM, or
Windows-1252; ";" or ","; XLSX; ODS), checked in full without writing anything
(dry run), kept in the database for its uploader (StagedImport), then imported for good
on confirmation, all or nothing, once. A file of more than IMPORT_JOB_ROWS rows is checked
and imported by a background job (jobs/), whose page shows the rows read.
"""

import dataclasses
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import pghistory
import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from import_export import widgets

from .datacache import SCOPES, versions
from .forms import SPACES
from .french import listing, noun
from .models import StagedImport
from .spreadsheets import UnreadableFile, read_sheet
from .throttle import take_turns
from .workbooks import DATE, DECIMAL, INTEGER, PERCENT

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

    from .forms import ImportForm
    from .spreadsheets import Sheet

# A job's progress callback (jobs.runner): step, done, total, unit.
type Progress = Callable[..., None]

logger = logging.getLogger(__name__)
YES = {"oui", "o", "vrai", "true", "1", "x", "yes"}
NO = {"non", "n", "faux", "false", "0", "", "no"}


@dataclass
class Report:
    """What an import did or would do, row by row, in French."""

    new: int = 0
    updated: int = 0
    errors: list[tuple[int | None, str]] = field(default_factory=list)  # (line or None, message)
    notes: list[str] = field(default_factory=list)  # remarks that do not stop the import
    rows: list[tuple[int, str, str]] = field(default_factory=list)  # (line, kind, name)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_data(self) -> dict[str, Any]:
        """The report as JSON data, kept with the job that made it."""
        return dataclasses.asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Report":
        return cls(**data)


PROGRESS_EVERY = 2.0  # seconds between two progress reports of a job


def count_rows(resource: Any, progress: Progress, total: int) -> None:
    """Report to a job's PROGRESS the rows RESOURCE has read, every PROGRESS_EVERY seconds."""
    import_row = resource.import_row
    state = {"done": 0, "said": time.monotonic()}

    def counted(row: Any, instance_loader: Any, **kwargs: Any) -> Any:
        state["done"] += 1
        if time.monotonic() - state["said"] >= PROGRESS_EVERY:
            state["said"] = time.monotonic()
            progress(done=state["done"])
        return import_row(row, instance_loader, **kwargs)

    resource.import_row = counted
    progress(done=0, total=total, unit="lignes")


def run_import(
    resource: Any,
    dataset: tablib.Dataset,
    *,
    dry_run: bool,
    user: "User | None" = None,
    progress: Progress | None = None,
) -> Report:
    """Check (DRY_RUN) or import DATASET with RESOURCE, all or nothing; a French Report.

    RESOURCE.file_errors(dataset) lists what makes the whole file unusable. PROGRESS, a job's,
    is told the rows read.
    """
    report = Report()
    report.errors = [(None, message) for message in resource.file_errors(dataset)]
    if report.errors:
        return report
    known = {field.column_name for field in resource.get_import_fields()}
    unknown = [header for header in dataset.headers if header not in known]
    if unknown:
        what = noun(len(unknown), "Colonne ignorée", "Colonnes ignorées")
        report.notes.append(f"{what} (nom inconnu) : {listing(f'« {name} »' for name in unknown)}.")
    model = resource._meta.model
    if progress:
        count_rows(resource, progress, len(dataset))
    # With a history context, the history triggers do not look for one row after row
    # in an exception block (a subtransaction each: 20 times slower on large files).
    with pghistory.context(source="import"):
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            collect_failed_rows=False,
            user=user,
        )
    report.notes.extend(getattr(resource, "notes", []))
    for error in result.base_errors:
        report.errors.append((None, _message(error.error)))
    for line, errors in result.row_errors():
        for error in errors:
            report.errors.append((line + 1, _message(error.error)))
    for invalid in result.invalid_rows:
        for name, messages in invalid.error_dict.items():
            text = " ".join(messages)
            if name != NON_FIELD_ERRORS:
                text = f"{_label(model, name)} : {text}"
            report.errors.append((invalid.number + 1, text))
    for number, row in enumerate(result.rows, start=2):
        kind = {"new": "création", "update": "mise à jour"}.get(row.import_type)
        if kind:
            report.rows.append((number, kind, row.object_repr))
            report.new += kind == "création"
            report.updated += kind == "mise à jour"
    report.errors.sort(key=lambda error: error[0] or 0)
    return report


def _label(model: Any, name: str) -> str:
    try:
        return capfirst(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _message(error: BaseException) -> str:
    """A row's error in French: never a Python class name or an SQL message."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, ValueError):
        return str(error)
    logger.warning("Import: unexpected row error %r", error)
    return (
        "Ligne illisible : vérifiez ses valeurs (nombres avec une virgule décimale, "
        "années sur quatre chiffres, oui ou non, codes existants)."
    )


@dataclass
class Outcome:
    """What a confirmation did: KIND is imported, invalid (REPORT lists the errors), stale
    (the data changed since the dry run: REPORT is a new dry run, TOKEN its new staging),
    done (already imported), or gone (unknown, someone else's, or expired)."""

    kind: str
    report: Report = field(default_factory=Report)
    token: str | None = None
    file_name: str = ""


def read_versions(resource: Any) -> dict[str, int]:
    """The versions of the scopes RESOURCE's import reads (its reads_scopes: what it matches
    rows against and takes its codes from; every scope when it does not say)."""
    current = versions()
    return {scope: current[scope] for scope in getattr(resource, "reads_scopes", SCOPES)}


def stage(
    dataset: tablib.Dataset,
    *,
    namespace: str,
    user: "User",
    file_name: str,
    read: dict[str, int],
    checked: bool = True,
) -> str:
    """Keep DATASET for its confirmation by USER (READ: the versions its dry run read);
    erase what expired meanwhile."""
    StagedImport.objects.filter(
        created_at__lt=timezone.now() - settings.IMPORT_STAGING_TTL
    ).delete()
    staged = StagedImport.objects.create(
        namespace=namespace,
        owner=user,
        file_name=file_name[:255],
        rows=len(dataset),
        versions=read,
        content=dataset.export("csv"),
        checked=checked,
    )
    return staged.token.hex


def read_upload(form: "ImportForm") -> "Sheet | None":
    """The sheet of a valid ImportForm's file; None, with an error on the form, if unreadable."""
    upload = form.cleaned_data["file"]
    try:
        return read_sheet(upload.name, upload.read())
    except UnreadableFile as exc:
        form.add_error("file", f"Fichier illisible : {exc}")
        return None


def check_sheet(
    sheet: "Sheet", resource: Any, *, namespace: str, user: "User", file_name: str
) -> dict[str, Any]:
    """The dry run of a SHEET read from FILE_NAME: the context of the import page."""
    context = dry_run(sheet.dataset, resource, namespace=namespace, user=user, file_name=file_name)
    context["report"].notes[:0] = sheet.notes
    return context


def dry_run(
    dataset: tablib.Dataset,
    resource: Any,
    *,
    namespace: str,
    user: "User",
    file_name: str,
    progress: Progress | None = None,
) -> dict[str, Any]:
    read = read_versions(resource)
    report = run_import(resource, dataset, dry_run=True, user=user, progress=progress)
    token = (
        stage(dataset, namespace=namespace, user=user, file_name=file_name, read=read)
        if report.ok
        else None
    )
    return {"report": report, "file_name": file_name, "token": token}


@transaction.atomic
def import_staged(
    token: str,
    resource: Any,
    *,
    namespace: str,
    user: "User | None",
    progress: Progress | None = None,
) -> Outcome:
    """Import the file staged under TOKEN, all or nothing and once only: an Outcome.

    The staged row is locked before it is read: a second confirmation of the same file waits
    for the first one, then finds it done. Confirmations of two files of NAMESPACE (two
    editors, the same rows) take turns too, from the check of the versions to their
    commit: the second one then reads the versions the first one wrote and is checked again
    against its rows (stale), as a later confirmation would be. Both would otherwise import
    against the data as their dry runs saw it, and write the same new rows twice (a unique
    violation where the rows have a key)."""
    try:
        key = uuid.UUID(hex=token)
    except (ValueError, TypeError, AttributeError):
        return Outcome("gone")
    staged = (
        StagedImport.objects.select_for_update()
        .filter(token=key, namespace=namespace, owner=user, checked=True)
        .first()
    )
    if staged is None:
        return Outcome("gone")
    if staged.consumed_at is not None:
        return Outcome("done", file_name=staged.file_name)
    if staged.expired():
        staged.delete()
        return Outcome("gone")
    take_turns(f"import-confirmation:{namespace}")
    dataset = tablib.Dataset().load(staged.content, format="csv")
    if staged.versions != read_versions(resource):
        staged.delete()
        # USER owns the staged file found above: an account, not None.
        again = dry_run(
            dataset,
            resource,
            namespace=namespace,
            user=user,  # type: ignore[arg-type]
            file_name=staged.file_name,
            progress=progress,
        )
        return Outcome(
            "stale", report=again["report"], token=again["token"], file_name=staged.file_name
        )
    report = run_import(resource, dataset, dry_run=False, user=user, progress=progress)
    if not report.ok:
        return Outcome("invalid", report=report, file_name=staged.file_name)
    staged.consumed_at = timezone.now()
    staged.content = ""
    staged.save(update_fields=["consumed_at", "content"])
    return Outcome("imported", report=report, file_name=staged.file_name)


class FileLines:
    """The file's line of each row key met so far, for the apps' resources: a second row with
    a key already met is refused, naming the first one's line."""

    def __init__(self) -> None:
        self.lines: dict[Any, int] = {}

    def add(self, key: object, row_number: int, what: str) -> int:
        """Record KEY for import-export's ROW_NUMBER (0: the first row after the header);
        its line in the file, or a ValidationError if KEY was met already."""
        if key in self.lines:
            raise ValidationError(
                f"Doublon dans le fichier : même {what} qu'à la ligne {self.lines[key]}."
            )
        line = self.lines[key] = row_number + 1
        return line


def missing_parts(dataset: tablib.Dataset, required: Iterable[str], hint: str = "") -> list[str]:
    """What makes a whole file unusable, checked before any row is read (a resource's
    file_errors): a REQUIRED column absent, no data row."""
    missing = [column for column in required if column not in (dataset.headers or [])]
    if missing:
        return [f"Colonne(s) obligatoire(s) absente(s) : {', '.join(missing)}.{hint}"]
    if not len(dataset):
        return ["Le fichier ne contient aucune ligne de données."]
    return []


# Cells as French spreadsheets write them, for the apps' resources.


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def strip_cells(row: dict[str, Any]) -> None:
    """ROW's text cells without their surrounding blanks (a resource's before_import_row)."""
    for column, value in list(row.items()):
        row[column] = strip(value)


class FrenchBooleanWidget(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = str(strip(value) or "").lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(f"« {value} » n'est ni oui ni non.")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return "oui" if value else "non"


class FrenchDecimalWidget(widgets.Widget):
    """A number: with a decimal comma in a CSV file, the number itself in a spreadsheet
    (force_native_type, which django-import-export passes for the binary formats), shown as
    its KIND says (essplan.workbooks: a plain number, an amount in euros…)."""

    def __init__(self, kind: str = DECIMAL) -> None:
        super().__init__()
        self.kind = kind

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if value in (None, ""):
            return None
        try:
            return Decimal(SPACES.sub("", str(value)).replace(",", "."))
        except InvalidOperation:
            raise ValueError(f"« {value} » n'est pas un nombre.") from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else str(value).replace(".", ",")


class FrenchIntegerWidget(FrenchDecimalWidget):
    """A whole number: a count (1 234) or, of KIND YEAR, a year (2024)."""

    def __init__(self, kind: str = INTEGER) -> None:
        super().__init__(kind)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        number = super().clean(value, row, **kwargs)
        if number is None:
            return None
        if number != number.to_integral_value() or number < 0:
            raise ValueError(f"« {value} » n'est pas un nombre entier positif.")
        return int(number)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else str(value)


class PercentWidget(FrenchIntegerWidget):
    """A percentage held from 0 to 100 (exported only): 35 in a CSV file, whose column says
    « (%) »; 0.35 in a spreadsheet, shown as 35 %."""

    def __init__(self) -> None:
        super().__init__(PERCENT)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        if kwargs.get("force_native_type"):
            return None if value is None else Decimal(value) / 100
        return super().render(value, obj, **kwargs)


class FrenchDateWidget(widgets.DateWidget):
    """A date: 15/01/2024 in a CSV file, a date cell in a spreadsheet."""

    kind = DATE

    def __init__(self) -> None:
        super().__init__("%d/%m/%Y")


class ChoiceWidget(widgets.Widget):
    """A choice read by its label or its value; written by its label."""

    def __init__(self, choices: Iterable[tuple[Any, Any]], what: str) -> None:
        self.by_label = {str(label).lower(): value for value, label in choices}
        self.values = {value for value, _ in choices}
        self.labels = dict(choices)
        self.what = what

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = str(strip(value) or "")
        if not text:
            return ""
        if text in self.values:
            return text
        if text.lower() in self.by_label:
            return self.by_label[text.lower()]
        raise ValueError(f"{self.what} inconnu(e) : « {text} ».")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return str(self.labels.get(value, "")) if value else ""


class LookupWidget(widgets.Widget):
    """A related object by a key of its own (its FIELD), looked up in a dict filled once per
    import. Subclasses give the objects (choices), the messages for an empty cell (MISSING;
    None: an empty cell is no object) and for an unknown key (UNKNOWN, with {key}), and may
    normalise the key or refuse an object found (check)."""

    field = "code"
    missing = None
    unknown = "Inconnu : « {key} »."

    def __init__(self) -> None:
        self.cache: dict[str, Any] | None = None

    def choices(self) -> Iterable[Any]:
        raise NotImplementedError

    def normalise(self, key: str) -> str:
        return key

    def check(self, obj: Any) -> Any:
        return obj

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        key = self.normalise(str(strip(value) or ""))
        if not key:
            if self.missing is None:
                return None
            raise ValueError(self.missing)
        if self.cache is None:
            self.cache = {
                self.normalise(getattr(obj, self.field) or ""): obj for obj in self.choices()
            }
            self.cache.pop("", None)
        if key not in self.cache:
            raise ValueError(self.unknown.format(key=key))
        return self.check(self.cache[key])

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return getattr(value, self.field) if value else ""


class CachedReferenceWidget(LookupWidget):
    """A reference row (commune, legal form, NAF code) by its code; an empty cell is none."""

    def __init__(self, model: Any, field: str, what: str) -> None:
        super().__init__()
        self.model, self.field = model, field
        self.unknown = f"{what} inconnu(e) : « {{key}} »."

    def choices(self) -> "QuerySet[Any]":
        return self.model.objects.all()
