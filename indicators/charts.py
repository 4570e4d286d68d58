"""Server-side SVG charts (pygal), shared by the pages, the dashboard and the PDF.

pygal styles its SVG with an inline <style>: pages allow it through the CSP nonce
of the request; its JavaScript (tooltips and their configuration) is taken out.
"""

import re

import pygal
from django.utils.html import escape
from django.utils.safestring import mark_safe
from pygal.style import Style

from essplan.french import figure

STYLE = Style(
    font_family="Noto Sans, Liberation Sans, sans-serif",
    background="#ffffff", plot_background="#ffffff",
    foreground="#212529", foreground_strong="#212529", foreground_subtle="#6c757d",
    colors=("#0b4f6c", "#d9480f", "#6c757d"),
    title_font_size=16, label_font_size=13, major_label_font_size=13, legend_font_size=13,
    value_font_size=12,
)


def trend_chart(*, title, years, values, targets, baseline=None, unit="", nonce=None):
    """A line chart of VALUES against TARGETS over YEARS ({year: value}); BASELINE (year, value)."""
    labels = [str(year) for year in years]
    chart = pygal.Line(
        width=640, height=320, style=STYLE, js=[], disable_xml_declaration=True,
        show_legend=True, legend_at_bottom=True, legend_at_bottom_columns=3, dots_size=4,
        print_values=False, include_x_axis=False, allow_interruptions=True, margin=16,
        value_formatter=lambda value: f"{value:n} {unit}".strip(), truncate_legend=-1,
        no_data_text="Aucune donnée",
    )
    chart.title = title
    chart.x_labels = labels
    chart.add("Valeurs", [_float(values.get(year)) for year in years])
    chart.add("Cibles", [_float(targets.get(year)) for year in years], stroke_style={"dasharray": "6,4"})
    if baseline:
        chart.add("Référence", [_float(baseline[1]) if year == baseline[0] else None for year in years],
                  stroke=False, dots_size=7)
    return _finish(chart.render(is_unicode=True), title, nonce)


def sparkline(*, label, years, values, nonce=None):
    """A small line of VALUES ({year: value}) over YEARS, its figures as the accessible label."""
    chart = pygal.Line(style=STYLE, js=[], disable_xml_declaration=True, allow_interruptions=True)
    chart.add("", [_float(values.get(year)) for year in years])
    svg = chart.render_sparkline(width=140, height=32, show_dots=True, dots_size=3)
    if isinstance(svg, bytes):
        svg = svg.decode()
    figures = ", ".join(f"{year} : {figure(values[year])}" if values.get(year) is not None
                        else f"{year} : —" for year in years)
    return _finish(svg, f"{label} — {figures}", nonce)


def _finish(svg, label, nonce):
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    if nonce is not None:  # a LazyNonce is falsy until generated
        svg = svg.replace("<style", f'<style nonce="{escape(str(nonce))}"', 1)
    svg = re.sub(r"<!--.*?-->|<script.*?</script>", "", svg, flags=re.S)
    # Hooks of the tooltips' script, the same in every chart: ids must be unique in a page.
    svg = re.sub(r' id="activate-serie-\d+"', "", svg)
    return mark_safe(svg)  # noqa: S308 - pygal output, every text above is escaped


def _float(value):
    return None if value is None else float(value)
