"""Importing a spreadsheet through a django-import-export resource: read, dry run, confirm.

The file is read as French spreadsheets write it (UTF-8 with or without BOM, or
Windows-1252; ";" or ","; XLSX; ODS), checked in full without writing anything
(dry run), kept under a random name, then imported for good on confirmation,
all or nothing.
"""

import csv
import io
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pghistory
import tablib
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import capfirst
from import_export import widgets

from .forms import SPACES

STAGING = "imports"
YES = {"oui", "o", "vrai", "true", "1", "x", "yes"}
NO = {"non", "n", "faux", "false", "0", "", "no"}


class UnreadableFile(Exception):
    pass


def read_dataset(name, content):
    """A tablib Dataset from the uploaded bytes, or UnreadableFile with a French reason."""
    extension = name.lower().rsplit(".", 1)[-1]
    try:
        if extension in {"xlsx", "ods"}:
            return tablib.Dataset().load(content, format=extension)
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        if "\x00" in text:
            raise UnreadableFile("le fichier n'est pas un texte CSV (octets nuls).")
        sample = text[:20000]
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except UnreadableFile:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure means an unreadable file
        raise UnreadableFile(f"le fichier ne peut pas être lu comme un tableur {extension.upper()}.") from exc
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise UnreadableFile("le fichier est vide.")
    headers = [cell.strip() for cell in rows[0]]
    width = len(headers)
    dataset = tablib.Dataset(headers=headers)
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != width:
            raise UnreadableFile(
                f"la ligne {number} a {len(row)} colonnes au lieu de {width} "
                f"(séparateur ou guillemets incorrects ?)."
            )
        dataset.append(row)
    return dataset


@dataclass
class Report:
    """What an import did or would do, row by row, in French."""

    new: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)  # (line or None, message)
    rows: list = field(default_factory=list)  # (line, "création"/"mise à jour", name)

    @property
    def ok(self):
        return not self.errors


def run_import(resource, dataset, *, dry_run, user=None):
    """Check (DRY_RUN) or import DATASET with RESOURCE, all or nothing; a French Report.

    RESOURCE.file_errors(dataset) lists what makes the whole file unusable.
    """
    report = Report()
    report.errors = [(None, message) for message in resource.file_errors(dataset)]
    if report.errors:
        return report
    model = resource._meta.model
    # With a history context, the history triggers do not look for one row after row
    # in an exception block (a subtransaction each: 20 times slower on large files).
    with pghistory.context(source="import"):
        result = resource.import_data(
            dataset, dry_run=dry_run, raise_errors=False, use_transactions=True,
            collect_failed_rows=False, user=user,
        )
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
    report.errors.sort(key=lambda error: (error[0] or 0))
    return report


def _label(model, name):
    try:
        return capfirst(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _message(error):
    if hasattr(error, "messages"):
        return " ".join(error.messages)
    return str(error)


def stage(dataset, namespace):
    token = uuid.uuid4().hex
    default_storage.save(f"{STAGING}/{namespace}/{token}.csv",
                         ContentFile(dataset.export("csv").encode()))
    return token


def staged(token, namespace):
    """The dataset kept by stage(), or None when the token is unknown or malformed."""
    try:
        token = uuid.UUID(hex=token).hex
    except (ValueError, TypeError):
        return None
    path = f"{STAGING}/{namespace}/{token}.csv"
    if not default_storage.exists(path):
        return None
    with default_storage.open(path) as staged_file:
        content = staged_file.read().decode()
    return tablib.Dataset().load(content, format="csv"), path


def check_upload(form, resource, *, namespace, user):
    """Read the file of a valid ImportForm and dry-run it: the context of the import page.

    An unreadable file becomes an error of the form; a valid one is staged for confirmation.
    """
    upload = form.cleaned_data["file"]
    try:
        dataset = read_dataset(upload.name, upload.read())
    except UnreadableFile as exc:
        form.add_error("file", f"Fichier illisible : {exc}")
        return {}
    report = run_import(resource, dataset, dry_run=True, user=user)
    return {"report": report, "file_name": upload.name,
            "token": stage(dataset, namespace) if report.ok else None}


def import_staged(token, resource, *, namespace, user):
    """Import the file staged under TOKEN, all or nothing: a Report, or None if it is gone."""
    found = staged(token, namespace)
    if found is None:
        return None
    dataset, path = found
    report = run_import(resource, dataset, dry_run=False, user=user)
    default_storage.delete(path)
    return report


# Cells as French spreadsheets write them, for the apps' resources.

def strip(value):
    return value.strip() if isinstance(value, str) else value


class FrenchBooleanWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(strip(value) or "").lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(f"« {value} » n'est ni oui ni non.")

    def render(self, value, obj=None, **kwargs):
        return "oui" if value else "non"


class FrenchDecimalWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return Decimal(SPACES.sub("", str(value)).replace(",", "."))
        except InvalidOperation:
            raise ValueError(f"« {value} » n'est pas un nombre.") from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value).replace(".", ",")


class FrenchIntegerWidget(FrenchDecimalWidget):
    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row, **kwargs)
        if number is None:
            return None
        if number != number.to_integral_value() or number < 0:
            raise ValueError(f"« {value} » n'est pas un nombre entier positif.")
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoiceWidget(widgets.Widget):
    """A choice read by its label or its value; written by its label."""

    def __init__(self, choices, what):
        self.by_label = {str(label).lower(): value for value, label in choices}
        self.values = {value for value, _ in choices}
        self.labels = dict(choices)
        self.what = what

    def clean(self, value, row=None, **kwargs):
        text = str(strip(value) or "")
        if not text:
            return ""
        if text in self.values:
            return text
        if text.lower() in self.by_label:
            return self.by_label[text.lower()]
        raise ValueError(f"{self.what} inconnu(e) : « {text} ».")

    def render(self, value, obj=None, **kwargs):
        return str(self.labels.get(value, "")) if value else ""


class CachedReferenceWidget(widgets.Widget):
    """A foreign key by its code, looked up in a dict filled once per import."""

    def __init__(self, model, field, what):
        self.model, self.field, self.what = model, field, what
        self.cache = None

    def clean(self, value, row=None, **kwargs):
        code = str(strip(value) or "")
        if not code:
            return None
        if self.cache is None:
            self.cache = {getattr(obj, self.field): obj for obj in self.model.objects.all()}
        if code not in self.cache:
            raise ValueError(f"{self.what} inconnu(e) : « {code} ».")
        return self.cache[code]

    def render(self, value, obj=None, **kwargs):
        return getattr(value, self.field) if value else ""
