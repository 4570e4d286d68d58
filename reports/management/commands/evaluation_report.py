from pathlib import Path

from django.core.management.base import BaseCommand

from actions.management.plans import find_plan
from reports.pdf import render_pdf
from reports.services import evaluation_html


class Command(BaseCommand):
    help = (
        "Écrit le bilan d'un plan (toute sa période) en PDF (le même que celui de la page "
        "Rapports)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="Identifiant d'URL du plan (slug).")
        parser.add_argument("--output", required=True, type=Path, help="Fichier PDF à écrire.")
        parser.add_argument("--html", type=Path, help="Écrit aussi le HTML rendu dans ce fichier.")

    def handle(self, *, plan, output, html=None, **options):
        document = evaluation_html(find_plan(plan))
        if html:
            html.write_text(document, encoding="utf-8")
        pdf = render_pdf(document)
        output.write_bytes(pdf.data)
        self.stdout.write(f"{output} : {pdf.page_count} pages, {len(pdf.data) // 1024} Kio.")
