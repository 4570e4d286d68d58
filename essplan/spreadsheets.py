"""Reading the spreadsheets users upload, as Excel and LibreOffice really save them.

- CSV: UTF-8 (with or without BOM) when the whole file is valid UTF-8, else Windows-1252,
  which the dry run then says, with a sample; a file whose lines mix both is refused, never
  decoded into « Ã© »; a binary file is told it is not a CSV. ";" or ",".
- XLSX and ODS: their XML read as a stream (expat), cell by cell, only the cells the file
  holds: a sheet's declared dimension is never trusted (one stray cell at XFD1048576 would
  otherwise mean a million padded rows), and LibreOffice's repeated rows and cells are not
  expanded blindly (trailing empty ones are dropped, a repeated value counts as often as it
  is repeated).

What a file may expand to is bounded before it costs memory: an unzipped part of more than
MAX_PART bytes is refused from the zip directory, before it is read; a cell of more than
MAX_CELL characters is refused while it is read, naming the cell, without its text being
kept; a value beyond MAX_COLUMNS, or more than MAX_TEXT characters in all, is refused too.

Blank rows are skipped, trailing empty cells dropped, the apostrophe that our exports put
before a formula-like text (« '=… », « '+33… ») removed, and a file of more than MAX_ROWS
rows refused with a clear message.
"""

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import IO, Any
from xml.etree import ElementTree
from xml.parsers import expat

import tablib
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from .exports import formula_like
from .french import integer

MAX_ROWS = 300_000
# Wider than any import's model: a value further right is a stray cell, refused by name.
MAX_COLUMNS = 200
# Characters in one cell: more than the longest text an import writes (a description).
MAX_CELL = 10_000
# Characters in all the cells (each counting one more, as a CSV's separator): what the
# largest CSV accepted holds (essplan.forms.MAX_UPLOAD).
MAX_TEXT = 10_000_000
# Bytes of one unzipped part (a sheet, the shared strings): well above the sheet of a
# MAX_ROWS-row file, well below what a zip bomb unpacks to.
MAX_PART = 128 * 1024 * 1024
BOM = b"\xef\xbb\xbf"
# Bytes no text file holds (NUL and the control characters other than tab, line feeds,
# form feed and Ctrl-Z), and the opening bytes of the files most often renamed .csv.
BINARY = re.compile(rb"[\x00-\x08\x0e-\x19\x1b-\x1f]")
SIGNATURES = {
    b"PK\x03\x04": "d'une archive ZIP (classeur XLSX ou ODS, document Word…)",
    b"\xd0\xcf\x11\xe0": "d'un document Office 97-2003 (XLS, DOC)",
    b"%PDF-": "d'un PDF",
}
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
RELATIONS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SPREADSHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]+)$")


class UnreadableFile(Exception):
    """The file cannot be read as a table: the message says why, in French."""


@dataclass
class Sheet:
    dataset: tablib.Dataset
    notes: list[str] = field(default_factory=list)  # French remarks for the dry-run page


def read_sheet(name: str, content: bytes) -> Sheet:
    """A Sheet from the uploaded bytes, or UnreadableFile with a French reason."""
    extension = name.lower().rsplit(".", 1)[-1]
    notes: list[str] = []
    try:
        if extension == "xlsx":
            rows = xlsx_rows(content, Budget())
        elif extension == "ods":
            rows = ods_rows(content, Budget())
        else:
            return Sheet(table(enumerate(csv_rows(content, notes), start=1), strict=True), notes)
        return Sheet(table(rows), notes)
    except UnreadableFile:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure means an unreadable file
        raise UnreadableFile(
            f"le fichier ne peut pas être lu comme un tableur {extension.upper()}."
        ) from exc


# CSV


def decode(content: bytes, notes: list[str]) -> str:
    """The text of a CSV file: UTF-8 if it all is, else Windows-1252 (said in NOTES).

    Judged on the whole file, never byte pair by byte pair: in Windows-1252, « é » followed
    by « – », « … », « » », « ’ », « ° » or a non-breaking space looks like the start of a
    UTF-8 sequence. A file is mixed only if one of its lines is UTF-8, with accented letters
    Windows-1252 also has, while another is not UTF-8 at all."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    binary = BINARY.search(content)
    if binary or (text is None and content.startswith(tuple(SIGNATURES))):
        kind = next(
            (what for start, what in SIGNATURES.items() if content.startswith(start)),
            "d'un fichier binaire",
        )
        raise UnreadableFile(
            f"ce fichier n'est pas un fichier CSV (texte) : son contenu est celui {kind}. "
            "Importez le classeur lui-même (XLSX, ODS) ou enregistrez-le en « CSV UTF-8 »."
        )
    if text is not None:
        return text
    lines = content.split(b"\n")
    if content.startswith(BOM) or any(map(utf8_line, lines)):
        line = next(
            number
            for number, line in enumerate(lines, start=1)
            if not utf8_line(line, accented=False)
        )
        raise UnreadableFile(
            f"la ligne {line} n'est pas en UTF-8 alors que le reste du fichier l'est "
            "(fichier assemblé à partir de plusieurs sources ?) : enregistrez-le à nouveau "
            "en « CSV UTF-8 »."
        )
    text = content.decode("cp1252", errors="replace")
    accented = re.search(r"\w*[À-ÿŒœ]\w*", text)
    sample = f" (exemple : « {accented.group(0)} »)" if accented else ""
    notes.append(
        "Le fichier n'est pas en UTF-8 : il a été lu comme un fichier Windows "
        f"(Windows-1252){sample}. Vérifiez les accents ci-dessous avant de confirmer."
    )
    return text


def utf8_line(line: bytes, accented: bool = True) -> bool:
    """Whether LINE is valid UTF-8 (ACCENTED: and holds letters beyond ASCII that
    Windows-1252 also has: a Windows line that happens to be valid UTF-8 decodes to
    characters such as « 頻 » that no French file holds)."""
    try:
        text = line.removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError:
        return False
    if not accented:
        return True
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return not text.isascii()


def csv_rows(content: bytes, notes: list[str]) -> Iterator[list[str]]:
    text = decode(content, notes)
    sample = text[:20000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    return csv.reader(io.StringIO(text), delimiter=delimiter)


# XLSX and ODS


class Budget:
    """The characters a file has expanded to so far, refused past MAX_TEXT."""

    def __init__(self) -> None:
        self.used = 0

    def spend(self, amount: int) -> None:
        self.used += amount
        if self.used > MAX_TEXT:
            raise UnreadableFile(
                f"le fichier contient plus de {integer(MAX_TEXT)} caractères une fois "
                "décompressé : découpez-le en plusieurs fichiers."
            )


class CellText:
    """A cell's text as the parser hands it over, piece by piece: past MAX_CELL characters,
    only its length is kept (a 100 MB cell costs no more than MAX_CELL characters)."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.size = 0

    def add(self, piece: str) -> None:
        self.size += len(piece)
        if self.size <= MAX_CELL:
            self.pieces.append(piece)

    @property
    def too_long(self) -> bool:
        return self.size > MAX_CELL

    def value(self) -> str:
        return "".join(self.pieces)


def too_long(reference: str) -> UnreadableFile:
    return UnreadableFile(
        f"la cellule {reference} dépasse {integer(MAX_CELL)} caractères : raccourcissez-la."
    )


def beyond(reference: str) -> UnreadableFile:
    return UnreadableFile(
        f"la cellule {reference} est au-delà de la colonne {get_column_letter(MAX_COLUMNS)}, "
        "la dernière lue : effacez-la ou déplacez-la."
    )


def open_part(archive: zipfile.ZipFile, name: str) -> IO[bytes]:
    """The unzipped part NAME of ARCHIVE, refused from the zip directory if it unpacks to
    more than MAX_PART bytes (zipfile never reads more than the size it declares)."""
    info = archive.getinfo(name)
    if info.file_size > MAX_PART:
        raise UnreadableFile(
            f"une fois décompressé, le fichier dépasse {integer(MAX_PART // 1024 // 1024)} Mo "
            f"(partie « {name} ») : découpez-le en plusieurs fichiers."
        )
    return archive.open(info)


class StreamParser:
    """A part of an archive parsed by expat in chunks, with handlers named after the local
    names of the elements (start_row, end_c…); the rows they finish are handed over after
    each chunk, so that a sheet is never held whole."""

    def __init__(self) -> None:
        self.ready: list[Any] = []
        self.text: CellText | None = None  # the CellText being read, if any

    def rows(self, archive: zipfile.ZipFile, name: str) -> Iterator[Any]:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text, parser.buffer_size = True, 1 << 16
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.data
        with open_part(archive, name) as part:
            while chunk := part.read(1 << 16):
                parser.Parse(chunk, False)
                yield from self.ready
                self.ready.clear()
            parser.Parse(b"", True)
        yield from self.ready

    def start(self, name: str, attributes: dict[str, str]) -> None:
        handler = getattr(self, f"start_{name.rpartition(' ')[2].replace('-', '_')}", None)
        if handler:
            handler({key.rpartition(" ")[2]: value for key, value in attributes.items()})

    def end(self, name: str) -> None:
        handler = getattr(self, f"end_{name.rpartition(' ')[2].replace('-', '_')}", None)
        if handler:
            handler()

    def data(self, piece: str) -> None:
        if self.text is not None:
            self.text.add(piece)


def xml_part(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    with open_part(archive, name) as part:
        return ElementTree.parse(part).getroot()


def xlsx_rows(content: bytes, budget: Budget) -> Iterator[tuple[int, list[Any]]]:
    """The rows of the active sheet of an XLSX file, as (row number, values)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        workbook = xml_part(archive, "xl/workbook.xml")
        targets = {
            relation.get("Id"): relation
            for relation in xml_part(archive, "xl/_rels/workbook.xml.rels")
        }

        def part(relation: ElementTree.Element) -> str:
            # A relation without its target fails here: read_sheet() says the file unreadable.
            target: Any = relation.get("Target")
            return (
                target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            )

        def of_type(kind: str) -> str | None:
            return next(
                (
                    part(relation)
                    for relation in targets.values()
                    if relation.get("Type") == f"{OFFICE_RELATIONS}/{kind}"
                ),
                None,
            )

        view = workbook.find(f"{{{SPREADSHEET}}}bookViews/{{{SPREADSHEET}}}workbookView")
        active = int(view.get("activeTab", 0)) if view is not None else 0
        sheets = workbook.findall(f"{{{SPREADSHEET}}}sheets/{{{SPREADSHEET}}}sheet")
        sheet = part(targets[sheets[min(active, len(sheets) - 1)].get(f"{{{OFFICE_RELATIONS}}}id")])
        properties = workbook.find(f"{{{SPREADSHEET}}}workbookPr")
        in_1904 = properties is not None and properties.get("date1904") in ("1", "true")
        strings_part, styles_part = of_type("sharedStrings"), of_type("styles")
        # Counted apart from the cells: a string is spent again by each cell that shows it.
        strings = list(SharedStrings(Budget()).rows(archive, strings_part)) if strings_part else []
        dates = date_styles(xml_part(archive, styles_part)) if styles_part else set()
        reader = XlsxSheet(
            strings, dates, CALENDAR_MAC_1904 if in_1904 else CALENDAR_WINDOWS_1900, budget
        )
        yield from reader.rows(archive, sheet)


def date_styles(styles: ElementTree.Element) -> set[int]:
    """The indexes of the cell styles that show a number as a date."""
    formats = {
        int(number_format.get("numFmtId")):  # type: ignore[arg-type]  # as part()
        number_format.get("formatCode", "")
        for number_format in styles.iter(f"{{{SPREADSHEET}}}numFmt")
    }
    cell_styles = styles.find(f"{{{SPREADSHEET}}}cellXfs")
    if cell_styles is None:
        return set()
    dates = set()
    for index, style in enumerate(cell_styles.findall(f"{{{SPREADSHEET}}}xf")):
        format_id = int(style.get("numFmtId", 0))
        if is_date_format(formats.get(format_id, BUILTIN_FORMATS.get(format_id, ""))):
            dates.add(index)
    return dates


class SharedStrings(StreamParser):
    """The shared strings of an XLSX file; one too long is kept as its CellText, refused
    when a cell uses it (naming the cell)."""

    def __init__(self, budget: Budget) -> None:
        super().__init__()
        self.budget, self.phonetic = budget, 0
        # The string being read; None between two (a stray element of a malformed file
        # fails on it, and read_sheet() says the file unreadable).
        self.item: Any = None

    def start_si(self, attributes: dict[str, str]) -> None:
        self.item = CellText()

    def start_t(self, attributes: dict[str, str]) -> None:
        if self.item is not None and not self.phonetic:
            self.text = self.item

    def end_t(self) -> None:
        self.text = None

    def start_rPh(
        self, attributes: dict[str, str]
    ) -> None:  # a reading guide (Japanese), not part of the text
        self.phonetic += 1

    def end_rPh(self) -> None:
        self.phonetic -= 1

    def end_si(self) -> None:
        if self.item.too_long:
            self.ready.append(self.item)
        else:
            value = self.item.value()
            self.budget.spend(len(value))
            self.ready.append(value)
        self.item = None


class XlsxSheet(StreamParser):
    """The rows of an XLSX sheet, typed as openpyxl types them (numbers, dates, booleans)."""

    def __init__(
        self, strings: list[str | CellText], dates: set[int], epoch: datetime, budget: Budget
    ) -> None:
        super().__init__()
        self.strings, self.dates, self.epoch, self.budget = strings, dates, epoch, budget
        self.number, self.column = 0, 0
        self.cells: list[Any] = []
        self.cell: Any = None  # the cell being read; None between two (as SharedStrings.item)
        self.phonetic = 0

    def start_row(self, attributes: dict[str, str]) -> None:
        self.number = int(attributes.get("r") or self.number + 1)
        self.cells, self.column = [], 0

    def end_row(self) -> None:
        if self.cells:
            self.ready.append((self.number, self.cells))

    def start_c(self, attributes: dict[str, str]) -> None:
        reference = attributes.get("r")
        match = CELL_REFERENCE.match(reference or "")
        self.column = column_index_from_string(match.group(1)) if match else self.column + 1
        self.cell = {
            "reference": reference or f"{get_column_letter(self.column)}{self.number}",
            "type": attributes.get("t", "n"),
            "style": int(attributes.get("s", 0)),
            "text": CellText(),
        }

    def start_v(self, attributes: dict[str, str]) -> None:
        self.text = self.cell["text"]

    def start_t(self, attributes: dict[str, str]) -> None:  # the text of an inline string
        if not self.phonetic:
            self.text = self.cell["text"]

    def end_v(self) -> None:
        self.text = None

    end_t = end_v

    def start_rPh(self, attributes: dict[str, str]) -> None:
        self.phonetic += 1

    def end_rPh(self) -> None:
        self.phonetic -= 1

    def data(self, piece: str) -> None:
        super().data(piece)
        if self.text is not None and self.text.too_long:  # refused now, unread further
            raise too_long(self.cell["reference"])

    def end_c(self) -> None:
        cell, self.cell = self.cell, None
        value = self.value(cell["type"], cell["text"].value(), cell["style"])
        if isinstance(value, CellText):
            raise too_long(cell["reference"])
        if value is None or (isinstance(value, str) and not value.strip()):
            return
        if self.column > MAX_COLUMNS:
            raise beyond(cell["reference"])
        self.budget.spend(1 + len(text_of(value)))
        self.cells.extend([None] * (self.column - 1 - len(self.cells)))
        self.cells.append(value)

    def value(self, kind: str, text: str, style: int) -> Any:
        if kind == "s":
            return self.strings[int(text)]
        if kind in ("inlineStr", "str", "e", "d"):
            return text
        if kind == "b":
            return text.strip() in ("1", "true")
        if not text.strip():
            return None
        number = float(text) if re.search(r"[.eE]", text) else int(text)
        if style in self.dates:
            return from_excel(number, self.epoch)
        return number


class OdsSheet(StreamParser):
    """The rows of the first sheet of an ODS file (content.xml). A run of identical cells
    or rows is stored once with its count: empty runs cost nothing, a run of values counts
    as often as it is repeated, and nothing lies beyond MAX_COLUMNS."""

    def __init__(self, budget: Budget) -> None:
        super().__init__()
        self.budget = budget
        self.tables, self.done, self.number, self.repeat = 0, False, 0, 1
        self.empty, self.aside = 0, 0
        self.cells: list[str] = []
        self.cell: dict[str, Any] | None = None

    def start_table(self, attributes: dict[str, str]) -> None:
        self.tables += 1

    def end_table(self) -> None:
        self.tables -= 1
        self.done = True

    def start_table_row(self, attributes: dict[str, str]) -> None:
        if self.tables and not self.done:
            self.repeat = int(attributes.get("number-rows-repeated", 1))
            self.cells, self.empty = [], 0

    def end_table_row(self) -> None:
        if not (self.tables and not self.done):
            return
        if self.cells:
            for offset in range(self.repeat):
                if offset:
                    self.budget.spend(sum(1 + len(value) for value in self.cells))
                self.ready.append((self.number + 1 + offset, self.cells))
                if len(self.ready) > MAX_ROWS:
                    break  # table() refuses the file: no need to repeat further
        self.number += self.repeat

    def start_table_cell(self, attributes: dict[str, str]) -> None:
        if not (self.tables and not self.done) or self.cell is not None:
            return
        kind = attributes.get("value-type")
        typed = {
            "float": "value",
            "percentage": "value",
            "currency": "value",
            "boolean": "boolean-value",
            "date": "date-value",
        }.get(kind or "")
        self.cell = {
            "repeat": int(attributes.get("number-columns-repeated", 1)),
            "typed": attributes.get(typed) if typed else None,
            "text": CellText(),
            "paragraphs": 0,
        }

    start_covered_table_cell = start_table_cell

    def data(self, piece: str) -> None:
        super().data(piece)
        if self.text is not None and self.text.too_long:  # refused now, unread further
            raise too_long(self.reference(len(self.cells) + self.empty + 1))

    def end_table_cell(self) -> None:
        if self.cell is None:
            return
        cell, self.cell = self.cell, None
        column = len(self.cells) + self.empty + 1
        if cell["text"].too_long:  # made so by its runs of spaces
            raise too_long(self.reference(column))
        value = cell["typed"] if cell["typed"] is not None else cell["text"].value()
        if not value.strip():
            self.empty += cell["repeat"]
            return
        if column + cell["repeat"] - 1 > MAX_COLUMNS:
            raise beyond(self.reference(max(column, MAX_COLUMNS + 1)))
        self.budget.spend(cell["repeat"] * (1 + len(value)))
        self.cells.extend([""] * self.empty + [value] * cell["repeat"])
        self.empty = 0

    end_covered_table_cell = end_table_cell

    def reference(self, column: int) -> str:
        return f"{get_column_letter(column)}{self.number + 1}"

    def start_annotation(
        self, attributes: dict[str, str]
    ) -> None:  # a comment on the cell, not its text
        self.aside += 1
        self.text = None

    def end_annotation(self) -> None:
        self.aside -= 1

    def start_p(self, attributes: dict[str, str]) -> None:
        if self.cell is not None and not self.aside:
            if self.cell["paragraphs"]:
                self.cell["text"].add("\n")
            self.cell["paragraphs"] += 1
            self.text = self.cell["text"]

    def end_p(self) -> None:
        self.text = None

    def start_s(self, attributes: dict[str, str]) -> None:  # a run of spaces, stored as its count
        if self.text is not None:
            self.text.add(" " * min(int(attributes.get("c", 1)), MAX_CELL + 1))

    def start_tab(self, attributes: dict[str, str]) -> None:
        if self.text is not None:
            self.text.add("\t")

    def start_line_break(self, attributes: dict[str, str]) -> None:
        if self.text is not None:
            self.text.add("\n")


def ods_rows(content: bytes, budget: Budget) -> Iterator[tuple[int, list[str]]]:
    """The rows of the first sheet of an ODS file, as (row number, values)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        yield from OdsSheet(budget).rows(archive, "content.xml")


def trim(row: Sequence[Any]) -> list[str]:
    """ROW as text cells, its trailing empty cells dropped."""
    cells = ["" if value is None else text_of(value) for value in row]
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def text_of(value: object) -> str:
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def unneutralise(cell: str) -> str:
    """'=SOMME(A1) -> =SOMME(A1): the apostrophe our exports add before formula-like text."""
    if cell.startswith("'") and formula_like(cell[1:]):
        return cell[1:]
    return cell


def table(rows: Iterable[tuple[int, Sequence[Any]]], strict: bool = False) -> tablib.Dataset:
    """A Dataset from ROWS, (line number, values) pairs: the first non-blank row is the header
    row. STRICT (CSV): every row has the header's number of cells, as a spreadsheet program
    writes them."""
    dataset, width, count = None, 0, 0
    for number, row in rows:
        cells = trim(row)
        if not any(cell.strip() for cell in cells):
            continue
        if dataset is None:
            headers = [cell.replace("\ufeff", "").strip() for cell in cells]
            duplicates = sorted(name for name, n in Counter(headers).items() if n > 1)
            if duplicates:
                raise UnreadableFile(
                    "la ligne d'en-tête répète la colonne "
                    f"« {duplicates[0]} » : chaque colonne doit être unique."
                )
            dataset, width = tablib.Dataset(headers=headers), len(headers)
            continue
        count += 1
        if count > MAX_ROWS:
            raise UnreadableFile(
                f"le fichier compte plus de {MAX_ROWS:_} lignes".replace("_", " ")
                + " : découpez-le en plusieurs fichiers."
            )
        if len(cells) > width or (strict and len(row) < width):
            raise UnreadableFile(
                f"la ligne {number} a {len(row) if strict else len(cells)} colonnes au lieu de "
                f"{width} (séparateur ou guillemets incorrects ?)."
            )
        dataset.append([unneutralise(cell) for cell in cells] + [""] * (width - len(cells)))
    if dataset is None:
        raise UnreadableFile("le fichier est vide.")
    return dataset
