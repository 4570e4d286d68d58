"""Writes on the comité de suivi's sessions: creating one with its default invitees, changing
it under the version check, inviting and removing members, recording who came."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from actions.models import Member, Plan, Session
from essplan import roles
from essplan.french import person_name
from essplan.history import Change
from essplan.search import PEOPLE_ORDER
from essplan.versioning import ConcurrentEdit, save_form, violated_constraint
from structures.models import Structure

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.forms import ModelForm

# What a session's form edits (SessionForm's fields but the version).
FIELDS = ("date", "starts_at", "place", "video_link", "proposals_until", "notes")
ONE_PER_DAY = "one_session_per_plan_and_day"
Attendance = Member.Attendance


def same_day_error() -> ValidationError:
    """The French refusal of a second session of a plan on one day (the constraint's own)."""
    constraint = next(c for c in Session._meta.constraints if c.name == ONE_PER_DAY)
    return ValidationError(
        {"date": constraint.violation_error_message}, code="one_session_per_plan_and_day"
    )


def default_accounts() -> "QuerySet[User]":
    """The accounts invited to a new session: the active accounts of the role « Comité de
    suivi », in the order of their names."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.VIEWER)
        .distinct()
        .order_by(*PEOPLE_ORDER)
    )


def default_structures() -> QuerySet[Structure]:
    """The structures invited to a new session: those of the directory that sit on the comité
    (not archived), in the order of their names."""
    return Structure.objects.active().filter(committee_member=True)


@transaction.atomic
def create_session(*, plan: Plan, by: "User", data: Mapping[str, Any]) -> Session:
    """A new session of PLAN from DATA (FIELDS), created by BY, its default members invited
    (default_accounts, default_structures). A session of PLAN on the same day, even one
    created at the same moment, is refused with the constraint's French message
    (ValidationError on "date"): nothing is written."""
    session = Session(
        plan=plan, created_by=by, **{name: data[name] for name in FIELDS if name in data}
    )
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError as error:
        if violated_constraint(error) == ONE_PER_DAY:
            raise same_day_error() from None
        raise
    invite(session=session, users=default_accounts(), structures=default_structures())
    return session


@transaction.atomic
def update_session(*, form: "ModelForm[Session]") -> Session:
    """FORM's session saved if the version it was opened at is still current (ConcurrentEdit
    otherwise, with what changed meanwhile); moved to a day on which its plan already has a
    session, refused as a creation is."""
    try:
        session: Session = save_form(form=form)
    except IntegrityError as error:
        if violated_constraint(error) == ONE_PER_DAY:
            raise same_day_error() from None
        raise
    return session


def invite(
    *, session: Session, users: Iterable["User"] = (), structures: Iterable[Structure] = ()
) -> int:
    """Invite USERS and STRUCTURES to SESSION; those already invited (even by someone at the
    same moment) are left as they are. The number of members added."""
    rows = [Member(session=session, user=user) for user in users]
    rows += [Member(session=session, structure=structure) for structure in structures]
    before = session.members.count()
    Member.objects.bulk_create(rows, ignore_conflicts=True)
    return session.members.count() - before


def remove(*, session: Session, member_id: int) -> Member | None:
    """Remove member MEMBER_ID from SESSION: the member removed, or None if SESSION has no
    such member (already removed)."""
    member = session.members.select_related("user", "structure").filter(pk=member_id).first()
    if member is not None:
        member.delete()
    return member


@dataclass(frozen=True)
class Presence:
    """A member's attendance as a form shows it (SEEN: as stored when the form was opened) and
    as the user sets it."""

    seen: tuple[str, str]
    attendance: str
    represented_by: str = ""


@transaction.atomic
def record_attendance(*, session: Session, rows: Mapping[int, Presence]) -> int:
    """Record the attendance of SESSION's members, ROWS by member id (members no longer
    invited are skipped). If someone recorded the attendance of one of them since the form
    was opened (stored values other than SEEN), nothing is written: ConcurrentEdit, with
    what that person recorded. The number of members whose attendance changed."""
    members = list(
        session.members.select_for_update(of=("self",))
        .select_related("user", "structure")
        .filter(pk__in=list(rows))
        .order_by("pk")
    )
    changed: list[Change] = []
    updated = []
    for member in members:
        row = rows[member.pk]
        stored = (member.attendance, member.represented_by)
        if stored != row.seen:
            changed.append((member_name(member), _label(*row.seen), _label(*stored)))
            continue
        wanted = (
            row.attendance,
            row.represented_by if row.attendance == Attendance.REPRESENTED else "",
        )
        if wanted != stored:
            member.attendance, member.represented_by = wanted
            updated.append(member)
    if changed:
        raise ConcurrentEdit(changed)
    Member.objects.bulk_update(updated, ["attendance", "represented_by"])
    return len(updated)


def member_name(member: Member) -> str:
    """A member as the pages name it: its structure's name, or the account's person_name."""
    if member.structure is not None:
        return member.structure.name
    return person_name(member.user)


def _label(attendance: str, represented_by: str) -> str:
    """« Représenté par Anne Marie », « Excusé »: an attendance as the page shows it."""
    label = dict(Attendance.choices).get(attendance, attendance)
    return f"{label} par {represented_by}" if represented_by else label
