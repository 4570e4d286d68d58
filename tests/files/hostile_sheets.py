"""Spreadsheets made to expand: built in memory by the tests (a few kilobytes each, however
large they unpack), never committed.

The text of a huge cell is written to the archive in chunks, so building a 100 MB cell costs
the test neither 100 MB nor much time (deflate packs a run of one letter a thousandfold).
"""

import io
import zipfile

import openpyxl

CHUNK = "x" * (1 << 20)
ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
    '<office:body><office:spreadsheet><table:table table:name="Feuille1">'
    '<table:table-row><table:table-cell office:value-type="string"><text:p>Nom</text:p>'
    '</table:table-cell><table:table-cell office:value-type="string"><text:p>Code commune'
    "</text:p></table:table-cell></table:table-row>"
)
ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"


def write_long(member, text, size):
    """Write TEXT with SIZE letters in place of its « {x} », if any."""
    before, _, after = text.partition("{x}")
    member.write(before.encode())
    for _ in range(size // len(CHUNK)):
        member.write(CHUNK.encode())
    member.write(CHUNK[: size % len(CHUNK)].encode())
    member.write(after.encode())


def deflated(name):
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def ods(rows_xml, *, long_cell=0):
    """An ODS file whose sheet has a header row, then ROWS_XML (with LONG_CELL letters in
    place of its « {x} »)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        with archive.open(deflated("content.xml"), "w", force_zip64=True) as member:
            write_long(member, ODS_HEAD + rows_xml + ODS_TAIL, long_cell)
    return buffer.getvalue()


def ods_repeated_cell(count):
    """One cell holding « x », repeated COUNT times across its row."""
    return ods(
        f'<table:table-row><table:table-cell table:number-columns-repeated="{count}" '
        'office:value-type="string"><text:p>x</text:p></table:table-cell>'
        "</table:table-row>"
    )


def ods_long_cell(size):
    """A data row whose first cell holds SIZE letters."""
    return ods(
        '<table:table-row><table:table-cell office:value-type="string"><text:p>{x}'
        '</text:p></table:table-cell><table:table-cell office:value-type="float" '
        'office:value="50129"><text:p>50129</text:p></table:table-cell>'
        "</table:table-row>",
        long_cell=size,
    )


def xlsx(rows, *, stray=None):
    """An XLSX file made by openpyxl with ROWS, and STRAY, a (cell, value), if given."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    if stray:
        workbook.active[stray[0]] = stray[1]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_long_shared_string(size):
    """A header and one row whose first cell is a shared string of SIZE letters."""
    plain = xlsx([["Nom", "Code commune"], ["{x}", "50129"]])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                # openpyxl writes inline strings: make A2 a shared string, as Excel does.
                data = data.replace(
                    b'<c r="A2" t="inlineStr"><is><t>{x}</t></is></c>',
                    b'<c r="A2" t="s"><v>0</v></c>',
                )
                assert b't="s"' in data, "openpyxl changed how it writes cells"
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    (
                        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                        b"</Types>"
                    ),
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    (
                        b'<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/'
                        b'officeDocument/2006/relationships/sharedStrings" '
                        b'Target="sharedStrings.xml"/></Relationships>'
                    ),
                )
            target.writestr(info, data)
        with target.open(deflated("xl/sharedStrings.xml"), "w", force_zip64=True) as member:
            write_long(
                member,
                '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas'
                '.openxmlformats.org/spreadsheetml/2006/main" count="1" '
                'uniqueCount="1"><si><t>{x}</t></si></sst>',
                size,
            )
    return buffer.getvalue()
