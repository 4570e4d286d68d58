"""The reports' covers name the deliberation as its text does, and say what it leaves out.

Sources (fixtures/sources/, copies of shared/seeds/000 and 002):
- deliberation_cotentin_DEL2023_012A.txt, « EXTRAIT DU REGISTRE DES DELIBERATIONS … Délibération
  n° DEL2023_012A »: no date of session, of signature or of transmission anywhere in the text
  (the signatures « LE PRESIDENT, LE SECRETAIRE DE SEANCE » are undated); the vote is given
  (« Pour : 167 - Contre : 0 - Abstentions : 9 »).
- deliberation_caen_la_mer_C-12-05-01.txt, « Séance du 7 décembre 2012 … PROJET DE
  DÉLIBÉRATION N° C-12-05-01 »: a draft; its « Vote : » is left empty, as are « Transmis à la
  préfecture le », « Affiché le ».
"""

import datetime
import html as html_text
import re

import pytest

from actions.models import Plan
from reports.services import evaluation_html, report_html
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db

CAEN = "caen-la-mer-ess-2013-2015"
GENERATED = datetime.datetime(2026, 11, 30, 10, 15, tzinfo=datetime.UTC)


def cover_facts(html):
    """{term: description} of the cover's facts, as plain text."""
    cover = html[html.index('<section class="cover"') :]
    cover = cover[: cover.index("</section>")]

    def plain(fragment):
        return re.sub(
            r"\s+", " ", html_text.unescape(re.sub(r"<[^>]+>", "", fragment)).replace("\xa0", " ")
        ).strip()

    return {
        plain(term): plain(description)
        for term, description in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", cover, flags=re.S)
    }


def covers(slug, year):
    plan = Plan.objects.get(slug=slug)
    return {
        "rapport annuel": cover_facts(report_html(plan, year, generated_at=GENERATED)),
        "bilan": cover_facts(evaluation_html(plan, generated_at=GENERATED)),
    }


def test_the_cotentin_cover_says_the_deliberation_gives_no_date():
    for kind, facts in covers(COTENTIN, 2024).items():
        assert facts["Délibération"] == (
            "N° DEL2023_012A (date non précisée dans le texte de la délibération)"
        ), kind
        assert facts["Vote"] == "167 pour, 0 contre, 9 abstentions", kind


def test_the_caen_cover_says_its_deliberation_is_a_draft_without_a_vote():
    for kind, facts in covers(CAEN, 2014).items():
        assert facts["Délibération"] == (
            "Projet de délibération n° C-12-05-01, séance du 7 décembre 2012 (le résultat du "
            "vote n'y figure pas)"
        ), kind
        assert "Vote" not in facts, kind


def test_an_adopted_deliberation_with_its_date_is_named_with_it(small_plan):
    small_plan.adoption_date = datetime.date(2023, 2, 14)
    facts = cover_facts(report_html(small_plan, 2024, generated_at=GENERATED))
    assert facts["Délibération"] == "N° DEL-TEST-1 du 14 février 2023"
