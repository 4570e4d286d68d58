"""Writes that span several models of the plan tree."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from .models import Action, Axis, BudgetLine, DeliberationBudgetRow, Direction, Objective, Plan

FICHE_FIELDS = [
    "expected_impacts",
    "description",
    "target_publics",
    "partners_text",
    "resources",
    "location",
    "planned_years",
]


@dataclass
class LoadReport:
    plan: Plan
    created: int = 0
    existing: int = 0

    def count(self, created: bool) -> None:
        if created:
            self.created += 1
        else:
            self.existing += 1


@transaction.atomic
def load_plan(*, data: dict[str, Any]) -> LoadReport:
    """Create the plan described by a seed file, leaving existing rows untouched.

    Rows are matched by natural key (direction name, plan slug, axis number, objective and
    action codes, position in the deliberation's budget table); what exists is kept as users
    may have edited it, what is missing is created. Running it twice creates nothing the
    second time.
    """
    directions = {}
    for row in data["directions"]:
        directions[row["name"]], _ = Direction.objects.get_or_create(
            name=row["name"], defaults={"short_name": row.get("short_name", "")}
        )
    plan_data = dict(data["plan"])
    pilot = directions.get(plan_data.pop("actions_pilot_direction", None))
    lead = directions.get(plan_data.pop("lead_direction", None))
    slug = plan_data.pop("slug")
    plan, created = Plan.objects.get_or_create(
        slug=slug, defaults={**plan_data, "lead_direction": lead}
    )
    report = LoadReport(plan=plan)
    report.count(created)
    for axis_data in data["axes"]:
        axis, created = Axis.objects.get_or_create(
            plan=plan, number=axis_data["number"], defaults={"title": axis_data["title"]}
        )
        report.count(created)
        for objective_data in axis_data["objectives"]:
            objective, created = Objective.objects.get_or_create(
                axis=axis,
                code=objective_data["code"],
                defaults={"title": objective_data["title"]},
            )
            report.count(created)
            for action_data in objective_data["actions"]:
                report.count(_load_action(plan, objective, action_data, directions, pilot))
    for position, row in enumerate(data.get("budget_table", []), start=1):
        _, created = DeliberationBudgetRow.objects.get_or_create(
            plan=plan, position=position, defaults=_budget_table_row(plan, row)
        )
        report.count(created)
    return report


def _budget_table_row(plan: Plan, data: dict[str, Any]) -> dict[str, Any]:
    """The fields of a row of the deliberation's budget table, from a seed file's row."""
    stated = [Decimal(amount) for amount in data.get("stated", [])]
    if stated and len(stated) != len(plan.years):
        raise ValueError(
            f"« {data['label']} » : {len(stated)} montants pour {len(plan.years)} années."
        )
    return {
        "kind": data["kind"],
        "label": data.get("label", ""),
        "section": data.get("section", ""),
        "measure": data.get("measure", DeliberationBudgetRow.Measure.EXPENSES),
        "action_codes": data.get("actions", []),
        "stated": stated,
        "comment": data.get("comment", ""),
    }


def _load_action(
    plan: Plan,
    objective: Objective,
    data: dict[str, Any] | list[str],
    directions: dict[str, Direction],
    pilot: Direction | None,
) -> bool:
    """Create one action of a seed file (a [code, title] pair or a full fiche) if missing.

    What the source does not give (pilot, years, priority) is left unspecified.
    """
    if isinstance(data, list):
        data = {"code": data[0], "title": data[1]}
    action, created = Action.objects.get_or_create(
        plan=plan,
        code=data["code"],
        defaults={
            "objective": objective,
            "title": data["title"],
            "pilot_direction": pilot,
            **{field: data[field] for field in FICHE_FIELDS if field in data},
        },
    )
    if created:
        action.associated_directions.set(
            directions[name] for name in data.get("associated_directions", [])
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                action=action,
                year=year,
                section=section,
                flow=flow,
                chapter=chapter,
                label=label,
                planned=Decimal(planned),
                co_funder=co_funder[0] if co_funder else "",
            )
            for year, section, flow, chapter, label, planned, *co_funder in data.get("budget", [])
        )
    return created
