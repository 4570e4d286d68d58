"""The next plan, drafted from an adopted one: drafting, editing the draft, adopting it.

Every write is one transaction that first locks the plan's row, so two administrators (or
an administrator and the command) working on the same draft write one after the other, each
on what the other left; a refused change raises ``DraftRefused`` with a French message and
writes nothing.

A draft's codes follow its tree: axis N, objectives N.k, actions N.k.j. Editing a code moves
its whole subtree (objective 1.2 renamed 1.5: its actions become 1.5.j); ``renumber`` closes
the holes that removals leave, keeping the order.
"""

import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils.text import slugify

from .models import Action, Axis, Objective, Plan, Status

CODE = re.compile(r"^[1-9][0-9]*(\.[1-9][0-9]*)*$")
# Fields of an action that a carried action keeps (the follow-up is never copied).
CARRIED_FIELDS = (
    "title",
    "expected_impacts",
    "description",
    "target_publics",
    "pilot_direction_id",
    "partners_text",
    "resources",
    "priority",
    "location",
)
# Sent by draft_next_plan, in its transaction, once the draft's tree is written, with
# source, plan, objectives {old pk: new objective} and actions {old pk: new action}: the apps
# above this one (indicators) carry what they hang on the tree without actions importing them.
plan_drafted = Signal()


class DraftRefused(Exception):
    """A change the draft cannot take; the message says why, in French."""


class DraftConflict(Exception):
    """Someone changed the element after the form was opened: nothing was written. CHANGES
    are [(label, shown, now)], as the conflict message prints them."""

    def __init__(self, changes):
        super().__init__("concurrent edit of a draft element")
        self.changes = changes


def _changed_since_shown(tree, kind, node, shown):
    """What of NODE differs from what the form SHOWN: [(label, shown, now)]."""
    changes = []
    if shown["title"] != node.obj.title:
        changes.append(("intitulé", shown["title"], node.obj.title))
    if shown["code"] != node.code:
        changes.append(("code", shown["code"], node.code))
    if kind != "axis":
        parent = tree.parent_of(node)
        if shown["parent"] != parent.obj.pk:
            then = next(
                (
                    f"{n.code} · {n.obj.title}"
                    for n in tree.nodes()
                    if n.kind == parent.kind and n.obj.pk == shown["parent"]
                ),
                "—",
            )
            changes.append(("rattachement", then, f"{parent.code} · {parent.obj.title}"))
    return changes


def _locked(plan):
    """PLAN's row, locked until the end of the transaction, as it now stands."""
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _locked_draft(plan):
    plan = _locked(plan)
    if plan.state != Plan.State.DRAFT:
        raise DraftRefused(
            f"Le plan « {plan.title} » n'est plus un brouillon : il a été "
            f"adopté, sa structure ne se modifie plus ici."
        )
    return plan


def parse_years(text):
    """'2026-2028' -> (2026, 2028), or a French error."""
    found = re.fullmatch(r"\s*(\d{4})\s*-\s*(\d{4})\s*", text or "")
    if not found:
        raise DraftRefused(f"Période illisible : « {text} ». Écrivez-la ainsi : 2026-2028.")
    return int(found[1]), int(found[2])


def candidates(source):
    """The codes of SOURCE's actions not « Réalisée » at the end of its period: the ones
    preselected for the next plan."""
    return set(
        Action.objects.filter(plan=source)
        .with_status(source.last_year)
        .exclude(current_status=Status.DONE)
        .values_list("code", flat=True)
    )


def next_title(source, first_year, last_year):
    """« Plan d'actions ESS 2023-2025 » -> « Plan d'actions ESS 2026-2028 »."""
    old = f"{source.first_year}-{source.last_year}"
    new = f"{first_year}-{last_year}"
    return source.title.replace(old, new) if old in source.title else f"{source.title} {new}"


def next_slug(source, first_year, last_year):
    """« cotentin-ess-2023-2025 » -> « cotentin-ess-2026-2028 »."""
    old = f"{source.first_year}-{source.last_year}"
    new = f"{first_year}-{last_year}"
    return source.slug.replace(old, new) if old in source.slug else f"{source.slug}-{new}"


def _check_period(source, first_year, last_year):
    if last_year < first_year:
        raise DraftRefused(f"La dernière année ({last_year}) précède la première ({first_year}).")
    if first_year <= source.last_year and last_year >= source.first_year:
        raise DraftRefused(
            f"La période {first_year}-{last_year} chevauche celle du plan « {source.title} » "
            f"({source.first_year}-{source.last_year}) : le nouveau plan doit commencer en "
            f"{source.last_year + 1} ou après."
        )


def _check_slug(slug):
    if not slug or slugify(slug) != slug:
        raise DraftRefused(
            f"Identifiant d'URL invalide : « {slug} ». Lettres minuscules sans "
            "accents, chiffres et tirets, par exemple cotentin-ess-2026-2028."
        )
    if taken := Plan.objects.filter(slug=slug).first():
        raise DraftRefused(f"L'identifiant « {slug} » est déjà celui du plan « {taken.title} ».")


@transaction.atomic
def draft_next_plan(source, *, slug, first_year, last_year, codes=None, title=""):
    """A draft plan for FIRST_YEAR-LAST_YEAR from SOURCE, carrying the actions of CODES (by
    default, those not « Réalisée »), their objectives and axes, and SOURCE's indicators that
    are plan-wide or tied to what is carried. Each carried action keeps its predecessor, its
    pilots, directions and partners; each indicator takes its last value as its baseline
    (indicators.drafting, on plan_drafted)."""
    source = _locked(source)
    if source.state == Plan.State.DRAFT:
        raise DraftRefused(
            f"« {source.title} » est un brouillon : préparez le plan suivant à "
            "partir d'un plan adopté."
        )
    _check_period(source, first_year, last_year)
    _check_slug(slug)
    actions = {
        action.code: action
        for action in Action.objects.filter(plan=source)
        .select_related("objective__axis")
        .order_by("code_key")
    }
    codes = candidates(source) if codes is None else set(codes)
    if unknown := sorted(codes - actions.keys()):
        raise DraftRefused(
            f"Codes inconnus dans le plan « {source.title} » : {', '.join(unknown)}."
        )
    if not codes:
        raise DraftRefused("Choisissez au moins une action à reconduire.")
    carried = [action for code, action in actions.items() if code in codes]
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                title=title or next_title(source, first_year, last_year),
                slug=slug,
                territory=source.territory,
                first_year=first_year,
                last_year=last_year,
                lead_direction_id=source.lead_direction_id,
                budget_imputation=source.budget_imputation,
                previous=source,
                state=Plan.State.DRAFT,
            )
    except IntegrityError:  # the same identifier taken by another writer meanwhile
        raise DraftRefused(
            f"L'identifiant « {slug} » vient d'être pris par un autre plan."
        ) from None
    axes, objectives, new_actions = {}, {}, {}
    for action in carried:
        objective = action.objective
        if objective.axis_id not in axes:
            axes[objective.axis_id] = Axis.objects.create(
                plan=plan, number=objective.axis.number, title=objective.axis.title
            )
        if objective.pk not in objectives:
            objectives[objective.pk] = Objective.objects.create(
                axis=axes[objective.axis_id], code=objective.code, title=objective.title
            )
        new_actions[action.pk] = copy_action(action, plan, objectives[objective.pk])
    plan_drafted.send(Plan, source=source, plan=plan, objectives=objectives, actions=new_actions)
    return plan


def copy_action(action, plan, objective):
    copy = Action.objects.create(
        plan=plan,
        objective=objective,
        code=action.code,
        predecessor=action,
        **{name: getattr(action, name) for name in CARRIED_FIELDS},
    )
    copy.pilots.set(action.pilots.all())
    copy.associated_directions.set(action.associated_directions.all())
    copy.partner_structures.set(action.partner_structures.all())
    return copy


# --- The draft's tree -----------------------------------------------------------------


@dataclass
class Node:
    """An axis, objective or action of the draft with the code it will have."""

    kind: str  # "axis", "objective" or "action"
    obj: object
    code: str
    children: list = field(default_factory=list)

    @property
    def key(self):
        return tuple(int(part) for part in self.code.split("."))


class Tree:
    """The draft's axes, objectives and actions in memory: changes are made here, checked
    as a whole, then written (``save``)."""

    def __init__(self, plan):
        self.plan = plan
        self.axes = [Node("axis", axis, str(axis.number)) for axis in plan.axes.order_by("number")]
        by_pk = {node.obj.pk: node for node in self.axes}
        objective_nodes = {}
        for objective in Objective.objects.filter(axis__plan=plan).order_by("code_key"):
            node = Node("objective", objective, objective.code)
            by_pk[objective.axis_id].children.append(node)
            objective_nodes[objective.pk] = node
        for action in (
            Action.objects.filter(plan=plan).select_related("predecessor").order_by("code_key")
        ):
            objective_nodes[action.objective_id].children.append(
                Node("action", action, action.code)
            )
        self.original = {(node.kind, node.obj.pk): node.code for node in self.nodes()}
        self.original_parents = self.parents()

    def parents(self):
        """{(kind, pk): parent object} of the objectives and actions."""
        parents = {}
        for axis in self.axes:
            for objective in axis.children:
                parents["objective", objective.obj.pk] = axis.obj
                for action in objective.children:
                    parents["action", action.obj.pk] = objective.obj
        return parents

    def nodes(self):
        for axis in self.axes:
            yield axis
            for objective in axis.children:
                yield objective
                yield from objective.children

    def find(self, kind, pk):
        for node in self.nodes():
            if node.kind == kind and node.obj.pk == pk:
                return node
        raise DraftRefused("Cet élément n'est plus dans le brouillon (supprimé entre-temps ?).")

    def parent_of(self, node):
        for candidate in self.nodes():
            if node in candidate.children:
                return candidate
        return None

    def siblings(self, parent):
        return self.axes if parent is None else parent.children

    def next_code(self, parent):
        taken = [int(node.code.rsplit(".", 1)[-1]) for node in self.siblings(parent)]
        last = max(taken, default=0) + 1
        return str(last) if parent is None else f"{parent.code}.{last}"

    def recode(self, node, code):
        """Give NODE the code CODE and its subtree the matching prefix."""
        old = node.code
        node.code = code
        for child in node.children:
            self.recode(child, code + child.code[len(old) :])

    def move(self, node, parent, code=""):
        """Put NODE under PARENT (an axis for an objective, an objective for an action), with
        CODE or else the next free code there."""
        current = self.parent_of(node)
        if parent is not current:
            current.children.remove(node)
            code = code or self.next_code(parent)
            parent.children.append(node)
        self.recode(node, code or node.code)

    def check(self):
        """Every code well formed, under its parent's, and unique: else a French error."""
        seen = {}
        label = {"axis": "axe", "objective": "objectif", "action": "action"}
        for parent in [None, *self.nodes()]:
            for node in self.siblings(parent):
                if not CODE.match(node.code) or node.code.count(".") != (
                    "axis",
                    "objective",
                    "action",
                ).index(node.kind):
                    raise DraftRefused(
                        f"Code invalide pour un {label[node.kind]} : « {node.code} »."
                    )
                if parent is not None and not node.code.startswith(parent.code + "."):
                    raise DraftRefused(
                        f"Le code « {node.code} » ne commence pas par celui de son parent "
                        f"({parent.code})."
                    )
                if (node.kind, node.code) in seen:
                    raise DraftRefused(
                        f"Le code {node.code} serait porté par deux {label[node.kind]}s du "
                        f"brouillon : « {seen[node.kind, node.code]} » et « {node.obj.title} »."
                    )
                seen[node.kind, node.code] = node.obj.title

    def renumber(self):
        """Close the holes: axes 1…n, objectives N.1…, actions N.k.1…, order kept."""
        for parent in [None, *self.nodes()]:
            siblings = sorted(self.siblings(parent), key=lambda node: node.key)
            for index, node in enumerate(siblings, start=1):
                self.recode(node, str(index) if parent is None else f"{parent.code}.{index}")

    def changes(self):
        """[(kind, title, old code, new code)] of the codes that change, in the new order."""
        return [
            (node.kind, node.obj.title, self.original[node.kind, node.obj.pk], node.code)
            for node in self.nodes()
            if self.original[node.kind, node.obj.pk] != node.code
        ]

    def save(self):
        """Write the changed codes and parents: first to provisional codes (so that swapping
        two codes collides with nothing), then to their new values."""
        self.check()
        parents = self.parents()
        changed = [
            node
            for node in self.nodes()
            if self.original[node.kind, node.obj.pk] != node.code
            or parents.get((node.kind, node.obj.pk))
            is not self.original_parents.get((node.kind, node.obj.pk))
        ]
        for step in ("provisional", "final"):
            for index, node in enumerate(changed, start=1):
                obj = node.obj
                if node.kind == "axis":
                    obj.number = 30000 + index if step == "provisional" else int(node.code)
                    obj.save(update_fields=["number"])
                    continue
                obj.code = f"0.{index}" if step == "provisional" else node.code
                if node.kind == "objective":
                    obj.axis = parents["objective", obj.pk]
                    obj.save(update_fields=["code", "axis"])
                else:
                    obj.objective = parents["action", obj.pk]
                    obj.save(update_fields=["code", "objective"])
        return self.changes()


@transaction.atomic
def edit_node(plan, kind, pk, *, title, code="", parent_pk=None, shown=None):
    """Change the title, code or parent of an axis, objective or action of the draft PLAN.
    A form passes what it SHOWED {title, code, parent}: if another administrator changed the
    element since (renamed, renumbered, moved), DraftConflict and nothing is written."""
    tree = Tree(_locked_draft(plan))
    node = tree.find(kind, pk)
    changes = _changed_since_shown(tree, kind, node, shown) if shown else []
    if changes:
        raise DraftConflict(changes)
    code = code.strip()
    if kind != "axis":
        parent = tree.find(
            "axis" if kind == "objective" else "objective", parent_pk or tree.parent_of(node).obj.pk
        )
        tree.move(node, parent, code if code != node.code else "")
    elif code:
        tree.recode(node, code)
    tree.check()
    node.obj.title = title
    node.obj.save(update_fields=["title"])
    return tree.save()


@transaction.atomic
def add_node(plan, kind, *, title, parent_pk=None):
    """A new axis (PARENT_PK None), objective (under axis PARENT_PK) or action (under
    objective PARENT_PK), with the next free code there."""
    plan = _locked_draft(plan)
    tree = Tree(plan)
    if kind == "axis":
        return Axis.objects.create(plan=plan, number=int(tree.next_code(None)), title=title)
    parent = tree.find("axis" if kind == "objective" else "objective", parent_pk)
    code = tree.next_code(parent)
    if kind == "objective":
        return Objective.objects.create(axis=parent.obj, code=code, title=title)
    return Action.objects.create(plan=plan, objective=parent.obj, code=code, title=title)


@transaction.atomic
def remove_node(plan, kind, pk):
    """Remove an axis, objective or action (with what hangs from it) from the draft PLAN; the
    codes of the others stay (``renumber`` closes the hole)."""
    node = Tree(_locked_draft(plan)).find(kind, pk)
    node.obj.delete()
    return node


@transaction.atomic
def renumber(plan):
    """Renumber the whole draft PLAN without holes: [(kind, title, old, new)]."""
    tree = Tree(_locked_draft(plan))
    tree.renumber()
    return tree.save()


def renumbering_preview(plan):
    tree = Tree(plan)
    tree.renumber()
    return tree.changes()


@transaction.atomic
def adopt(
    plan,
    *,
    reference,
    adopted_on,
    votes_for,
    votes_against,
    abstentions,
    envelope,
    envelope_is_estimate=False,
):
    """Adopt the draft PLAN as the council voted it; the plan it was drafted from is closed."""
    plan = _locked(plan)
    if plan.state != Plan.State.DRAFT:
        raise DraftRefused(
            f"Le plan « {plan.title} » est déjà adopté "
            f"({plan.deliberation_reference or 'sans référence'})."
        )
    if not Action.objects.filter(plan=plan).exists():
        raise DraftRefused("Ce brouillon n'a aucune action : ajoutez-en avant de l'adopter.")
    previous = _locked(plan.previous) if plan.previous_id else None
    if previous:
        _check_period(previous, plan.first_year, plan.last_year)
    plan.state = Plan.State.ADOPTED
    plan.deliberation_reference, plan.adoption_date = reference, adopted_on
    plan.votes_for, plan.votes_against, plan.abstentions = votes_for, votes_against, abstentions
    plan.budget_envelope, plan.envelope_is_estimate = envelope, envelope_is_estimate
    plan.save()
    if previous and previous.state == Plan.State.ADOPTED:
        previous.state = Plan.State.CLOSED
        previous.save(update_fields=["state"])
    return plan
