"""The evaluation of a whole plan (bilan du plan): its text against the figures of the small
plan computed by hand in tests/reports/conftest.py, its pages, its queries, its archive."""

import datetime
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from actions.models import Action, BudgetLine, Event, Plan, ProgressUpdate, Status
from essplan import datacache
from reports.models import AnnualReport, Kind
from reports.pdf import render_pdf
from reports.services import evaluation_html
from structures.models import Commune, DirectorySnapshot
from tests.conftest import COTENTIN

from .conftest import assert_chapters_start_on_their_pages, pdf_text

pytestmark = pytest.mark.django_db
GENERATED = datetime.datetime(2026, 11, 30, 10, 15, tzinfo=datetime.UTC)


@pytest.fixture
def small_evaluation(small_plan):
    return render_pdf(evaluation_html(small_plan, generated_at=GENERATED))


def test_the_summary_is_written_from_the_figures_of_the_whole_period(small_evaluation):
    """At the end of 2024: 1.1.1 réalisée, 1.1.2 and 1.2.1 en cours, 2.1.1 without any point.
    Progress (100 + 60 + 20 + 0) / 4 = 45 %, axis 1 (100 + 60 + 20) / 3 = 60 %, axis 2 0 %.
    Expenses over 2023-2024: planned 1 834,75, committed 1 000,00, spent 999,99, that is
    999,99 / 1 834,75 = 54,50 %; remaining 5 000 − (1 834,75 − 300) = 3 465,25. C1's 2024
    value 512,5 meets its target 510. Events: 1 in 2023 (99 participants) + 3 in 2024 (35)."""
    text = pdf_text(small_evaluation.data)
    for sentence in [
        "À la fin du plan 2023-2024, sur 4 actions : 1 réalisée, 2 en cours, 0 abandonnée, "
        "0 à venir, 0 en pause et 1 sans suite (aucun point d'avancement validé).",
        "L'avancement moyen des 3 actions ayant un point validé est de 60 % (axe 1 : 60 % et "
        "axe 2 : aucun point validé).",
        "Sur la période, 1 834,75 € de dépenses ont été prévues, 1 000,00 € engagées et "
        "999,99 € réalisées, soit un taux de réalisation de 54,5 %, pour une enveloppe de "
        "5 000 € (reste à programmer : 3 465,25 €).",
        "1 indicateur sur 1 atteint la cible fixée pour la dernière année mesurée.",
        "4 événements sur la période, avec 134 participants.",
        "Aucun relevé de l'annuaire pour 2023 et 2024.",
        "3 actions n’ont pas atteint le statut « Réalisée » : elles sont listées en annexe "
        "comme candidates au prochain plan.",
    ]:
        assert sentence in text


def test_the_cover_names_the_period_and_the_deliberation(small_evaluation):
    reader = PdfReader(BytesIO(small_evaluation.data))
    cover = reader.pages[0].extract_text()
    for fact in ["TERRITOIRE DE TEST", "Bilan du plan d'actions", "Plan de test ESS",
                 "Évaluation de la période 2023-2024", "DEL-TEST-1", "31 décembre 2024"]:
        assert fact in cover
    assert reader.metadata.title == "Bilan du plan 2023-2024 · Plan de test ESS"
    assert small_evaluation.page_count == len(reader.pages)


def test_each_action_shows_its_points_year_by_year(small_evaluation):
    text = pdf_text(small_evaluation.data)
    assert "2024 · Réalisée, 100 %. Réalisations : Guichet ouvert à Cherbourg-en-Cotentin" in text
    assert "2023 · En cours, 20 %." in text
    assert "2024 · En cours, 60 %. Réalisations : Quatre cafés projets tenus." in text
    assert text.count("Aucun point d'avancement sur la période.") == 1  # 2.1.1


def test_indicators_from_their_baseline_through_each_year(small_evaluation):
    text = pdf_text(small_evaluation.data)
    assert "C1 · Établissements de l'ESS 488 (2022) 500 / — 512,5 / 510" in text


def test_events_per_year_and_kind(small_evaluation):
    text = pdf_text(small_evaluation.data)
    assert "Café projet 0 2 (35 part.)" in text
    assert "Forum 1 (99 part.) 1 (0 part.)" in text
    assert "Total 1 (99 part.) 3 (35 part.)" in text


def test_the_annex_lists_the_actions_not_realised_with_their_last_point(small_evaluation):
    text = pdf_text(small_evaluation.data)
    annex = text[text.index("Annexe · Les actions candidates au prochain plan Les actions"):]
    assert "1.1.2 Animer des cafés projets" in annex and "1.2.1 Créer un fonds" in annex
    assert "2.1.1 Publier un guide de l'ESS" in annex
    assert "1.1.1 Ouvrir un guichet unique" not in annex
    assert re.search(r"1\.2\.1 Créer un fonds de prêts d'honneur .*?20 % 2023", annex)


def test_the_directory_year_by_year_from_the_snapshots(small_plan):
    """2023: 3 associations (10 employees) + 1 cooperative (5) = 4 structures, 15 employees;
    2024 not taken."""
    commune = Commune.objects.first()
    DirectorySnapshot.objects.bulk_create([
        DirectorySnapshot(year=2023, commune=commune, family="association", structures=3,
                          employees=10, taken_on=datetime.date(2023, 12, 31), source="annuaire"),
        DirectorySnapshot(year=2023, commune=commune, family="cooperative", structures=1,
                          employees=5, taken_on=datetime.date(2023, 12, 31), source="annuaire"),
    ])
    text = pdf_text(render_pdf(evaluation_html(small_plan, generated_at=GENERATED)).data)
    assert "Relevé le 31/12/2023 pas de relevé" in text
    assert "Association 3 / 10 —" in text and "Coopérative 1 / 5 —" in text
    assert "Total 4 / 15 pas de relevé" in text
    assert "Aucun relevé de l'annuaire pour 2024." in text


def test_the_table_of_contents_gives_the_page_of_each_chapter(small_evaluation):
    assert_chapters_start_on_their_pages(small_evaluation.data, {
        "Synthèse du plan 2023-2024": "L'avancement moyen des 3 actions",
        "Événements, année par année": "Nombre d'événements et de participants",
        "Annexe · Les actions candidates au prochain plan": "avec leur dernier point",
    })


def test_the_seed_plans_evaluation_holds_its_45_actions_3_years_and_4_baselines():
    plan = Plan.objects.get(slug=COTENTIN)
    pdf = render_pdf(evaluation_html(plan, generated_at=GENERATED))
    text = pdf_text(pdf.data)
    codes = list(Action.objects.filter(plan=plan).values_list("code", flat=True))
    assert len(codes) == 45
    annex = text[text.index("Annexe · Les actions candidates au prochain plan Les actions"):]
    assert all(f" {code} " in annex for code in codes)  # no follow-up: none is réalisée
    assert "sur 45 actions : 0 réalisée, 0 en cours" in text
    assert "Aucun relevé de l'annuaire pour 2023, 2024 et 2025." in text
    assert "2023 valeur / cible 2024 valeur / cible 2025 valeur / cible" in text
    for baseline in ("488 (2022, année supposée)", "6 847 (2022, année supposée)",
                     "11,2 (2022, année supposée)", "14,1 (2022, année supposée)"):
        assert baseline in text
    assert "pour une enveloppe d'environ 85 000 €" in text


def test_generation_queries_do_not_grow_with_the_plan(small_plan):
    def queries():
        datacache.forget()  # cold each time: the directory's figures would stay cached
        with CaptureQueriesContext(connection) as captured:
            evaluation_html(small_plan, generated_at=GENERATED)
        return len(captured)

    small = queries()
    objective = small_plan.axes.get(number=2).objectives.get()
    for index in range(2, 32):
        action = Action.objects.create(plan=small_plan, objective=objective, code=f"2.1.{index}",
                                       title=f"Action {index}")
        for year in (2023, 2024):
            ProgressUpdate.objects.create(action=action, year=year, status=Status.IN_PROGRESS,
                                          progress=index, achievements="Fait.")
        BudgetLine.objects.create(action=action, year=2023, label="Ligne", planned=Decimal(index))
        Event.objects.create(plan=small_plan, date=datetime.date(2023, 5, index % 28 + 1),
                             title=f"Événement {index}", participants=index)
    assert queries() == small
    assert small <= 30


def test_the_command_writes_the_pdf_and_refuses_an_unknown_plan(small_plan, tmp_path):
    output = tmp_path / "bilan.pdf"
    call_command("evaluation_report", "--plan", "plan-test", "--output", str(output))
    assert "Évaluation de la période 2023-2024" in pdf_text(output.read_bytes())
    with pytest.raises(CommandError, match="Plan inconnu : « inconnu ». Plans enregistrés : "):
        call_command("evaluation_report", "--plan", "inconnu", "--output", str(output))


def test_the_evaluation_is_archived_and_published_beside_the_annual_reports(client_for, small_plan):
    client = client_for("admin_user")
    generate = reverse("reports:report_generate")
    assert client.post(generate, {"kind": "bilan", "plan": small_plan.pk}).status_code == 302
    assert client.post(generate, {"plan": small_plan.pk, "year": 2024}).status_code == 302
    evaluation = AnnualReport.objects.get(kind=Kind.EVALUATION)
    annual = AnnualReport.objects.get(kind=Kind.ANNUAL)
    assert evaluation.year == 2024 and evaluation.filename == "bilan-plan-test-2023-2024.pdf"
    assert "Évaluation de la période" in pdf_text(evaluation.file.read())
    for report in (evaluation, annual):  # one published version of each, side by side
        client.post(reverse("reports:report_publish", kwargs={"pk": report.pk}), {"published": "1"})
    assert AnnualReport.objects.filter(published=True).count() == 2
    page = client.get(reverse("reports:report_list")).content.decode()
    assert "Bilan du plan 2023-2024" in page and "Rapport annuel 2024" in page
    viewer = client_for("viewer")
    response = viewer.get(reverse("reports:report_download", kwargs={"pk": evaluation.pk}))
    assert response.status_code == 200
    assert 'filename="bilan-plan-test-2023-2024.pdf"' in response["Content-Disposition"]
    assert viewer.post(generate, {"kind": "bilan", "plan": small_plan.pk}).status_code == 403
