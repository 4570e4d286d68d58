"""An ODS file read from its content.xml with nothing but the standard library, as a
spreadsheet program reads it: each cell's type, its typed value, the text it shows and the
number format (data style) it is shown with. Written apart from the application's readers
(essplan.spreadsheets) and writers (essplan.workbooks) on purpose."""

import io
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

NS = {
    prefix: f"urn:oasis:names:tc:opendocument:xmlns:{name}:1.0"
    for prefix, name in [
        ("office", "office"),
        ("table", "table"),
        ("text", "text"),
        ("style", "style"),
        ("number", "datastyle"),
    ]
}


def qualified(name):
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


@dataclass
class Cell:
    type: str | None  # office:value-type: float, currency, percentage, date, string…
    value: str | None  # office:value, or office:date-value for a date
    currency: str | None
    text: str  # what the cell shows: its paragraphs, tabs, line breaks and runs of spaces
    data_style: ElementTree.Element | None  # the number:* element of its style, if any

    @property
    def data_style_kind(self):
        return self.data_style.tag.rpartition("}")[2] if self.data_style is not None else None


def shown(paragraph):
    parts = [paragraph.text or ""]
    for child in paragraph:
        parts.append(
            {
                qualified("text:tab"): "\t",
                qualified("text:line-break"): "\n",
                qualified("text:s"): " " * int(child.get(qualified("text:c"), 1)),
            }.get(child.tag, "".join(child.itertext()))
        )
        parts.append(child.tail or "")
    return "".join(parts)


def sheets(content):
    """{table name: rows of Cell} of the ODS file CONTENT; repeated cells are expanded."""
    root = ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(content)).read("content.xml"))
    data_styles = {
        element.get(qualified("style:name")): element
        for element in root.find(qualified("office:automatic-styles"))
        if element.tag.startswith(f"{{{NS['number']}}}")
    }
    cell_styles = {
        element.get(qualified("style:name")): data_styles.get(
            element.get(qualified("style:data-style-name"))
        )
        for element in root.iter(qualified("style:style"))
    }
    found = {}
    for sheet in root.iter(qualified("table:table")):
        rows = found[sheet.get(qualified("table:name"))] = []
        for row in sheet.iter(qualified("table:table-row")):
            cells = []
            for cell in row.iter(qualified("table:table-cell")):
                kind = cell.get(qualified("office:value-type"))
                value = cell.get(
                    qualified("office:date-value" if kind == "date" else "office:value")
                )
                made = Cell(
                    kind,
                    value,
                    cell.get(qualified("office:currency")),
                    "\n".join(shown(p) for p in cell.iter(qualified("text:p"))),
                    cell_styles.get(cell.get(qualified("table:style-name"))),
                )
                cells.extend([made] * int(cell.get(qualified("table:number-columns-repeated"), 1)))
            rows.append(cells)
    return found
