"""Writing a session's agenda: items taken from the proposals or added by the team, removed,
moved, given a document; the members' proposals and their moderation; the sending.

Each write locks the session's row first, so that two members of the team working on the
same agenda queue up instead of overwriting each other's order; a write to a session already
held is refused (its agenda is what was discussed)."""

from collections.abc import Iterable, Iterator

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from actions import attachments
from actions.models import Action, AgendaItem, DiscussionRequest, Member, Session
from essplan import notify

from . import agenda
from .models import AgendaSending

KEPT, PROPOSED, REFUSED = AgendaItem.State.KEPT, AgendaItem.State.PROPOSED, AgendaItem.State.REFUSED
# How many proposals of one member may wait for the team's answer, per session.
MAX_PENDING = 5


class AgendaRefused(Exception):
    """The write is refused; its argument says why, in French."""


HELD = "Cette séance est tenue : son ordre du jour ne change plus."
GONE = "Ce point n'est plus à l'ordre du jour : la page a été rechargée."
DECIDED = "Cette proposition a déjà été examinée : la page a été rechargée."
EMPTY = "L'ordre du jour est vide : ajoutez au moins un point avant de l'envoyer."
SENT_MEANWHILE = (
    "L'ordre du jour vient d'être envoyé (la page a été rechargée) : rien n'est envoyé une "
    "seconde fois. Renvoyez-le seulement si vous l'avez modifié depuis."
)
TOO_MANY = (
    f"Vous avez déjà {MAX_PENDING} propositions en attente pour cette séance : attendez que "
    "l'équipe ESS les examine avant d'en proposer d'autres."
)


def _locked(session: Session) -> Session:
    session = Session.objects.select_for_update().select_related("plan").get(pk=session.pk)
    if session.state == Session.State.HELD:
        raise AgendaRefused(HELD)
    return session


def _next_position(session: Session) -> int:
    last = session.items.filter(state=KEPT).aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


def kept(session: Session):
    """SESSION's agenda, in order."""
    return (
        session.items.filter(state=KEPT).select_related("action__plan").order_by("position", "pk")
    )


@transaction.atomic
def add_proposals(session: Session, keys: Iterable[str]) -> list[AgendaItem]:
    """The proposals of SESSION whose key is in KEYS, put at the end of its agenda; a request
    « À discuter » taken up is closed with its item. A key that names no current proposal
    (forged, or taken by someone else meanwhile) adds nothing."""
    session = _locked(session)
    wanted = set(keys)
    position = _next_position(session)
    items = []
    for proposal in agenda.proposals(session):
        if proposal.key not in wanted:
            continue
        item = AgendaItem.objects.create(
            session=session,
            position=position + len(items),
            source=proposal.source,
            state=KEPT,
            title=proposal.title,
            detail=proposal.detail,
            action=proposal.action,
        )
        if proposal.request is not None:
            DiscussionRequest.objects.filter(pk=proposal.request.pk, closed_at__isnull=True).update(
                closed_at=timezone.now(), item=item
            )
        items.append(item)
    return items


def add_item(
    session: Session,
    *,
    title: str,
    detail: str,
    action: Action | None,
    document: UploadedFile | None,
) -> AgendaItem:
    """An item of the team's at the end of SESSION's agenda, with its checked DOCUMENT."""
    with attachments.removed_on_failure() as written, transaction.atomic():
        session = _locked(session)
        item = AgendaItem(
            session=session,
            position=_next_position(session),
            source=AgendaItem.Source.TEAM,
            state=KEPT,
            title=title,
            detail=detail,
            action=action,
        )
        if document is not None:
            _store(item, document, written)
        item.save()
        return item


def _store(item: AgendaItem, upload: UploadedFile, written: list[str]) -> None:
    name = attachments.display_name(upload.name, upload.sniffed_type)  # type: ignore[attr-defined]
    item.document.save(name, upload, save=False)
    written.append(item.document.name)


def _item(session: Session, pk: int, state: str = KEPT) -> AgendaItem:
    item = session.items.filter(pk=pk, state=state).first()
    if item is None:
        raise AgendaRefused(GONE if state == KEPT else DECIDED)
    return item


def attach(session: Session, pk: int, upload: UploadedFile) -> AgendaItem:
    """UPLOAD (checked) becomes item PK's document, in place of the one it had."""
    with attachments.removed_on_failure() as written, transaction.atomic():
        item = _item(_locked(session), pk)
        previous = item.document.name
        _store(item, upload, written)
        item.save(update_fields=["document"])
    if previous:
        item.document.storage.delete(previous)
    return item


@transaction.atomic
def remove(session: Session, pk: int) -> None:
    """Item PK leaves the agenda; a request « À discuter » it had taken up is open again
    (unless the action was flagged anew meanwhile)."""
    item = _item(_locked(session), pk)
    document = item.document.name
    requests = list(item.discussion_requests.select_related("action"))
    item.delete()
    for request in requests:
        if not DiscussionRequest.objects.filter(
            action=request.action, closed_at__isnull=True
        ).exists():
            DiscussionRequest.objects.filter(pk=request.pk).update(closed_at=None)
    if document:
        storage = AgendaItem._meta.get_field("document").storage
        transaction.on_commit(lambda: storage.delete(document))


@transaction.atomic
def move(session: Session, pk: int, up: bool) -> None:
    """Item PK one row up (or down); the agenda is numbered 1, 2, 3… again."""
    session = _locked(session)
    items = list(session.items.filter(state=KEPT).order_by("position", "pk"))
    index = next((i for i, item in enumerate(items) if item.pk == pk), None)
    if index is None:
        raise AgendaRefused(GONE)
    other = index - 1 if up else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items, start=1):
        item.position = position
    AgendaItem.objects.bulk_update(items, ["position"])


def recipients(members: Iterable[Member]) -> Iterator[User | str]:
    """Who the agenda goes to: each member's account, or its structure's e-mail address."""
    for member in members:
        if member.user is not None:
            yield member.user
        elif member.structure is not None and member.structure.email:
            yield member.structure.email


def unreachable(members: Iterable[Member]) -> int:
    """How many of MEMBERS the agenda cannot reach: no address, or an account closed."""
    return sum(
        1
        for member in members
        if (member.user is not None and not (member.user.is_active and member.user.email))
        or (member.structure is not None and not member.structure.email)
    )


@transaction.atomic
def send(session: Session, user: User, seen: int) -> AgendaSending:
    """SESSION's agenda sent to its members, each address once: the session is convened.
    SEEN: how many sendings the page showed; another one made since (a second click, another
    member of the team) is not repeated."""
    session = _locked(session)
    if not session.items.filter(state=KEPT).exists():
        raise AgendaRefused(EMPTY)
    sent = session.agenda_sendings.count()
    if sent != seen:
        raise AgendaRefused(SENT_MEANWHILE)
    number = sent + 1
    sending = AgendaSending.objects.create(session=session, number=number, sent_by=user)
    session.state = Session.State.CONVENED
    session.agenda_sent_at = sending.sent_at
    session.save(update_fields=["state", "agenda_sent_at"])
    members = session.members.select_related("user", "structure")
    notify.notify(notify.Kind.AGENDA_SENT, sending, recipients(members))
    return sending


@transaction.atomic
def propose(session: Session, *, title: str, detail: str, action: Action | None, user: User):
    """A member's proposal, waiting for the team (told of it); at most MAX_PENDING waiting
    per member and session."""
    session = _locked(session)
    if session.items.filter(state=PROPOSED, proposed_by=user).count() >= MAX_PENDING:
        raise AgendaRefused(TOO_MANY)
    item = AgendaItem.objects.create(
        session=session,
        source=AgendaItem.Source.MEMBER,
        state=PROPOSED,
        title=title,
        detail=detail,
        action=action,
        proposed_by=user,
    )
    notify.notify(notify.Kind.ITEM_PROPOSED, item, notify.team())
    return item


@transaction.atomic
def decide(session: Session, pk: int, *, keep: bool, reason: str = "") -> AgendaItem:
    """The team keeps proposal PK (at the end of the agenda) or sets it aside for REASON;
    its proposer is told."""
    session = _locked(session)
    item = _item(session, pk, PROPOSED)
    if keep:
        item.state, item.position = KEPT, _next_position(session)
    else:
        item.state, item.refusal_reason = REFUSED, reason
    item.save(update_fields=["state", "position", "refusal_reason"])
    if item.proposed_by is not None:
        notify.notify(notify.Kind.ITEM_DECIDED, item, [item.proposed_by])
    return item
