"""Make the spreadsheets of this folder with LibreOffice, as users' offices save them.

Run by hand when a file must change (needs Debian's libreoffice-calc-nogui); the files it
makes are committed, so the tests need no office suite:

    .venv/bin/python tests/files/make_office_files.py
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
# Runs of identical and of empty cells: LibreOffice stores each run once, with a count.
FLAGS = """Nom;Code commune;SCOP;SCIC;CAE;CUMA;ESUS;Comité de suivi
Coopérative des trois oui;50129;oui;oui;oui;non;non;non
Association sans statut;50129;;;;;;oui
Coopérative tout non;50129;non;non;non;non;non;oui
"""
FILTERS = {"ods": "ods", "xlsx": 'xlsx:"Calc MS Excel 2007 XML"'}


def libreoffice(csv_text, stem):
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / f"{stem}.csv"
        source.write_text(csv_text, encoding="utf-8")
        for extension, target in FILTERS.items():
            subprocess.run(
                f"soffice --headless --norestore -env:UserInstallation=file://{work}/profile "
                f'--infilter="CSV:59,34,76,1" --convert-to {target} --outdir {work} {source}',
                shell=True,
                check=True,
                capture_output=True,
                timeout=180,
            )
            shutil.copy(
                Path(work) / f"{stem}.{extension}", HERE / f"{stem}-libreoffice.{extension}"
            )


def stray_cell():
    """Two structures, then a lone space typed by mistake on the sheet's last row."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Code commune"])
    sheet.append(["Atelier du bout du monde", "50129"])
    sheet.append(["Ressourcerie des marais", "50129"])
    sheet.cell(row=1_048_576, column=1, value=" ")
    workbook.save(HERE / "stray-last-row.xlsx")


if __name__ == "__main__":
    libreoffice(FLAGS, "flags")
    stray_cell()
