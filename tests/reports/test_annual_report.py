"""The annual report's PDF: its text against hand-computed figures, its pages, its queries."""

import datetime
import json
import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from actions.figures import reference_date
from actions.models import Action, BudgetLine, Event, Plan, ProgressUpdate, Status
from essplan import datacache
from reports.pdf import render_pdf
from reports.services import report_html
from structures.models import Commune, DirectorySnapshot
from tests.conftest import COTENTIN

from .conftest import assert_chapters_start_on_their_pages, pdf_text

pytestmark = pytest.mark.django_db
GENERATED = datetime.datetime(2026, 11, 30, 10, 15, tzinfo=datetime.UTC)


@pytest.fixture
def small_report(small_plan):
    return render_pdf(report_html(small_plan, 2024, generated_at=GENERATED))


def test_summary_sentences_are_written_from_the_figures(small_report):
    text = pdf_text(small_report.data)
    for sentence in [
        "3 actions sur 4 sont en cours ou réalisées (1 réalisée, 2 en cours) ; 0 à venir, "
        "0 en pause, 1 sans point, 0 abandonnée.",
        # (100 + 60 + 20) / 3: the action without a point is counted apart, not as 0 %.
        "L'avancement moyen des 3 actions ayant un point validé est de 60 % au 31/12/2024.",
        "1 action est en retard au 31/12/2024 (date de fin dépassée) : 2.1.1.",
        "2 actions n’ont pas de point d'avancement validé pour 2024 : elles sont signalées "
        "dans la suite du rapport.",
        "En 2024, les dépenses prévues s'élèvent à 1 734,75 €, dont 1 000,00 € engagés et "
        "999,99 € réalisés, soit un taux de réalisation de 57,6 %.",
        # Printed on 30/11/2026, after the plan's end: the envelope's use, not what remains
        # to program. 999,99 / 5 000 = 19,9998 %; 5 000 − 999,99 = 4 000,01.
        "Sur toute la durée du plan, 1 834,75 € de dépenses sont prévues et 999,99 € réalisées.",
        "À la fin du plan, l'enveloppe de 5 000,00 € est dépensée à 20,0 % : 999,99 € dépensés, "
        "4 000,01 € non dépensés.",
        # The forum's attendance was not entered: not counted, and said (it read « 0 »).
        "3 événements en 2024, avec 35 participants (1 événement sans effectif connu).",
    ]:
        assert sentence in text


def test_while_the_plan_runs_the_report_says_what_remains_to_program(small_plan):
    text = pdf_text(
        render_pdf(
            report_html(
                small_plan, 2024, generated_at=datetime.datetime(2024, 12, 20, tzinfo=datetime.UTC)
            )
        ).data
    )
    # 5 000 − (1 834,75 − 300 of revenue) = 3 465,25.
    assert (
        "Sur toute la durée du plan, 1 834,75 € de dépenses sont prévues et 999,99 € "
        "réalisées pour une enveloppe de 5 000,00 € ; reste à programmer : 3 465,25 €." in text
    )
    assert "Reste à programmer 3 465,25 €" in text
    assert "À la fin du plan" not in text


def test_cover_and_running_footer(small_report):
    reader = PdfReader(BytesIO(small_report.data))
    cover = reader.pages[0].extract_text()
    for fact in [
        "TERRITOIRE DE TEST",
        "Plan de test ESS",
        "Bilan de l'année 2024",
        "DEL-TEST-1",
        "31 décembre 2024",
        "30 novembre 2026 à 11:15",
    ]:  # 10:15 UTC is 11:15 in Paris
        assert fact in cover
    pages = len(reader.pages)
    assert small_report.page_count == pages
    assert f"Page 2 / {pages}" in reader.pages[1].extract_text()
    assert f"Page {pages} / {pages}" in reader.pages[-1].extract_text()
    assert "Page 1 /" not in cover  # the cover has no running footer
    assert reader.metadata.title == "Rapport annuel 2024 · Plan de test ESS"


def test_table_of_contents_gives_the_page_of_each_chapter(small_report):
    assert_chapters_start_on_their_pages(
        small_report.data,
        {
            "Synthèse de l'année 2024": "L'avancement moyen des 3 actions",
            "Budget": "Dépenses prévues, engagées et réalisées, et recettes prévues",
            "Annexe · Liste des actions et de leur statut": "Statut fin 2024",
        },
    )


def test_every_action_is_reported_with_its_update_or_its_absence(small_report):
    text = pdf_text(small_report.data)
    for fact in [
        "1.1.1 Ouvrir un guichet unique",
        "Réalisations. Guichet ouvert à Cherbourg-en-Cotentin",
        "Difficultés rencontrées. Recrutement de l'animateur retardé.",
        "Prochaines étapes. Étendre les permanences à Valognes.",
        "Réalisations. Quatre cafés projets tenus.",
    ]:
        assert fact in text
    # 1.2.1 (a 2023 update only) and 2.1.1 (none) are listed as having no 2024 update.
    assert text.count("Pas de point d'avancement validé pour 2024.") == 2
    # Objective 1.1: (100 + 60) / 2 = 80 %; axis 1: (100 + 60 + 20) / 3 = 60 %.
    assert "80 % d'avancement moyen, 2 actions avec un point validé" in text
    assert "60 % d'avancement moyen, 3 actions avec un point validé" in text


def test_budget_table_totals_to_the_cent(small_report):
    text = pdf_text(small_report.data)
    # Axis 1, 2024: 1 734,75 planned, 1 000,00 committed, 999,99 spent, 300,00 revenue.
    assert "2024 1 734,75 € 1 000,00 € 999,99 € 300,00 €" in text
    # Plan total: 1 834,75 planned; net 1 534,75; remaining 3 465,25.
    assert "Total 1 834,75 € 1 000,00 € 999,99 € 300,00 €" in text
    assert "Coût net prévu (dépenses − recettes) 1 534,75 €" in text
    # Printed after the plan's end: 5 000 − 999,99 = 4 000,01 unspent, 19,9998 % spent.
    assert "Réalisé à la fin du plan 999,99 €" in text
    assert "Non dépensé (enveloppe − réalisé) 4 000,01 €" in text
    assert "Part de l'enveloppe dépensée 20,0 %" in text
    assert "Reste à programmer" not in text


def test_indicator_values_targets_and_trend(small_report):
    text = pdf_text(small_report.data)
    assert "C1 · Établissements de l'ESS 488 (2022) 500 / — 512,5 / 510" in text
    assert "512,5 (2024) en hausse par rapport à 2023 (500)" in text


def test_events_of_the_year_by_kind(small_report):
    text = pdf_text(small_report.data)
    assert "Café projet 2 35" in text
    # The forum's attendance is unknown: « n. r. », not 0 (which it read before issue #29).
    assert "Forum 1 n. r." in text
    assert "Total 3 35 (1 év. n. r.)" in text
    assert "20/11/2024 Forum Forum de l'ESS — non renseigné" in text
    assert "Forum 2023" not in text


def test_the_seed_plan_report_lists_all_45_actions(plan_2024_report):
    text = pdf_text(plan_2024_report.data)
    codes = list(Action.objects.filter(plan__slug=COTENTIN).values_list("code", flat=True))
    assert len(codes) == 45
    annex = text[text.index("Statut fin 2024") :]
    for code in codes:
        assert f" {code} " in annex
    # No follow-up in the seed: every action is "à venir" and said to lack its 2024 update.
    assert "0 action sur 45 est en cours ou réalisée" in text
    assert text.count("Pas de point d'avancement validé pour 2024.") == 45
    # The annex names no pilot direction for any action.
    assert text.count("direction pilote : non précisée") == 45
    # The deliberation's envelope and baselines (488 establishments, 6 847 employees, 11,2 %).
    # Printed after the plan's end, with no amount committed or spent in the seed.
    assert (
        "À la fin du plan, l'usage de l'enveloppe d'environ 85 000 € est non renseigné : "
        "aucun montant engagé ni réalisé n'est saisi." in text
    )
    assert all(f"{figure} (2022, année supposée)" in text for figure in ("488", "6 847", "11,2"))
    assert 12 <= plan_2024_report.page_count <= 40


def test_the_cover_gives_the_deliberation_as_adopted(plan_2024_report):
    cover = PdfReader(BytesIO(plan_2024_report.data)).pages[0].extract_text()
    cover = re.sub(r"\s+", " ", cover.replace("\u202f", " ").replace("\u00a0", " "))
    assert "Vote 167 pour, 0 contre, 9 abstentions" in cover
    assert "Période du plan 2023-2025 · Plan terminé le 31/12/2025" in cover
    assert "Enveloppe environ 85 000 € (Budget principal, compte 6188, LdC n°77592)" in cover
    assert (
        "Direction pilote Direction du développement économique, emploi, et de "
        "l'enseignement supérieur, recherche et innovation"
    ) in cover
    text = pdf_text(plan_2024_report.data)
    assert "(2022, année supposée)" in text
    assert "référence de la délibération de 2023, année non précisée" in text


def test_directory_figures_match_the_seed_file(plan_2024_report):
    seed = json.loads((Path(settings.BASE_DIR) / "fixtures" / "demo_structures.json").read_text())
    active = [row for row in seed["structures"] if not row.get("archived")]
    text = pdf_text(plan_2024_report.data)
    # No snapshot was taken for 2024, a year gone by: the report says so and never prints the
    # directory of the day for it (it did before issue #29), neither in the directory chapter
    # nor in the indicators computed on the directory.
    assert "Pas de relevé de l'annuaire pour 2024" in text
    assert f"{len(active)} structures" not in text
    assert "K8 · Structures de l'annuaire — pas de relevé / — pas de relevé / —" in text
    assert "Données fictives" not in text


@pytest.fixture
def plan_2024_report():
    return render_pdf(report_html(Plan.objects.get(slug=COTENTIN), 2024, generated_at=GENERATED))


def test_generation_queries_do_not_grow_with_the_plan(small_plan):
    def queries():
        datacache.forget()  # cold each time: the directory's figures would stay cached
        with CaptureQueriesContext(connection) as captured:
            report_html(small_plan, 2024, generated_at=GENERATED)
        return len(captured)

    small = queries()
    objective = small_plan.axes.get(number=2).objectives.get()
    for index in range(2, 42):
        action = Action.objects.create(
            plan=small_plan, objective=objective, code=f"2.1.{index}", title=f"Action {index}"
        )
        ProgressUpdate.objects.create(
            action=action,
            year=2024,
            status=Status.IN_PROGRESS,
            progress=index,
            achievements="Fait.",
        )
        BudgetLine.objects.create(action=action, year=2024, label="Ligne", planned=Decimal(index))
        Event.objects.create(
            plan=small_plan,
            date=datetime.date(2024, 5, index % 28 + 1),
            title=f"Événement {index}",
            participants=index,
        )
    assert queries() == small
    assert small <= 30


def test_reference_date_is_the_end_of_the_year_or_today():
    assert reference_date(2024, datetime.date(2026, 11, 30)) == datetime.date(2024, 12, 31)
    assert reference_date(2026, datetime.date(2026, 11, 30)) == datetime.date(2026, 11, 30)


def test_the_report_presents_the_budget_as_the_deliberation_does():
    caen = Plan.objects.get(slug="caen-la-mer-ess-2013-2015")
    text = pdf_text(render_pdf(report_html(caen, 2014, generated_at=GENERATED)).data)
    assert "Dépenses de fonctionnement 73 000,00 € 121 000,00 € 67 000,00 € 261 000,00 €" in text
    assert "Recettes de fonctionnement 0,00 € 20 000,00 € 0,00 € 20 000,00 €" in text
    assert "Dépenses d'investissement 30 000,00 € 30 000,00 € 30 000,00 € 90 000,00 €" in text
    assert (
        "Total net (dépenses moins recettes) 103 000,00 € 131 000,00 € 97 000,00 € 331 000,00 €"
    ) in text


def test_the_reports_council_table_adds_committed_and_spent_once_followed():
    caen = Plan.objects.get(slug="caen-la-mer-ess-2013-2015")
    BudgetLine.objects.filter(action__plan=caen, flow="recette").update(spent=Decimal("20000"))
    BudgetLine.objects.filter(action__plan=caen, action__code="6", flow="depense").update(
        committed=Decimal("70000"), spent=Decimal("69999.50")
    )
    text = pdf_text(render_pdf(report_html(caen, 2014, generated_at=GENERATED)).data)
    # Net spent = 69 999,50 - 20 000 = 49 999,50, to the cent as every amount.
    assert (
        "Dépenses de fonctionnement 73 000,00 € 121 000,00 € 67 000,00 € 261 000,00 € "
        "70 000,00 € 69 999,50 €"
    ) in text
    assert (
        "Recettes de fonctionnement 0,00 € 20 000,00 € 0,00 € 20 000,00 € 0,00 € 20 000,00 €"
    ) in text
    assert (
        "Total net (dépenses moins recettes) 103 000,00 € 131 000,00 € 97 000,00 € "
        "331 000,00 € 70 000,00 € 49 999,50 €"
    ) in text


def test_the_report_says_which_points_are_not_validated(small_plan):
    # 1.1.2's 2024 point is submitted by its pilot, not yet validated by the ESS team.
    ProgressUpdate.objects.filter(action__plan=small_plan, action__code="1.1.2", year=2024).update(
        review="soumis"
    )
    text = pdf_text(render_pdf(report_html(small_plan, 2024, generated_at=GENERATED)).data)
    assert (
        "1 point d'avancement 2024 (1.1.2) attend la validation de l'équipe ESS : il "
        "n’est pas compté dans ce rapport."
    ) in text
    assert "point 2024 soumis, en attente de validation : non compté" in text
    assert "point 2024 brouillon" not in text
    # Its figures and its text are not the report's: 1.1.2 is « Sans point », the average
    # is (100 + 20) / 2 over the two actions with a validated point.
    assert "Quatre cafés projets tenus." not in text
    assert (
        "2 actions sur 4 sont en cours ou réalisées (1 réalisée, 1 en cours) ; 0 à venir, "
        "0 en pause, 2 sans point, 0 abandonnée." in text
    )
    assert (
        "L'avancement moyen des 2 actions ayant un point validé est de 60 % au 31/12/2024." in text
    )


def test_the_directory_chapter_reads_the_years_snapshot(small_plan):
    """A 2024 snapshot taken on 15 June 2024 (provisional): 7 associations, 21 employees."""
    DirectorySnapshot.objects.create(
        year=2024,
        commune=Commune.objects.first(),
        family="association",
        structures=7,
        employees=21,
        taken_on=datetime.date(2024, 6, 15),
        source="annuaire",
    )
    text = pdf_text(render_pdf(report_html(small_plan, 2024, generated_at=GENERATED)).data)
    assert (
        "Relevé de l'annuaire pour 2024, pris le 15 juin 2024 (provisoire : avant le "
        "31 décembre) : 7 structures, 21 salariés."
    ) in text
    assert "Association 7 21" in text and "Total 7 21" in text
