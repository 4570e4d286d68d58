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

from actions.models import Action, BudgetLine, Event, Plan, ProgressUpdate, Review, Status
from essplan import datacache
from indicators.models import Indicator, Measurement, Target, Trend
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
    1.2.1's status is its 2023 point's; every action lacks a point for 2023 or 2024; every
    point is validated (the default). Progress (100 + 60 + 20 + 0) / 4 = 45 %, axis 1
    (100 + 60 + 20) / 3 = 60 %, axis 2 0 %. Expenses over 2023-2024: planned 1 834,75,
    committed 1 000,00, spent 999,99, that is 999,99 / 1 834,75 = 54,50 %. Generated in 2026,
    after the plan's end: of the 5 000 € envelope, 999,99 spent (19,9998 %, 20,0 %),
    5 000 − 999,99 = 4 000,01 unspent. C1's 2024 value 512,5 meets its 2024 target 510.
    Events: 1 in 2023 (99 participants) + 3 in 2024 (35)."""
    text = pdf_text(small_evaluation.data)
    for sentence in [
        "À la fin du plan 2023-2024, sur 4 actions : 1 réalisée, 2 en cours, 0 abandonnée, "
        "0 à venir, 0 en pause et 1 sans suite (aucun point d'avancement validé).",
        "1 action a pour statut celui de son dernier point, antérieur à 2024 : 1.2.1 (2023).",
        "4 actions n’ont pas de point d'avancement pour au moins une année du plan : chaque "
        "année sans point est signalée dans la section de l'action.",
        "Aucun point d'avancement 2024 n'attend la validation de l'équipe ESS ; les chiffres "
        "de ce bilan ne comptent que les points validés.",
        "L'avancement moyen des 3 actions ayant un point validé est de 60 % (axe 1 : 60 % et "
        "axe 2 : aucun point validé).",
        "Sur la période, 1 834,75 € de dépenses ont été prévues, 1 000,00 € engagées et "
        "999,99 € réalisées, soit un taux de réalisation de 54,5 %.",
        "À la fin du plan, l'enveloppe de 5 000,00 € est dépensée à 20,0 % : 999,99 € dépensés, "
        "4 000,01 € non dépensés.",
        "1 indicateur sur 1 atteint la cible fixée pour la dernière année du plan qui en a une "
        "(C1).",
        # The 2024 forum's attendance is unknown: not counted, and said.
        "4 événements sur la période, avec 134 participants (1 événement sans effectif connu).",
        "Aucun relevé de l'annuaire pour 2023 et 2024.",
        "3 actions n’ont pas atteint le statut « Réalisée » : elles sont listées en annexe "
        "comme candidates au prochain plan.",
    ]:
        assert sentence in text


def test_the_cover_names_the_period_and_the_deliberation(small_evaluation):
    reader = PdfReader(BytesIO(small_evaluation.data))
    cover = reader.pages[0].extract_text()
    for fact in [
        "TERRITOIRE DE TEST",
        "Bilan du plan d'actions",
        "Plan de test ESS",
        "Évaluation de la période 2023-2024",
        "DEL-TEST-1",
        "31 décembre 2024",
    ]:
        assert fact in cover
    assert reader.metadata.title == "Bilan du plan 2023-2024 · Plan de test ESS"
    assert small_evaluation.page_count == len(reader.pages)


def test_each_action_shows_its_points_year_by_year(small_evaluation):
    text = pdf_text(small_evaluation.data)
    assert "2024 · Réalisée, 100 %. Réalisations : Guichet ouvert à Cherbourg-en-Cotentin" in text
    assert "2023 · En cours, 20 %." in text
    assert "2024 · En cours, 60 %. Réalisations : Quatre cafés projets tenus." in text
    assert text.count("Aucun point d'avancement sur la période.") == 0
    assert (
        "Aucun point validé pour 2023 et 2024 : aucun point d'avancement validé sur la période."
    ) in text


def test_each_year_of_the_plan_without_a_point_is_flagged_in_the_actions_section(small_plan):
    """The plan extended to 2025: 1.1.1 and 1.1.2 have a 2024 point only, 1.2.1 a 2023 point
    only, 2.1.1 none; the chapter's introduction promises what the sections do."""
    small_plan.last_year = 2025
    small_plan.save()
    text = pdf_text(render_pdf(evaluation_html(small_plan, generated_at=GENERATED)).data)
    assert (
        "Aucun point validé pour 2023. 2024 · Réalisée, 100 %. Réalisations : Guichet ouvert"
        in text
    )
    assert "Étendre les permanences à Valognes. Aucun point validé pour 2025." in text
    assert (
        "Aucun point validé pour 2023. 2024 · En cours, 60 %. Réalisations : Quatre cafés "
        "projets tenus. Aucun point validé pour 2025." in text
    )
    assert (
        "2023 · En cours, 20 %. Aucun point validé pour 2024. Aucun point validé pour 2025."
    ) in text
    assert (
        "Aucun point validé pour 2023, 2024 et 2025 : aucun point d'avancement validé sur "
        "la période."
    ) in text
    assert text.count("Aucun point validé pour 2025") == 4
    assert (
        "Chaque année du plan sans point pour l'action est signalée (« Aucun point validé "
        "pour 2025 »)"
    ) in text


def test_a_final_status_from_an_earlier_point_gives_its_year(small_plan):
    """The plan extended to 2025, 1.1.1 has a 2025 point; 1.1.2's status is its 2024 point's,
    1.2.1's its 2023 point's: each says so in its section and in the summary; the annex no
    longer heads it « Statut fin 2025 », and gives the year of the last point beside it."""
    small_plan.last_year = 2025
    small_plan.save()
    ProgressUpdate.objects.create(
        action=Action.objects.get(plan=small_plan, code="1.1.1"),
        year=2025,
        status=Status.DONE,
        progress=100,
    )
    text = pdf_text(render_pdf(evaluation_html(small_plan, generated_at=GENERATED)).data)
    assert "Réalisée · avancement 100 % fin 2025" in text
    assert "En cours (point 2024) · avancement 60 % au dernier point, 2024" in text
    assert "En cours (point 2023) · avancement 20 % au dernier point, 2023" in text
    assert (
        "2 actions ont pour statut celui de leur dernier point, antérieur à 2025 : "
        "1.1.2 (2024) et 1.2.1 (2023)."
    ) in text
    annex = text[text.index("Annexe · Les actions candidates au prochain plan Les actions") :]
    assert "Statut fin 2025" not in annex  # the status of the last point, whose year follows
    assert re.search(r"1\.1\.2 Animer des cafés projets .*?En cours 60 % 2024", annex)


def test_the_summary_counts_and_names_the_unvalidated_points_of_the_last_year(small_plan):
    """2024 points: 1.1.1 validated, 1.1.2 submitted; a 2024 draft for 2.1.1 and one sent back
    for 1.2.1 (its 2023 point is validated): 3 unvalidated points of 2024."""
    actions = {action.code: action for action in Action.objects.filter(plan=small_plan)}
    ProgressUpdate.objects.filter(action=actions["1.1.2"]).update(review=Review.SUBMITTED)
    ProgressUpdate.objects.create(
        action=actions["2.1.1"], year=2024, status=Status.PLANNED, review=Review.DRAFT
    )
    ProgressUpdate.objects.create(
        action=actions["1.2.1"],
        year=2024,
        status=Status.IN_PROGRESS,
        progress=30,
        review=Review.TO_REVISE,
    )
    text = pdf_text(render_pdf(evaluation_html(small_plan, generated_at=GENERATED)).data)
    assert (
        "3 points d'avancement 2024 (1.1.2, 1.2.1 et 2.1.1) ne sont pas validés par "
        "l'équipe ESS (brouillon, soumis ou à revoir) ; les chiffres de ce bilan ne "
        "comptent que les points validés."
    ) in text
    ProgressUpdate.objects.filter(action=actions["1.1.2"]).update(review=Review.VALIDATED)
    ProgressUpdate.objects.filter(action=actions["1.2.1"]).delete()
    text = pdf_text(render_pdf(evaluation_html(small_plan, generated_at=GENERATED)).data)
    assert (
        "1 point d'avancement 2024 (2.1.1) n’est pas validé par l'équipe ESS (brouillon, "
        "soumis ou à revoir)"
    ) in text


def test_the_summary_names_the_indicators_reached_missed_and_not_judged(small_plan):
    """Plan 2023-2025, judged on the last year up to 2025 with a target:
    - C1 (up): 2024 value 512,5 over its 2024 target 510, but a 2025 target 520 without a
      value: not measured in 2025, not reached on 2024's value;
    - R1 (up): 2025 value 12 ≥ target 10: reached; R2 (down): 2025 value 30 > target 25: missed;
    - R3 (up): last target 2024 (40), value 2024 45: reached on 2024;
    - R4 (up): a 2025 value, no target: not judged.
    Reached 2 (R1, R3) of the 3 judged."""
    small_plan.last_year = 2025
    small_plan.save()
    c1 = small_plan.indicators.get(code="C1")
    Target.objects.create(indicator=c1, year=2025, value=Decimal("520"))
    for code, direction, year, value, target in [
        ("R1", Trend.UP, 2025, "12", "10"),
        ("R2", Trend.DOWN, 2025, "30", "25"),
        ("R3", Trend.UP, 2024, "45", "40"),
        ("R4", Trend.UP, 2025, "7", None),
    ]:
        indicator = Indicator.objects.create(
            plan=small_plan, code=code, name=f"Résultat {code}", direction=direction
        )
        Measurement.objects.create(indicator=indicator, year=year, value=Decimal(value))
        if target:
            Target.objects.create(indicator=indicator, year=year, value=Decimal(target))
    text = pdf_text(render_pdf(evaluation_html(small_plan, generated_at=GENERATED)).data)
    assert (
        "2 indicateurs sur 3 atteignent la cible fixée pour la dernière année du plan qui "
        "en a une (R1 et R3) ; R2 ne l’atteint pas."
    ) in text
    assert (
        "Non jugés : C1, non mesuré en 2025 (année de sa dernière cible) ; R4, sans cible." in text
    )


def test_at_the_plans_end_the_summary_gives_the_envelopes_use(small_plan):
    """An envelope of about 85 000 €; 999,99 + 21 810,76 = 22 810,75 € spent:
    85 000 − 22 810,75 = 62 189,25 € unspent, 22 810,75 / 85 000 = 26,836 % → 26,8 %."""
    small_plan.budget_envelope = Decimal("85000")
    small_plan.envelope_is_estimate = True
    small_plan.save()
    BudgetLine.objects.create(
        action=Action.objects.get(plan=small_plan, code="1.1.2"),
        year=2024,
        label="Prestations",
        planned=Decimal("30000"),
        spent=Decimal("21810.76"),
    )
    text = pdf_text(render_pdf(evaluation_html(small_plan, generated_at=GENERATED)).data)
    assert (
        "À la fin du plan, l'enveloppe d'environ 85 000 € est dépensée à environ 26,8 % : "
        "22 810,75 € dépensés, environ 62 189,25 € non dépensés."
    ) in text
    assert "26,8 % de l'enveloppe estimée dépensée" in text
    assert "Non dépensé (enveloppe − réalisé) environ 62 189,25 €" in text
    assert "Part de l'enveloppe dépensée environ 26,8 %" in text
    assert "reste à programmer" not in text.lower()


def test_at_the_plans_end_without_any_amount_entered_the_envelopes_use_is_unknown(small_plan):
    """Planned lines only, nothing committed or spent ever entered: the envelope's use is
    « non renseigné », never « 0,0 % » nor the whole envelope « non dépensé »."""
    BudgetLine.objects.filter(action__plan=small_plan).update(committed=0, spent=0)
    text = pdf_text(render_pdf(evaluation_html(small_plan, generated_at=GENERATED)).data)
    assert (
        "À la fin du plan, l'usage de l'enveloppe de 5 000,00 € est non renseigné : aucun "
        "montant engagé ni réalisé n'est saisi."
    ) in text
    assert "Part de l'enveloppe dépensée non renseigné" in text
    assert "0,0 %" not in text and "non dépensés" not in text


def test_before_the_plans_end_the_summary_gives_what_remains_to_program(small_plan):
    """Generated on 1 June 2024, while the plan's last year runs: 5 000 − (1 834,75 − 300)
    = 3 465,25 € remain to program; the envelope's use is not given yet."""
    during = datetime.datetime(2024, 6, 1, 9, 0, tzinfo=datetime.UTC)
    text = pdf_text(render_pdf(evaluation_html(small_plan, generated_at=during)).data)
    assert (
        "soit un taux de réalisation de 54,5 %, pour une enveloppe de 5 000,00 € (reste à "
        "programmer : 3 465,25 €)."
    ) in text
    assert "Reste à programmer 3 465,25 €" in text
    assert "non dépensés" not in text and "Part de l'enveloppe dépensée" not in text


def test_indicators_from_their_baseline_through_each_year(small_evaluation):
    text = pdf_text(small_evaluation.data)
    assert "C1 · Établissements de l'ESS 488 (2022) 500 / — 512,5 / 510" in text


def test_events_per_year_and_kind(small_evaluation):
    text = pdf_text(small_evaluation.data)
    assert "Café projet 0 2 (35 part.)" in text
    # The 2024 forum's attendance is unknown: « part. n. r. », not « 0 part. » as before #29.
    assert "Forum 1 (99 part.) 1 (part. n. r.)" in text
    assert "Total 1 (99 part.) 3 (35 part., 1 év. n. r.)" in text


def test_the_annex_lists_the_actions_not_realised_with_their_last_point(small_evaluation):
    text = pdf_text(small_evaluation.data)
    annex = text[text.index("Annexe · Les actions candidates au prochain plan Les actions") :]
    assert "1.1.2 Animer des cafés projets" in annex and "1.2.1 Créer un fonds" in annex
    assert "2.1.1 Publier un guide de l'ESS" in annex
    assert "1.1.1 Ouvrir un guichet unique" not in annex
    assert re.search(r"1\.2\.1 Créer un fonds de prêts d'honneur .*?20 % 2023", annex)


def test_the_directory_year_by_year_from_the_snapshots(small_plan):
    """2023: 3 associations (10 employees) + 1 cooperative (5) = 4 structures, 15 employees;
    2024 not taken."""
    commune = Commune.objects.first()
    DirectorySnapshot.objects.bulk_create(
        [
            DirectorySnapshot(
                year=2023,
                commune=commune,
                family="association",
                structures=3,
                employees=10,
                taken_on=datetime.date(2023, 12, 31),
                source="annuaire",
            ),
            DirectorySnapshot(
                year=2023,
                commune=commune,
                family="cooperative",
                structures=1,
                employees=5,
                taken_on=datetime.date(2023, 12, 31),
                source="annuaire",
            ),
        ]
    )
    text = pdf_text(render_pdf(evaluation_html(small_plan, generated_at=GENERATED)).data)
    assert "Relevé le 31/12/2023 pas de relevé" in text
    assert "Association 3 / 10 —" in text and "Coopérative 1 / 5 —" in text
    assert "Total 4 / 15 pas de relevé" in text
    assert "Aucun relevé de l'annuaire pour 2024." in text


def test_the_table_of_contents_gives_the_page_of_each_chapter(small_evaluation):
    assert_chapters_start_on_their_pages(
        small_evaluation.data,
        {
            "Synthèse du plan 2023-2024": "L'avancement moyen des 3 actions",
            "Événements, année par année": "Nombre d'événements et de participants",
            "Annexe · Les actions candidates au prochain plan": "avec leur dernier point",
        },
    )


def test_the_seed_plans_evaluation_holds_its_45_actions_3_years_and_4_baselines():
    plan = Plan.objects.get(slug=COTENTIN)
    pdf = render_pdf(evaluation_html(plan, generated_at=GENERATED))
    text = pdf_text(pdf.data)
    codes = list(Action.objects.filter(plan=plan).values_list("code", flat=True))
    assert len(codes) == 45
    annex = text[text.index("Annexe · Les actions candidates au prochain plan Les actions") :]
    assert all(f" {code} " in annex for code in codes)  # no follow-up: none is réalisée
    assert "sur 45 actions : 0 réalisée, 0 en cours" in text
    assert "Aucun relevé de l'annuaire pour 2023, 2024 et 2025." in text
    assert "2023 valeur / cible 2024 valeur / cible 2025 valeur / cible" in text
    for baseline in (
        "488 (2022, année supposée)",
        "6 847 (2022, année supposée)",
        "11,2 (2022, année supposée)",
        "14,1 (2022, année supposée)",
    ):
        assert baseline in text
    # No budget line: the envelope's use is unknown, not « 0,0 % ».
    assert (
        "À la fin du plan, l'usage de l'enveloppe d'environ 85 000 € est non renseigné : "
        "aucun montant engagé ni réalisé n'est saisi."
    ) in text


def test_generation_queries_do_not_grow_with_the_plan(small_plan):
    def queries():
        datacache.forget()  # cold each time: the directory's figures would stay cached
        with CaptureQueriesContext(connection) as captured:
            evaluation_html(small_plan, generated_at=GENERATED)
        return len(captured)

    small = queries()
    objective = small_plan.axes.get(number=2).objectives.get()
    for index in range(2, 32):
        action = Action.objects.create(
            plan=small_plan, objective=objective, code=f"2.1.{index}", title=f"Action {index}"
        )
        for year in (2023, 2024):
            ProgressUpdate.objects.create(
                action=action,
                year=year,
                status=Status.IN_PROGRESS,
                progress=index,
                achievements="Fait.",
            )
        BudgetLine.objects.create(action=action, year=2023, label="Ligne", planned=Decimal(index))
        Event.objects.create(
            plan=small_plan,
            date=datetime.date(2023, 5, index % 28 + 1),
            title=f"Événement {index}",
            participants=index,
        )
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
