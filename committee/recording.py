"""Recording a session of the comité de suivi (« relevé de décisions »): each kept item's
summary of the discussion, the decisions taken (what, for which action, who carries it, by
when), then « Séance tenue », which tells each decision's carrier and the pilots of its
action, once, after the commit, through the worker.

Two people may record the same session at once: a summary or a decision is saved only if it
still holds what the form was opened with (its fingerprint), and every write locks the
session's row, so that no decision is added to, or deleted from, a session closed meanwhile.
"""

import hashlib
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from actions.models import Action, AgendaItem, Decision, Session
from essplan import notify

if TYPE_CHECKING:
    from django.contrib.auth.models import User

HELD_NO_DELETE = (
    "Cette séance est tenue : ses décisions peuvent encore être corrigées (texte, échéance), "
    "plus supprimées ni ajoutées."
)
NOT_YET = "Cette séance n'a pas encore eu lieu : elle ne peut être marquée comme tenue qu'à partir du {date}."
GONE = "Cette décision a été supprimée entre-temps : rechargez la page."
SUMMARY_CONFLICT = (
    "Quelqu'un a enregistré la synthèse de ce point après que vous avez ouvert la page : "
    "votre texte est refusé pour ne pas effacer le sien. Le voici, enregistré, ci-dessous ; "
    "votre saisie est gardée dans la case : reportez-y ce qui manque, puis enregistrez à nouveau."
)
DECISION_CONFLICT = (
    "Quelqu'un a modifié cette décision après que vous l'avez ouverte : votre enregistrement "
    "est refusé pour ne pas effacer son travail. La voici telle qu'enregistrée ; votre saisie "
    "est gardée ci-dessous : enregistrez à nouveau pour la confirmer."
)


class RecordingRefused(Exception):
    """The write is not allowed in the session's state: nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Conflict(Exception):
    """Someone saved the summary or the decision after the form was opened: nothing was
    written. CURRENT is what is stored now."""

    def __init__(self, current: object) -> None:
        super().__init__("concurrent edit")
        self.current = current


def clean_text(text: str) -> str:
    """TEXT as stored: the browser's CRLF line ends made LF, outer blanks stripped."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def fingerprint(*values: object) -> str:
    """A short digest of VALUES, carried by a form to tell whether they changed since."""
    text = "\x1f".join("" if value is None else clean_text(str(value)) for value in values)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def summary_fingerprint(item: AgendaItem) -> str:
    return fingerprint(item.summary)


def decision_fingerprint(decision: Decision) -> str:
    return fingerprint(
        decision.text,
        decision.action_id,
        decision.carrier_id,
        decision.carrier_name,
        decision.due_on,
        decision.item_id,
    )


def _locked_session(session_id: int) -> Session:
    return Session.objects.select_for_update().get(pk=session_id)


@transaction.atomic
def save_summary(item_id: int, *, opened: str, summary: str) -> AgendaItem:
    """Save the summary of item ITEM_ID if it is still what the form OPENED (its
    fingerprint); Conflict with the stored item otherwise."""
    item = AgendaItem.objects.select_for_update().get(pk=item_id)
    if summary_fingerprint(item) != opened:
        raise Conflict(item)
    item.summary = clean_text(summary)
    item.save(update_fields=["summary"])
    return item


@transaction.atomic
def add_decision(
    session_id: int,
    *,
    text: str,
    item: AgendaItem | None = None,
    action: Action | None = None,
    carrier: "User | None" = None,
    carrier_name: str = "",
    due_on: date | None = None,
) -> Decision:
    """A decision of session SESSION_ID, while it is not held (RecordingRefused)."""
    session = _locked_session(session_id)
    if session.state == Session.State.HELD:
        raise RecordingRefused(HELD_NO_DELETE)
    return Decision.objects.create(
        session=session,
        item=item,
        action=action,
        text=clean_text(text),
        carrier=carrier,
        carrier_name=carrier_name.strip(),
        due_on=due_on,
    )


@transaction.atomic
def change_decision(
    decision_id: int,
    *,
    opened: str,
    text: str,
    due_on: date | None,
    action: Action | None = None,
    carrier: "User | None" = None,
    carrier_name: str = "",
) -> Decision:
    """Correct decision DECISION_ID if it still holds what the form OPENED (Conflict
    otherwise): everything while its session is not held, only its text and due date
    after."""
    decision = Decision.objects.select_for_update().filter(pk=decision_id).first()
    if decision is None:
        raise RecordingRefused(GONE)
    session = _locked_session(decision.session_id)
    if decision_fingerprint(decision) != opened:
        raise Conflict(decision)
    decision.text, decision.due_on = clean_text(text), due_on
    fields = ["text", "due_on"]
    if session.state != Session.State.HELD:
        decision.action, decision.carrier = action, carrier
        decision.carrier_name = carrier_name.strip()
        fields += ["action", "carrier", "carrier_name"]
    decision.save(update_fields=fields)
    return decision


@transaction.atomic
def delete_decision(decision_id: int) -> None:
    """Delete decision DECISION_ID while its session is not held (RecordingRefused);
    already deleted is fine."""
    decision = Decision.objects.filter(pk=decision_id).first()
    if decision is None:
        return
    if _locked_session(decision.session_id).state == Session.State.HELD:
        raise RecordingRefused(HELD_NO_DELETE)
    Decision.objects.filter(pk=decision_id).delete()


def close_refusal(session: Session, today: date | None = None) -> str | None:
    """Why SESSION may not be marked as held now, or None: it has not taken place yet."""
    if session.date > (today or timezone.localdate()):
        return NOT_YET.format(date=f"{session.date:%d/%m/%Y}")
    return None


@transaction.atomic
def close_session(session_id: int) -> bool:
    """« Séance tenue »: the session is held, and each decision's carrier (an account) and
    the pilots of its action are told, once the transaction commits. False, and nothing done,
    when it already was held (a second click, a second editor)."""
    session = _locked_session(session_id)
    if session.state == Session.State.HELD:
        return False
    refusal = close_refusal(session)
    if refusal:
        raise RecordingRefused(refusal)
    session.state = Session.State.HELD
    session.save(update_fields=["state"])
    decisions = session.decisions.select_related("carrier").prefetch_related("action__pilots")
    for decision in decisions:
        notify.notify(notify.Kind.DECISION_RECORDED, decision, recipients(decision))
    return True


def recipients(decision: Decision) -> list["User"]:
    """Who carries DECISION: its carrier's account and the pilots of its action."""
    people = [decision.carrier] if decision.carrier is not None else []
    if decision.action is not None:
        people += list(decision.action.pilots.all())
    return people
