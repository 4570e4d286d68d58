"""The Cotentin's communes as an SVG map shaded by a measure of the directory.

The same data renders in the browser and in the PDF report (WeasyPrint draws
inline SVG), so nothing here depends on JavaScript.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Sum
from django.urls import reverse

from essplan.datacache import DIRECTORY, cached
from essplan.search import french_order

from .models import Commune, Structure

# ColorBrewer "Blues", 5 classes; communes without any structure stay light grey.
PALETTE = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
CLASSES = len(PALETTE)
EMPTY = "#f1f3f5"
MEASURES = {"structures": "structures", "employees": "salariés"}
# The box the derivation script projected the outlines into.
WIDTH, HEIGHT = json.loads(
    (Path(settings.BASE_DIR) / "fixtures/reference/communes_cotentin.json").read_text()
)["map_size"]


@dataclass
class Area:
    name: str
    path: str
    structures: int
    employees: int
    fill: str
    url: str
    public: bool = False

    @property
    def label(self):
        """The commune's figures; the public map gives no employees (with one structure in a
        commune, they would be that structure's own)."""
        structures = (
            f"{self.name} : {self.structures} structure{'s' if self.structures > 1 else ''}"
        )
        if self.public:
            return structures
        return f"{structures}, {self.employees} salarié{'s' if self.employees > 1 else ''}"


def breaks(values, classes=CLASSES):
    """Upper bounds of CLASSES quantile classes of the non-zero VALUES."""
    values = sorted(value for value in values if value)
    if not values:
        return []
    bounds = [
        values[min(len(values) - 1, (len(values) * (k + 1)) // classes - 1)] for k in range(classes)
    ]
    return sorted(set(bounds))


@cached(DIRECTORY)
def commune_map(*, measure="structures", public=False):
    """Communes with their figures, fill colour, link and the legend: two queries (the
    structures counted by commune, then the communes).

    PUBLIC counts only the structures on the public directory and links to it (the structures
    measure only)."""
    shown = Structure.objects.public() if public else Structure.objects.active()
    figures = {
        commune: (count, employees)
        for commune, count, employees in (
            shown.order_by()
            .values("commune")
            .annotate(n=Count("id"), e=Sum("employees"))
            .values_list("commune", "n", "e")
        )
    }
    rows = list(Commune.objects.only("pk", "name", "svg_path").order_by(*french_order("name")))
    for commune in rows:
        commune.structure_count, commune.employee_count = figures.get(commune.pk, (0, 0))
    value_of = (
        (lambda c: c.structure_count)
        if measure == "structures"
        else (lambda c: c.employee_count or 0)
    )
    bounds = breaks(value_of(c) for c in rows)
    palette = PALETTE[len(PALETTE) - len(bounds) :] if bounds else []
    list_url = reverse("public:structure_list" if public else "structures:structure_list")

    def fill(value):
        if not value:
            return EMPTY
        return next(palette[i] for i, bound in enumerate(bounds) if value <= bound)

    areas = [
        Area(
            name=c.name,
            path=c.svg_path,
            structures=c.structure_count,
            employees=c.employee_count or 0,
            fill=fill(value_of(c)),
            url=f"{list_url}?commune={c.pk}",
            public=public,
        )
        for c in rows
    ]
    lower = [1, *(bound + 1 for bound in bounds[:-1])]
    legend = [(EMPTY, "aucune" if measure == "structures" else "0")] + [
        (colour, f"{low}" if low == high else f"{low} à {high}")
        for colour, low, high in zip(palette, lower, bounds)
    ]
    return {
        "areas": areas,
        "legend": legend,
        "measure_label": MEASURES[measure],
        "public": public,
        "width": WIDTH,
        "height": HEIGHT,
        "total_structures": sum(area.structures for area in areas),
        "total_employees": sum(area.employees for area in areas),
    }
