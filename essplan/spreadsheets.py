"""Reading the spreadsheets users upload, as Excel and LibreOffice really save them.

- CSV: UTF-8 (with or without BOM) when the whole file is valid UTF-8, else Windows-1252,
  which the dry run then says, with a sample; a file that mixes both is refused, never
  decoded into « Ã© ». ";" or ",".
- XLSX: read in streaming mode (openpyxl read-only), so a stray cell on row 1 048 576 costs
  neither time nor memory.
- ODS: content.xml read as a stream, with LibreOffice's repeated rows and columns expanded
  (a run of identical or empty cells is stored once, with its count).

Blank rows are skipped, trailing empty cells dropped, the apostrophe that our exports put
before a formula-like text (« '=… », « '+33… ») removed, and a file of more than MAX_ROWS
rows refused with a clear message.
"""

import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree.ElementTree import iterparse

import openpyxl
import tablib

from .exports import FORMULA_STARTS

MAX_ROWS = 300_000
BOM = b"\xef\xbb\xbf"
# A UTF-8 encoded accented letter: two bytes that Windows-1252 would show as « Ã© ».
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


class UnreadableFile(Exception):
    """The file cannot be read as a table: the message says why, in French."""


@dataclass
class Sheet:
    dataset: tablib.Dataset
    notes: list = field(default_factory=list)  # French remarks for the dry-run page


def read_sheet(name, content):
    """A Sheet from the uploaded bytes, or UnreadableFile with a French reason."""
    extension = name.lower().rsplit(".", 1)[-1]
    notes = []
    try:
        if extension == "xlsx":
            rows = xlsx_rows(content)
        elif extension == "ods":
            rows = ods_rows(content)
        else:
            return Sheet(table(csv_rows(content, notes), strict=True), notes)
        return Sheet(table(rows), notes)
    except UnreadableFile:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure means an unreadable file
        raise UnreadableFile(
            f"le fichier ne peut pas être lu comme un tableur {extension.upper()}.") from exc


def decode(content, notes):
    """The text of a CSV file: UTF-8 if it all is, else Windows-1252 (said in NOTES)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if content.startswith(BOM) or UTF8_SEQUENCE.search(content):
            line = content[:exc.start].count(b"\n") + 1
            raise UnreadableFile(
                f"la ligne {line} n'est pas en UTF-8 alors que le reste du fichier l'est "
                "(fichier assemblé à partir de plusieurs sources ?) : enregistrez-le à nouveau "
                "en « CSV UTF-8 ».") from None
    text = content.decode("cp1252", errors="replace")
    accented = re.search(r"\w*[À-ÿŒœ]\w*", text)
    sample = f" (exemple : « {accented.group(0)} »)" if accented else ""
    notes.append("Le fichier n'est pas en UTF-8 : il a été lu comme un fichier Windows "
                 f"(Windows-1252){sample}. Vérifiez les accents ci-dessous avant de confirmer.")
    return text


def csv_rows(content, notes):
    text = decode(content, notes)
    if "\x00" in text:
        raise UnreadableFile("le fichier n'est pas un texte CSV (octets nuls).")
    sample = text[:20000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    return csv.reader(io.StringIO(text), delimiter=delimiter)


def xlsx_rows(content):
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        yield from workbook.active.iter_rows(values_only=True)
    finally:
        workbook.close()


def ods_rows(content):
    """The rows of the first sheet of an ODS file, repeated rows and cells expanded."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open("content.xml") as xml:
        row, repeat, in_table = None, 1, 0
        for event, element in iterparse(xml, events=("start", "end")):
            tag = element.tag
            if tag == f"{{{NS['table']}}}table":
                in_table += 1 if event == "start" else 0
                if event == "end":
                    return
            elif tag == f"{{{NS['table']}}}table-row" and in_table:
                if event == "start":
                    row = []
                    repeat = int(element.get(f"{{{NS['table']}}}number-rows-repeated", 1))
                else:
                    trimmed = trim(row)
                    # Repeated empty rows (LibreOffice pads to the sheet's end) are skipped.
                    for _ in range(repeat if trimmed else 1):
                        yield trimmed
                    element.clear()
            elif tag in (f"{{{NS['table']}}}table-cell",
                         f"{{{NS['table']}}}covered-table-cell") and event == "end" and in_table:
                count = int(element.get(f"{{{NS['table']}}}number-columns-repeated", 1))
                value = ods_value(element)
                if value == "" and count > 1000:
                    count = 1  # the padding to the sheet's last column
                row.extend([value] * count)
                element.clear()


def ods_value(cell):
    kind = cell.get(f"{{{NS['office']}}}value-type")
    if kind in ("float", "percentage", "currency"):
        return cell.get(f"{{{NS['office']}}}value")
    if kind == "boolean":
        return cell.get(f"{{{NS['office']}}}boolean-value")
    if kind == "date":
        return cell.get(f"{{{NS['office']}}}date-value")
    paragraphs = cell.findall(f"{{{NS['text']}}}p")
    return "\n".join("".join(paragraph.itertext()) for paragraph in paragraphs)


def trim(row):
    """ROW as text cells, its trailing empty cells dropped."""
    cells = ["" if value is None else text_of(value) for value in row]
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def text_of(value):
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def unneutralise(cell):
    """'=SOMME(A1) -> =SOMME(A1): the apostrophe our exports add before formula-like text."""
    if cell.startswith("'") and cell[1:2] and cell[1:2] in FORMULA_STARTS:
        return cell[1:]
    return cell


def table(rows, strict=False):
    """A Dataset from ROWS: the first non-blank row is the header row. STRICT (CSV): every
    row has the header's number of cells, as a spreadsheet program writes them."""
    dataset, width, count = None, 0, 0
    for number, row in enumerate(rows, start=1):
        cells = trim(row)
        if not any(cell.strip() for cell in cells):
            continue
        if dataset is None:
            headers = [cell.replace("\ufeff", "").strip() for cell in cells]
            duplicates = sorted(name for name, n in Counter(headers).items() if n > 1)
            if duplicates:
                raise UnreadableFile("la ligne d'en-tête répète la colonne "
                                     f"« {duplicates[0]} » : chaque colonne doit être unique.")
            dataset, width = tablib.Dataset(headers=headers), len(headers)
            continue
        count += 1
        if count > MAX_ROWS:
            raise UnreadableFile(f"le fichier compte plus de {MAX_ROWS:_} lignes".replace("_", " ")
                                 + " : découpez-le en plusieurs fichiers.")
        if len(cells) > width or (strict and len(row) < width):
            raise UnreadableFile(
                f"la ligne {number} a {len(row) if strict else len(cells)} colonnes au lieu de "
                f"{width} (séparateur ou guillemets incorrects ?).")
        dataset.append([unneutralise(cell) for cell in cells] + [""] * (width - len(cells)))
    if dataset is None:
        raise UnreadableFile("le fichier est vide.")
    return dataset
