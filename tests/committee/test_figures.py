"""committee.figures on a small case written by hand, and the chapter « Le comité de suivi » of
the annual report and of the bilan that prints them."""

import datetime
import re
from html import unescape

import pytest

from actions.decisions import decision_figures
from actions.models import Member, Session
from committee.figures import committee_figures
from reports.minutes import earlier_open_decisions
from reports.services import evaluation_html, report_html
from tests.factories import DecisionFactory, HeldSessionFactory, MemberFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 30)


def done(*day):
    return datetime.datetime(*day, 10, tzinfo=datetime.UTC)


@pytest.fixture
def sessions(plan):
    """The seeded plan (2023-2025), figures of 2025 on 31/12/2025:

    - 12/03/2025, held: 2 present, 1 represented, 1 excused, 1 absent (5 invited); decisions
      « Forum » done on 01/06/2025 and « Guide » due 30/09/2025, open (late);
    - 14/10/2025, held: 1 present; decision « Budget » due 31/03/2026, open (not late);
    - 20/11/2025, prepared, not held: its decision is not counted;
    - 14/11/2024, held: « Liste » open (due 31/01/2025: an earlier open decision, late),
      « Annuaire » done 01/12/2024.
    2025: 2 sessions, 3 decisions, 1 done, 2 open, 1 late; 1 earlier decision open.
    Whole plan: 3 sessions, 5 decisions, 2 done, 3 open, 2 late (Guide, Liste).
    """
    march = HeldSessionFactory(plan=plan, date=datetime.date(2025, 3, 12))
    for attendance in ["present", "present", "represente", "excuse", "absent"]:
        MemberFactory(session=march, attendance=attendance)
    october = HeldSessionFactory(plan=plan, date=datetime.date(2025, 10, 14))
    MemberFactory(session=october, attendance=Member.Attendance.PRESENT)
    prepared = HeldSessionFactory(
        plan=plan, date=datetime.date(2025, 11, 20), state=Session.State.PREPARED
    )
    earlier = HeldSessionFactory(plan=plan, date=datetime.date(2024, 11, 14))
    DecisionFactory(session=march, text="Forum", done_at=done(2025, 6, 1), done_note="Tenu")
    DecisionFactory(session=march, text="Guide", due_on=datetime.date(2025, 9, 30))
    DecisionFactory(session=october, text="Budget", due_on=datetime.date(2026, 3, 31))
    DecisionFactory(session=prepared, text="Pas encore")
    DecisionFactory(session=earlier, text="Liste", due_on=datetime.date(2025, 1, 31))
    DecisionFactory(session=earlier, text="Annuaire", done_at=done(2024, 12, 1), done_note="Ok")
    return march, october


def texts(decisions):
    return [decision.text for decision in decisions]


def test_the_figures_of_a_year(plan, sessions, django_assert_num_queries):
    march, october = sessions
    with django_assert_num_queries(2):  # the sessions with their attendance; the decisions
        figures = committee_figures(plan, 2025, today=TODAY)
    assert figures.as_of == datetime.date(2025, 12, 31)
    assert [held.session for held in figures.sessions] == [march, october]
    first = figures.sessions[0]
    assert (first.present, first.represented, first.excused, first.absent, first.invited) == (
        2,
        1,
        1,
        1,
        5,
    )
    assert first.attending == 3 and figures.sessions[1].attending == 1
    assert texts(figures.decisions) == ["Forum", "Guide", "Budget"]
    assert texts(figures.done) == ["Forum"]
    assert texts(figures.open) == ["Guide", "Budget"]
    assert texts(figures.late) == ["Guide"]
    assert texts(figures.earlier_open) == ["Liste"]
    assert figures.fictitious == 0


def test_the_figures_of_the_whole_plan(plan, sessions):
    figures = committee_figures(plan, today=TODAY)
    assert figures.as_of == datetime.date(2025, 12, 31) and figures.year is None
    assert len(figures.sessions) == 3
    assert texts(figures.decisions) == ["Liste", "Annuaire", "Forum", "Guide", "Budget"]
    assert texts(figures.done) == ["Annuaire", "Forum"]
    assert texts(figures.late) == ["Liste", "Guide"]
    assert figures.earlier_open == []


def test_the_dashboard_and_the_minutes_count_the_decisions_the_chapter_counts(plan, sessions):
    """One definition: the decisions taken are those of a session held; the session of
    20/11/2025, not held, has taken none yet (« Pas encore » is on no page's count)."""
    day = datetime.date(2025, 12, 31)
    chapter = committee_figures(plan, today=day)
    dashboard = decision_figures(plan, day)
    assert (dashboard.open, dashboard.late) == (len(chapter.open), len(chapter.late)) == (3, 2)
    assert texts(dashboard.most_late) == ["Liste", "Guide"]
    after = HeldSessionFactory(plan=plan, date=datetime.date(2025, 12, 15))
    assert texts(earlier_open_decisions(after)) == ["Liste", "Guide", "Budget"]


def test_the_figures_speak_of_their_date_of_reference(plan, sessions):
    """While 2025 runs (today 01/05/2025): the October session is not yet held, the forum not
    yet done, the guide not yet late."""
    figures = committee_figures(plan, 2025, today=datetime.date(2025, 5, 1))
    assert figures.as_of == datetime.date(2025, 5, 1)
    assert len(figures.sessions) == 1
    assert texts(figures.decisions) == ["Forum", "Guide"]
    assert texts(figures.open) == ["Forum", "Guide"] and figures.late == []


def test_a_fictitious_session_is_counted_and_said(plan, sessions):
    march, _ = sessions
    Session.objects.filter(pk=march.pk).update(is_fictitious=True)
    assert committee_figures(plan, 2025, today=TODAY).fictitious == 1


def chapter(html):
    """The chapter's text, a space for each tag, its spaces made plain."""
    section = re.search(r'<section id="comite".*?</section>', html, re.S).group(0)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", section)).replace("\u00a0", " "))


GENERATED = datetime.datetime(2026, 11, 30, 10, 15, tzinfo=datetime.UTC)


def test_the_annual_report_has_the_chapter(plan, sessions):
    html = report_html(plan, 2025, generated_at=GENERATED)
    assert '<li><a href="#comite">Le comité de suivi</a></li>' in html
    text = chapter(html)
    assert (
        "En 2025, le comité de suivi s'est réuni 2 fois ; 3 décisions prises : 1 réalisée au "
        "31/12/2025, 2 encore ouvertes, dont 1 en retard." in text
    )
    assert "2 séances tenues 3 décisions prises 1 réalisée au 31/12/2025" in text
    assert "Séances tenues en 2025" in text
    # Date, place, present, represented, excused, absent, invited.
    assert "12/03/2025 Hôtel d'agglomération, Cherbourg-en-Cotentin 2 1 1 1 5" in text
    assert "14/10/2025" in text and "20/11/2025" not in text
    assert "12/03/2025 Forum — — — Réalisée le 01/06/2025" in text
    assert "12/03/2025 Guide — — 30/09/2025 En retard" in text
    assert "14/10/2025 Budget — — 31/03/2026 Ouverte" in text
    assert "Décisions des années précédentes encore ouvertes au 31/12/2025" in text
    assert "14/11/2024 Liste — — 31/01/2025 En retard" in text
    assert "Annuaire" not in text and "Pas encore" not in text


def test_the_bilan_has_the_chapter_over_the_whole_plan(plan, sessions):
    text = chapter(evaluation_html(plan, generated_at=GENERATED))
    assert (
        "Sur la période du plan, le comité de suivi s'est réuni 3 fois ; 5 décisions prises : "
        "2 réalisées au 31/12/2025, 3 encore ouvertes, dont 2 en retard." in text
    )
    assert "Séances tenues sur la période du plan" in text
    assert "années précédentes" not in text


def test_a_year_without_session_says_so(plan):
    text = chapter(report_html(plan, 2024, generated_at=GENERATED))
    assert (
        "En 2024, le comité de suivi ne s'est pas réuni (aucune séance tenue au 31/12/2024)."
        in (text)
    )
    assert "Séances tenues" not in text and "Décisions prises, et leur état" not in text
