"""The plans say what their sources say, and no more.

The source texts are read by the tests themselves (fixtures/sources/, copies of
shared/seeds/000 and 002); the expected
years of Caen la mer's fiches are read by hand from each fiche's « Calendrier
souhaité ».
"""

import html
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from actions.models import Plan
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SOURCES = FIXTURES / "sources"
COTENTIN_SOURCE = "deliberation_cotentin_DEL2023_012A.txt"
CAEN_SOURCE = "deliberation_caen_la_mer_C-12-05-01.txt"
CAEN = "caen-la-mer-ess-2013-2015"
LEAD = (
    "Direction du développement économique, emploi, et de l'enseignement supérieur, "
    "recherche et innovation"
)

# « Calendrier souhaité » of each fiche of seed 002, and the years it gives.
CAEN_CALENDARS = {
    "1": ("sur 3 ans", "2013, 2014, 2015"),
    "1.1": ("Fin 2013", "2013"),
    "2": ("Début janvier et action sur 3 années", "2013, 2014, 2015"),
    "3": ("Séminaire de cadres – Printemps 2013", "2013"),
    "3.1": ("Fin 2013", "2013"),
    # Only « Début janvier »: the budget table funds the three years.
    "4": ("Début janvier", "2013, 2014, 2015"),
    "5": ("Sur 3 ans", "2013, 2014, 2015"),
    "6": ("Lancement en octobre 2013, récompenses en février 2014", "2013, 2014"),
}


def flat(text):
    """Text with one kind of space and one kind of apostrophe, tags and markers removed."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text).replace("’", "'").replace("\xa0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip()


def seed_text(name):
    return flat((SOURCES / name).read_text(encoding="utf-8"))


def fixture(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return flat(response.content.decode())


def as_in_seed(text, deviations, where):
    """Undo the deviations the fixture lists for ``where``: the seed's own words."""
    for deviation in deviations:
        if deviation["where"] == where:
            text = text.replace(deviation["fixture"], deviation["seed"])
    return flat(text)


def test_every_cotentin_title_is_the_annex_wording_or_a_listed_deviation():
    data = fixture("plan_cotentin_2023_2025.json")
    annex = seed_text(COTENTIN_SOURCE).split("Axes stratégiques N°")[1]
    deviations = data["deviations"]
    titles = {}
    for axis in data["axes"]:
        # The annex prints axes in capitals (a listed deviation).
        assert flat(axis["title"]).upper() in annex.upper()
        for objective in axis["objectives"]:
            assert as_in_seed(objective["title"], deviations, objective["code"]) in annex
            titles[objective["code"]] = objective["title"]
            for code, title in objective["actions"]:
                titles[code] = title
                assert f"{code} {as_in_seed(title, deviations, code)}" in annex, code
    # Every deviation listed for a code is used: the seed has its wording, the title its own.
    for deviation in deviations:
        if deviation["where"][0].isdigit():
            assert flat(deviation["seed"]) in annex
            assert deviation["fixture"] in titles[deviation["where"]]


def test_caen_fiches_carry_the_seed_word_for_word():
    seed = seed_text(CAEN_SOURCE)
    data = fixture("plan_caen_la_mer_2013_2015.json")
    fiches = [
        fiche
        for axis in data["axes"]
        for objective in axis["objectives"]
        for fiche in objective["actions"]
    ]
    assert [fiche["code"] for fiche in fiches] == list(CAEN_CALENDARS)
    for fiche in fiches:
        for field in ["expected_impacts", "description", "target_publics", "partners_text"]:
            for line in filter(None, fiche.get(field, "").split("\n")):
                line = re.sub(r"^(➤|-) ", "", line).replace("1er", "1 er")
                assert flat(line) in seed, (fiche["code"], line)
        # The title is the fiche's « Titre de l'action », capitalised (a listed deviation).
        title = fiche["title"]
        assert (
            f"Titre de l'action : {title}" in seed
            or f"Titre de l'action : {title[0].lower()}{title[1:]}" in seed
        )


def test_fiche_6_context_proposes_the_date_as_the_seed_does(client_for):
    text = page_text(client_for("viewer"), f"/plans/{CAEN}/actions/6/")
    assert (
        "Ce dernier pourrait être effectué tous les 2 ans. Ainsi le prochain appel à projet "
        "n'interviendra qu'en octobre 2013"
    ) in text
    assert "Titre de l'action" not in text


@pytest.mark.parametrize("code", list(CAEN_CALENDARS))
def test_caen_years_follow_the_calendar_of_the_fiche(client_for, code):
    calendar, years = CAEN_CALENDARS[code]
    text = page_text(client_for("viewer"), f"/plans/{CAEN}/actions/{code}/")
    assert f"Calendrier souhaité : {calendar}" in text
    assert f"Années prévues {years} Dates" in text


def test_what_the_annex_does_not_say_is_shown_as_not_given(client_for):
    client = client_for("viewer")
    text = page_text(client, f"/plans/{COTENTIN}/actions/1.6.1/")
    assert "Direction pilote Non précisée" in text
    assert "Années prévues Non précisées" in text
    assert "Priorité Non précisée" in text
    assert "Normale" not in text
    listing = page_text(client, f"/plans/{COTENTIN}/actions/")
    assert listing.count("Direction pilote non précisée") == 25  # the first page
    plan_page = page_text(client, f"/plans/{COTENTIN}/")
    # The 45 actions' pilot directions, and the deliberation's date, which its text omits.
    assert plan_page.count("non précisée") == 45 + 1
    assert "DEL2023_012A (date non précisée dans le texte de la délibération)" in plan_page
    plan = Plan.objects.get(slug=COTENTIN)
    assert not plan.actions.exclude(pilot_direction=None).exists()


def test_the_lead_direction_has_the_deliberation_words(client_for):
    text = page_text(client_for("viewer"), f"/plans/{COTENTIN}/")
    assert LEAD in text
    assert LEAD.replace("’", "'") in seed_text(COTENTIN_SOURCE).replace(
        "la direction du développement", "la Direction du développement"
    )
