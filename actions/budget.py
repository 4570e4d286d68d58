"""Budget roll-ups: action -> objective -> axis -> plan, per year and overall.

Every total is one GROUP BY in PostgreSQL; nothing is summed row by row in Python.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, Min, Q, Sum, Value
from django.db.models.functions import Coalesce

from essplan.datacache import PLANS, cached

from .models import BudgetLine, DeliberationBudgetRow

ZERO = Decimal("0.00")
SECTIONS = BudgetLine.Section.values
LEVELS = {
    "action": "action_id",
    "objective": "action__objective_id",
    "axis": "action__objective__axis_id",
    "plan": "action__plan_id",
}


def _sum(field, condition):
    return Coalesce(Sum(field, filter=condition), Value(ZERO), output_field=DecimalField())


def _amount_sums(prefix, lines):
    expense = lines & Q(flow=BudgetLine.Flow.EXPENSE)
    revenue = lines & Q(flow=BudgetLine.Flow.REVENUE)
    return {
        f"{prefix}planned": _sum("planned", expense),
        f"{prefix}committed": _sum("committed", expense),
        f"{prefix}spent": _sum("spent", expense),
        f"{prefix}revenue": _sum("planned", revenue),
        f"{prefix}revenue_received": _sum("spent", revenue),
    }


def amount_annotations():
    """The sums of Amounts over every line ("all_planned"…), then over the lines of each
    section ("fonctionnement_planned"…): one query gives both."""
    annotations = _amount_sums("all_", Q())
    for section in SECTIONS:
        annotations.update(_amount_sums(f"{section}_", Q(section=section)))
    return annotations


def _amounts(row):
    """{None: Amounts of every line, section: Amounts of its lines} of an annotated ROW."""
    return {
        section: Amounts(
            **{name: row[f"{section or 'all'}_{name}"] for name in Amounts.__dataclass_fields__}
        )
        for section in (None, *SECTIONS)
    }


@dataclass(frozen=True)
class Amounts:
    planned: Decimal = ZERO
    committed: Decimal = ZERO
    spent: Decimal = ZERO
    revenue: Decimal = ZERO
    revenue_received: Decimal = ZERO

    @property
    def net(self):
        """Planned expenses less planned revenue: the cost to the authority."""
        return self.planned - self.revenue

    @property
    def execution_rate(self):
        return None if not self.planned else self.spent * 100 / self.planned

    @property
    def is_empty(self):
        return not any(
            (self.planned, self.committed, self.spent, self.revenue, self.revenue_received)
        )


class Totals:
    """totals[level][key][year or None][section or None] -> Amounts (None: all years, both
    sections)."""

    def __init__(self):
        self._data = defaultdict(lambda: defaultdict(dict))

    def set(self, level, key, year, by_section):
        self._data[level][key][year] = by_section

    def get(self, level, key, year=None, section=None):
        return self._data[level][key].get(year, {}).get(section, Amounts())

    def by_year(self, level, key, years, section=None):
        return [(year, self.get(level, key, year, section)) for year in years]


def budget_totals(plan, levels=LEVELS, *, action=None):
    """Totals of PLAN's budget lines (or only ACTION's) at each of LEVELS: two queries a level."""
    totals = Totals()
    lines = BudgetLine.objects.filter(action__plan=plan).order_by()
    if action is not None:
        lines = lines.filter(action=action)
    annotations = amount_annotations()
    for level in levels:
        key = LEVELS[level]
        for row in lines.values(key, "year").annotate(**annotations):
            totals.set(level, row.pop(key), row.pop("year"), _amounts(row))
        for row in lines.values(key).annotate(**annotations):
            totals.set(level, row.pop(key), None, _amounts(row))
    return totals


@cached(PLANS)
def action_budget(action):
    """ACTION's amounts per year of its plan ("by_year") and overall ("total"), cached until
    the data changes."""
    totals = budget_totals(action.plan, levels=["action"], action=action)
    return {
        "by_year": totals.by_year("action", action.pk, action.plan.years),
        "total": totals.get("action", action.pk),
    }


def budget_summary(plan, axes, totals):
    """The axis × year budget table, the plan's total and what remains of the envelope.

    The table's "sections" are its groups of rows: one of every axis, or, when the plan has
    lines in both sections, the operating section (every axis) then the investment section
    (the axes that have lines there), each with its own total, as a deliberation keeps its
    sections apart (Caen la mer's « Sous total action 5 » is its 30 000 € of operating in
    2013, its 30 000 € of investment printed in the investment section)."""
    years = list(plan.years)
    total = totals.get("plan", plan.pk)

    def group(label, section, axes):
        return {
            "label": label,
            "section": section,
            "rows": [
                (
                    axis,
                    totals.by_year("axis", axis.pk, years, section),
                    totals.get("axis", axis.pk, section=section),
                )
                for axis in axes
            ],
            "by_year": totals.by_year("plan", plan.pk, years, section),
            "total": totals.get("plan", plan.pk, section=section),
        }

    operating, investment = BudgetLine.Section.OPERATING, BudgetLine.Section.INVESTMENT
    if all(not totals.get("plan", plan.pk, section=section).is_empty for section in SECTIONS):
        sections = [
            group("Section de fonctionnement", operating, axes),
            group(
                "Section d'investissement",
                investment,
                [
                    axis
                    for axis in axes
                    if not totals.get("axis", axis.pk, section=investment).is_empty
                ],
            ),
        ]
    else:
        sections = [group("", None, axes)]
    return {
        "years": years,
        "sections": sections,
        "by_year": totals.by_year("plan", plan.pk, years),
        "total": total,
        "remaining": None if plan.budget_envelope is None else plan.budget_envelope - total.net,
    }


# Labels of the budget chapters the plans use (nomenclature M57 of the local authorities).
CHAPTERS = {
    "011": "Charges à caractère général",
    "012": "Charges de personnel et frais assimilés",
    "65": "Autres charges de gestion courante",
    "70": "Produits des services, du domaine et ventes diverses",
    "74": "Dotations et participations",
    "20": "Immobilisations incorporelles",
    "204": "Subventions d'équipement versées",
    "21": "Immobilisations corporelles",
}


@dataclass
class BudgetRow:
    label: str
    by_year: list  # planned amount per year of the plan
    total: Decimal  # planned over the plan's years
    committed: Decimal
    spent: Decimal
    kind: str = "line"  # line (a chapter), subtotal (a flow of a section) or total (net)


AMOUNTS = ("planned", "committed", "spent")


def council_budget(plan):
    """PLAN's budget as a council deliberation presents it: per section (fonctionnement,
    investissement) and flow (dépenses, recettes), by chapter, with the subtotal of each flow
    and the net total (expenses less revenue); planned per year, then committed and spent
    over the plan (shown when follow-up exists, "followed"). One query."""
    years = list(plan.years)
    planned = defaultdict(lambda: defaultdict(Decimal))
    done = defaultdict(lambda: {"committed": Decimal(0), "spent": Decimal(0)})
    for row in (
        BudgetLine.objects.filter(action__plan=plan)
        .order_by()
        .values("section", "flow", "chapter", "year")
        .annotate(**{name: Sum(name) for name in AMOUNTS})
    ):
        key = (row["section"], row["flow"], row["chapter"])
        planned[key][row["year"]] += row["planned"]
        for name in ("committed", "spent"):
            done[key][name] += row[name]
    rows, net = (
        [],
        BudgetRow(
            "Total net (dépenses moins recettes)",
            [Decimal(0)] * len(years),
            Decimal(0),
            Decimal(0),
            Decimal(0),
            kind="total",
        ),
    )
    for section, section_label in BudgetLine.Section.choices:
        for flow in BudgetLine.Flow.values:
            chapters = sorted(chapter for (s, f, chapter) in planned if (s, f) == (section, flow))
            if not chapters:
                continue
            plural = "Dépenses" if flow == BudgetLine.Flow.EXPENSE else "Recettes"
            of = "de " if section == BudgetLine.Section.OPERATING else "d'"
            subtotal = BudgetRow(
                f"{plural} {of}{section_label.lower()}",
                [Decimal(0)] * len(years),
                Decimal(0),
                Decimal(0),
                Decimal(0),
                kind="subtotal",
            )
            for chapter in chapters:
                key = (section, flow, chapter)
                by_year = [planned[key][year] for year in years]
                label = (
                    f"{chapter} · {CHAPTERS[chapter]}"
                    if chapter in CHAPTERS
                    else chapter or "Chapitre non précisé"
                )
                line = BudgetRow(label, by_year, sum(by_year), **done[key])
                rows.append(line)
                _add(subtotal, line)
            rows.append(subtotal)
            _add(net, subtotal, sign=1 if flow == BudgetLine.Flow.EXPENSE else -1)
    if rows:
        rows.append(net)
    followed = any(row.committed or row.spent for row in rows)
    return {"years": years, "rows": rows, "followed": followed}


def _add(into, row, sign=1):
    into.by_year = [a + sign * b for a, b in zip(into.by_year, row.by_year)]
    into.total += sign * row.total
    into.committed += sign * row.committed
    into.spent += sign * row.spent


@dataclass
class TableRow:
    label: str
    kind: str  # line (one budget line), subtotal or total
    by_year: list  # planned amount per year of the plan
    chapter: str = ""
    comment: str = ""
    stated: bool = False  # the deliberation's own amounts, not computed


@dataclass
class _Line:
    """A budget line of the table: an action's lines of one label, per year."""

    code: str
    section: str
    flow: str
    chapter: str
    label: str
    by_year: dict
    order: tuple


Row = DeliberationBudgetRow
SIGNS = {  # measure -> {flow: sign}
    Row.Measure.EXPENSES: {BudgetLine.Flow.EXPENSE: 1},
    Row.Measure.REVENUE: {BudgetLine.Flow.REVENUE: 1},
    Row.Measure.NET_COST: {BudgetLine.Flow.EXPENSE: 1, BudgetLine.Flow.REVENUE: -1},
    Row.Measure.BALANCE: {BudgetLine.Flow.EXPENSE: -1, BudgetLine.Flow.REVENUE: 1},
}


def deliberation_budget(plan):
    """PLAN's budget table as its deliberation prints it (its DeliberationBudgetRow, in
    order), or None when the plan has none: {"years", "groups": [(heading, [TableRow])],
    "comments": whether a row has one, "columns" of the table, "stated": whether a row keeps
    the deliberation's amounts}. Each amount is planned, computed from the budget lines, but
    for the sums the deliberation states without their lines. Two queries (one without a
    table)."""
    declared = list(plan.deliberation_budget_rows.all())
    if not declared:
        return None
    years = list(plan.years)
    lines = {}
    for row in (
        BudgetLine.objects.filter(action__plan=plan)
        .order_by()
        .values("action__code", "action__code_key", "section", "flow", "chapter", "label", "year")
        .annotate(amount=Sum("planned"), first=Min("pk"))
    ):
        key = (row["action__code"], row["section"], row["flow"], row["chapter"], row["label"])
        line = lines.setdefault(
            key,
            _Line(
                *key,
                by_year=dict.fromkeys(years, ZERO),
                order=(row["action__code_key"], row["first"]),
            ),
        )
        line.by_year[row["year"]] = row["amount"]
        line.order = min(line.order, (row["action__code_key"], row["first"]))
    lines = sorted(lines.values(), key=lambda line: line.order)
    groups = [("", [])]
    for row in declared:
        if row.kind == Row.Kind.HEADING:
            groups.append((row.label, []))
        else:
            groups[-1][1].extend(_table_rows(row, lines, years))
    groups = [(heading, rows) for heading, rows in groups if heading or rows]
    every_row = [row for _, rows in groups for row in rows]
    comments = any(row.comment for row in every_row)
    return {
        "years": years,
        "groups": groups,
        "comments": comments,
        "columns": 2 + len(years) + comments,
        "stated": any(row.stated for row in every_row),
    }


def _table_rows(row, lines, years):
    signs = SIGNS[row.measure]
    chosen = [
        line
        for line in lines
        if line.flow in signs
        and (not row.action_codes or line.code in row.action_codes)
        and (not row.section or line.section == row.section)
    ]
    if row.kind == Row.Kind.LINES:
        return [
            TableRow(
                f"Action {line.code} · {line.label}",
                "line",
                [line.by_year[year] for year in years],
                chapter=line.chapter,
            )
            for line in chosen
        ]
    kind = "subtotal" if row.kind == Row.Kind.SUBTOTAL else "total"
    if row.stated:
        return [TableRow(row.label, kind, list(row.stated), comment=row.comment, stated=True)]
    return [
        TableRow(
            row.label,
            kind,
            [
                sum((signs[line.flow] * line.by_year[year] for line in chosen), ZERO)
                for year in years
            ],
            comment=row.comment,
        )
    ]
