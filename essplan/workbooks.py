"""Spreadsheet files whose cells are typed: counts, years, amounts, percentages and dates are
cells a spreadsheet computes with (SUM, filters, pivot tables), shown the French way by a
number format (1 234, 2024, 85 250,00 €, 40 %, 07/12/2026); text is text.

Each column has a KIND; a sheet without kinds takes each value's own (kind_of). tablib writes
numbers without a format, has no currency or percentage type and writes ISO dates; so both
files are written here, the XLSX with openpyxl and the ODS with odfpy (tablib's own
dependencies). The first sheet is the data, its header row first (a spreadsheet's filters,
pivot tables and the application's import read it there); an XLSX opens on it.
"""

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from odf import number, style, table, teletype, text
from odf.opendocument import OpenDocumentSpreadsheet
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .french import euros, figure, integer, percent

TEXT, INTEGER, DECIMAL, YEAR, EUROS, PERCENT, DATE, DATETIME = (
    "text", "integer", "decimal", "year", "euros", "percent", "date", "datetime")
NUMBERS = {INTEGER, DECIMAL, YEAR}
# Excel's codes, written in its neutral syntax (« , » groups, « . » is the decimal point):
# French Excel and LibreOffice show them with spaces and a decimal comma.
XLSX_FORMATS = {INTEGER: "#,##0", DECIMAL: "General", YEAR: "0", EUROS: '#,##0.00\\ "€"',
                PERCENT: "0\\ %", DATE: "dd/mm/yyyy", DATETIME: 'dd/mm/yyyy" à "hh:mm'}
NARROWEST, WIDEST = 6, 60  # characters: a column's width, whatever its cells hold


@dataclass
class Sheet:
    """A sheet: its ROWS (lists of values; the first is the header row when HEADER) and the
    KINDS of its columns (None: each value's own)."""

    name: str
    rows: list
    kinds: list | None = None
    header: bool = True

    def typed_rows(self):
        """Each row as (value, kind) pairs; the header row is text."""
        for index, row in enumerate(self.rows):
            if self.kinds is None or (self.header and index == 0):
                yield [(value, kind_of(value)) for value in row]
            else:
                yield list(zip(row, self.kinds, strict=True))

    def widths(self):
        """Each column's width in characters, from its longest cell (at most WIDEST)."""
        widths = []
        for row in self.typed_rows():
            for column, (value, kind) in enumerate(row):
                shown = max((len(line) for line in shown_text(value, kind).split("\n")),
                            default=0)
                if column == len(widths):
                    widths.append(NARROWEST)
                widths[column] = min(max(widths[column], shown + 2), WIDEST)
        return widths


def kind_of(value):
    if isinstance(value, datetime):
        return DATETIME
    if isinstance(value, date):
        return DATE
    if isinstance(value, int) and not isinstance(value, bool):
        return INTEGER
    if isinstance(value, (float, Decimal)):
        return DECIMAL
    return TEXT


def cell_text(value):
    """VALUE as the text of a cell: the characters no XML file can hold (C0 controls other
    than tab and line breaks) are dropped, or the file would not open."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def shown_text(value, kind):
    """VALUE as the cell shows it, in French."""
    if value is None or value == "":
        return ""
    shown = {INTEGER: integer, DECIMAL: figure, YEAR: str, EUROS: euros,
             PERCENT: lambda share: percent(share * 100),
             DATE: lambda day: day.strftime("%d/%m/%Y"),
             DATETIME: lambda moment: moment.strftime("%d/%m/%Y à %H:%M")}.get(kind, cell_text)
    return shown(value)


def workbook(fmt, sheets):
    """SHEETS as the bytes of an XLSX or an ODS file (FMT)."""
    return {"xlsx": xlsx, "ods": ods}[fmt](sheets)


def xlsx(sheets):
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = book.create_sheet(sheet.name)
        for row_number, row in enumerate(sheet.typed_rows(), start=1):
            for column, (value, kind) in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                if kind == TEXT:
                    cell = worksheet.cell(row_number, column, cell_text(value))
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                else:
                    cell = worksheet.cell(row_number, column, value)
                    cell.number_format = XLSX_FORMATS[kind]
        for column, width in enumerate(sheet.widths(), start=1):
            worksheet.column_dimensions[get_column_letter(column)].width = width
        if sheet.header and sheet.rows:
            for cell in worksheet[1]:
                cell.font = bold
            worksheet.freeze_panes = "A2"
            worksheet.auto_filter.ref = worksheet.dimensions
    book.active = 0
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def data_style(element, kind, *parts):
    """An ODF data style (the number format of KIND) made of PARTS: text for a str, else
    (element, attributes)."""
    data = element(name=f"N-{kind}")
    for part in parts:
        if isinstance(part, str):
            data.addElement(number.Text(text=part))
        else:
            part_element, attributes = part
            data.addElement(part_element(**attributes))
    return data


GROUPED = {"minintegerdigits": 1, "grouping": "true"}
DAY = [(number.Day, {"style": "long"}), "/", (number.Month, {"style": "long"}), "/",
       (number.Year, {"style": "long"})]
ODS_FORMATS = {
    INTEGER: (number.NumberStyle, (number.Number, {"decimalplaces": 0, **GROUPED})),
    YEAR: (number.NumberStyle, (number.Number, {"decimalplaces": 0, "minintegerdigits": 1})),
    EUROS: (number.CurrencyStyle, (number.Number, {"decimalplaces": 2, **GROUPED}), " ",
            (number.CurrencySymbol, {"language": "fr", "country": "FR", "text": "€"})),
    PERCENT: (number.PercentageStyle,
              (number.Number, {"decimalplaces": 0, "minintegerdigits": 1}), " %"),
    DATE: (number.DateStyle, *DAY),
    DATETIME: (number.DateStyle, *DAY, " à ", (number.Hours, {"style": "long"}), ":",
               (number.Minutes, {"style": "long"})),
}
ODS_TYPES = {INTEGER: "float", DECIMAL: "float", YEAR: "float", EUROS: "currency",
             PERCENT: "percentage", DATE: "date", DATETIME: "date"}
CHARACTER_CM = 0.2  # the width of a character of the default font, roughly


def ods(sheets):
    document = OpenDocumentSpreadsheet()
    cell_styles = {}
    for kind, (element, *parts) in ODS_FORMATS.items():
        document.automaticstyles.addElement(data_style(element, kind, *parts))
        cell_styles[kind] = style.Style(name=f"C-{kind}", family="table-cell",
                                        datastylename=f"N-{kind}")
        document.automaticstyles.addElement(cell_styles[kind])
    header = style.Style(name="C-header", family="table-cell")
    header.addElement(style.TextProperties(fontweight="bold", fontweightasian="bold",
                                           fontweightcomplex="bold"))
    document.automaticstyles.addElement(header)
    column_styles, filters = {}, table.DatabaseRanges()
    for sheet in sheets:
        sheet_table = table.Table(name=sheet.name)
        for width in sheet.widths():
            if width not in column_styles:
                column_styles[width] = style.Style(name=f"W-{width}", family="table-column")
                column_styles[width].addElement(style.TableColumnProperties(
                    columnwidth=f"{width * CHARACTER_CM:.2f}cm"))
                document.automaticstyles.addElement(column_styles[width])
            sheet_table.addElement(table.TableColumn(stylename=column_styles[width]))
        for index, row in enumerate(sheet.typed_rows()):
            table_row = table.TableRow()
            for value, kind in row:
                table_row.addElement(ods_cell(
                    value, kind, header if sheet.header and index == 0 else cell_styles.get(kind)))
            sheet_table.addElement(table_row)
        document.spreadsheet.addElement(sheet_table)
        if sheet.header and sheet.rows:
            quoted = "'" + sheet.name.replace("'", "''") + "'"
            last = f"{get_column_letter(len(sheet.rows[0]))}{len(sheet.rows)}"
            filters.addElement(table.DatabaseRange(
                name=f"__Anonymous_Sheet_DB__{len(filters.childNodes)}",
                targetrangeaddress=f"{quoted}.A1:{quoted}.{last}", displayfilterbuttons="true"))
    if filters.childNodes:
        document.spreadsheet.addElement(filters)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def ods_cell(value, kind, cell_style):
    """A cell of VALUE: typed, with the text it shows (what a viewer that does not format
    numbers prints)."""
    if value is None or value == "":
        return table.TableCell()
    if kind == TEXT:
        cell = table.TableCell(valuetype="string")
    elif kind in (DATE, DATETIME):
        cell = table.TableCell(valuetype="date", datevalue=value.isoformat(timespec="seconds")
                               if kind == DATETIME else value.isoformat())
    else:
        cell = table.TableCell(valuetype=ODS_TYPES[kind], value=format(value, "f")
                               if isinstance(value, Decimal) else str(value))
        if kind == EUROS:
            cell.setAttribute("currency", "EUR")
    if cell_style is not None:
        cell.setAttribute("stylename", cell_style)
    paragraph = text.P()
    teletype.addTextToElement(paragraph, shown_text(value, kind))
    cell.addElement(paragraph)
    return cell
