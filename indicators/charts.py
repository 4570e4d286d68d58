"""Server-side SVG charts (pygal), shared by the pages, the dashboard and the PDF.

pygal styles its SVG with an inline <style>: pages allow it through the CSP nonce
of the request; its JavaScript (tooltips and their configuration) is taken out.
"""

import re
from pathlib import Path

import pygal
from django.utils.html import escape
from django.utils.safestring import mark_safe
from pygal.style import Style

from essplan.french import NBSP, euros, figure, integer

BASE = {
    "font_family": "Noto Sans, Liberation Sans, sans-serif",
    "background": "#ffffff",
    "plot_background": "#ffffff",
    "foreground": "#212529",
    "foreground_strong": "#212529",
    "foreground_subtle": "#6c757d",
    "title_font_size": 16,
    "label_font_size": 13,
    "major_label_font_size": 13,
    "legend_font_size": 13,
    "value_font_size": 12,
    "opacity": "1",
    "opacity_hover": "1",
}
# Solid light guides: a dashed line on the chart is a target.
STYLE = Style(
    **{
        **BASE,
        "colors": ("#0b4f6c", "#d9480f", "#6c757d"),
        "opacity": ".7",
        "opacity_hover": ".8",
        "guide_stroke_color": "#dee2e6",
        "major_guide_stroke_color": "#ced4da",
        "guide_stroke_dasharray": "none",
        "major_guide_stroke_dasharray": "none",
    }
)
# pygal's stylesheets and ours for the trend charts (a path: pygal fills in the chart's id).
TREND_CSS = (
    "file://style.css",
    "file://graph.css",
    f"file://{Path(__file__).with_name('trend_chart.css')}",
)
SMALL_STYLE = Style(
    **{**BASE, "colors": ("#5b8fb0",), "label_font_size": 12, "value_font_size": 12}
)
# The badges' colours of the statuses (static/css/app.css), a shade darker to be seen.
STATUS_COLORS = {
    "sans_point": "#dee2e6",
    "a_venir": "#adb5bd",
    "en_cours": "#6ea8fe",
    "realisee": "#479f76",
    "en_pause": "#ffcd39",
    "abandonnee": "#6c757d",
}


def trend_chart(
    *, title, years, values, targets, baseline=None, baseline_assumed=False, unit="", nonce=None
):
    """A line chart of VALUES against TARGETS over YEARS ({year: value}); BASELINE (year, value),
    BASELINE_ASSUMED when the source does not give its year.

    Read in black and white too: values are a solid line with filled dots, targets a dashed
    line with hollow dots, and the legend says so. The value axis starts at zero; its labels
    are figures, the UNIT its title; each point's value (the tooltip) carries the unit."""
    labels = [str(year) for year in years]
    chart = pygal.Line(
        width=640,
        height=320,
        style=STYLE,
        js=[],
        disable_xml_declaration=True,
        show_legend=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        dots_size=4,
        print_values=False,
        include_x_axis=True,
        allow_interruptions=True,
        margin=16,
        value_formatter=figure,
        y_title=unit or None,
        truncate_legend=-1,
        formatter=lambda value: _with_unit(value, unit),
        no_data_text="Aucune donnée",
        css=TREND_CSS,
    )
    chart.title = title
    chart.x_labels = labels
    chart.add("Valeurs (trait plein)", [_float(values.get(year)) for year in years])
    chart.add(
        "Cibles (tirets)",
        [_float(targets.get(year)) for year in years],
        stroke_style={"width": 2, "dasharray": "7,5"},
    )
    description = (
        f"Valeurs : {_known(years, values, unit)} ; cibles : {_known(years, targets, unit)}."
    )
    if baseline:
        year, value = baseline
        name = f"Référence {year} (supposée)" if baseline_assumed else f"Référence {year}"
        chart.add(
            name, [_float(value) if y == year else None for y in years], stroke=False, dots_size=7
        )
        description += f" {name} : {_with_unit(value, unit)}."
    return _finish(chart.render(is_unicode=True), title, nonce, description)


def year_bars(*, label, years, values, unit="", nonce=None):
    """Small bars of VALUES ({year: value}) over YEARS, each with its figure printed above it:
    one or two values read as well as three. The figures are the accessible label too.
    Without any value: an empty string."""
    if all(values.get(year) is None for year in years):
        return ""
    chart = pygal.Bar(
        width=210,
        height=84,
        style=SMALL_STYLE,
        js=[],
        disable_xml_declaration=True,
        show_legend=False,
        show_y_labels=False,
        show_y_guides=False,
        show_x_guides=False,
        print_values=True,
        print_values_position="top",
        allow_interruptions=True,
        include_x_axis=True,
        margin=2,
        margin_top=16,
        spacing=6,
        truncate_label=-1,
        value_formatter=figure,
    )
    chart.x_labels = [str(year) for year in years]
    chart.add("", [_float(values.get(year)) for year in years])
    figures = ", ".join(
        f"{year} : {_with_unit(values[year], unit)}"
        if values.get(year) is not None
        else f"{year} : pas de valeur"
        for year in years
    )
    return _finish(chart.render(is_unicode=True), f"{label} — {figures}", nonce)


def status_donut(*, statuses, nonce=None):
    """A ring of the actions by status, STATUSES being (value, label, count) triples; the
    counts are the accessible label (the page shows them in a table beside it)."""
    colors = tuple(STATUS_COLORS[value] for value, _, _ in statuses)
    chart = pygal.Pie(
        width=220,
        height=220,
        inner_radius=0.58,
        style=Style(**{**BASE, "colors": colors}),
        js=[],
        disable_xml_declaration=True,
        show_legend=False,
        margin=2,
        value_formatter=integer,
    )
    for _, label, count in statuses:
        chart.add(str(label), count)
    counts = ", ".join(f"{label} : {integer(count)}" for _, label, count in statuses)
    return _finish(chart.render(is_unicode=True), f"Actions par statut — {counts}", nonce)


def budget_bars(*, amounts, plan, nonce=None):
    """PLAN's envelope (if any, in grey), planned, committed and spent AMOUNTS as bars on one
    scale, each labelled with its figure rounded to the euro (the only amounts printed without
    their cents, as the chart's label says; the tables beside it give them to the cent)."""
    bars = [("Prévu", amounts.planned), ("Engagé", amounts.committed), ("Réalisé", amounts.spent)]
    chart = pygal.HorizontalBar(
        width=380,
        height=150,
        style=Style(**{**BASE, "colors": ("#5b8fb0",)}),
        js=[],
        disable_xml_declaration=True,
        show_legend=False,
        include_x_axis=True,
        show_y_guides=False,
        show_x_labels=False,
        show_x_guides=False,
        margin=2,
        truncate_label=-1,
        spacing=6,
        value_formatter=lambda value: euros(value, 0),
    )
    labels = [f"{name} {euros(value, 0)}" for name, value in bars]
    if plan.budget_envelope is not None:
        bars.insert(0, ("Enveloppe", plan.budget_envelope))
        labels.insert(0, f"Enveloppe {plan.envelope_text}")
    chart.x_labels = list(reversed(labels))
    chart.add(
        "",
        [
            {"value": float(value), "color": "#ced4da" if name == "Enveloppe" else "#5b8fb0"}
            for name, value in reversed(bars)
        ],
    )
    return _finish(
        chart.render(is_unicode=True),
        f"Budget, montants arrondis à l'euro : {', '.join(labels)}",
        nonce,
    )


def _finish(svg, label, nonce, description=""):
    """The chart's SVG named LABEL, for the page (aria-label) and for the PDF (the first
    <title>, which WeasyPrint makes the alternative text of the tagged figure; it reads no
    aria-label). Pygal's own <title>, when the chart has one, makes way for it. DESCRIPTION,
    when given, is the <desc> that browsers read as the chart's description."""
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    svg = re.sub(r"(?<=</defs>)<title>[^<]*</title>", "", svg, count=1)
    text = f"<title>{escape(label)}</title>"
    if description:
        text += f"<desc>{escape(description)}</desc>"
    svg = re.sub(r"<svg [^>]*>", lambda match: match.group() + text, svg, count=1)
    if nonce is not None:  # a LazyNonce is falsy until generated
        svg = svg.replace("<style", f'<style nonce="{escape(str(nonce))}"', 1)
    svg = re.sub(r"<!--.*?-->|<script.*?</script>", "", svg, flags=re.S)
    # pygal names a chart by a UUID that prefixes each of its hundred style rules: eight hex
    # digits suffice to tell a page's charts apart (a third of the chart's weight).
    svg = re.sub(r"chart-([0-9a-f]{8})(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}", r"c\1", svg)
    # Hooks of the tooltips' script, the same in every chart: ids must be unique in a page.
    svg = re.sub(r' id="activate-serie-\d+"', "", svg)
    return mark_safe(svg)  # noqa: S308 - pygal output, every text above is escaped


def _known(years, values, unit):
    """'2023 : 500, 2024 : 512,5' for the YEARS that have a value, or 'aucune'."""
    return (
        ", ".join(
            f"{year} : {_with_unit(values[year], unit)}"
            for year in years
            if values.get(year) is not None
        )
        or "aucune"
    )


def _with_unit(value, unit):
    """(7000, 'personnes') -> '7 000 personnes', (11.34, '%') -> '11,34 %', a no-break space
    before the unit; None -> ''."""
    if value is None:
        return ""
    return f"{figure(value)}{NBSP}{unit}" if unit else figure(value)


def _float(value):
    return None if value is None else float(value)
