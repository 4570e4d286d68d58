"""A session's agenda: the team keeps it from the plan's proposals and its own items, moderates
the members' proposals and sends it; everyone who reads sessions reads it; a comité member
proposes an item."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from actions import attachments
from actions.access import writable
from essplan.french import count
from essplan.security import as_id

from .. import agenda, agenda_edit
from ..access import (
    PREPARE,
    PROPOSE,
    READ,
    can_prepare,
    get_session,
    proposal_refusal,
    session_to_propose,
)
from ..agenda_edit import AgendaRefused
from ..agenda_forms import DocumentForm, ItemForm, ProposeForm, RefuseForm

PROPOSED, KEPT = agenda_edit.PROPOSED, agenda_edit.KEPT


def _agenda_url(session):
    return redirect("committee:agenda", slug=session.plan.slug, pk=session.pk)


def _team_context(request, session, form):
    members = list(session.members.select_related("user", "structure"))
    pending = session.items.filter(state=PROPOSED).select_related("proposed_by", "action")
    return {
        "proposals": agenda.proposals(session),
        "pending": list(pending.order_by("pk")),
        "form": form,
        "member_count": len(members),
        "unreachable": agenda_edit.unreachable(members),
        "last_sending": session.agenda_sendings.order_by("-number").first(),
        "editable": session.state != session.State.HELD and writable(request.user, session.plan),
    }


@require_http_methods(["GET", "POST"])
def agenda_page(request, slug, pk):
    """The kept agenda for every reader; for the team, the proposals and its forms (a POST
    adds an item of its own)."""
    session = get_session(request, slug, pk, perm=PREPARE if request.method == "POST" else READ)
    team = can_prepare(request.user)
    form = None
    if team:
        form = ItemForm(request.POST or None, request.FILES or None, plan=session.plan)
        if request.method == "POST" and form.is_valid():
            try:
                agenda_edit.add_item(session, **form.cleaned_data)
            except AgendaRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, "Le point est ajouté à l'ordre du jour.")
            return _agenda_url(session)
    context = {
        "plan": session.plan,
        "session": session,
        "items": list(agenda_edit.kept(session)),
        "team": team,
        "can_propose": request.user.has_perm(PROPOSE) and proposal_refusal(session) is None,
        **(_team_context(request, session, form) if team else {}),
    }
    return render(
        request, "committee/agenda.html", context, status=400 if form and form.errors else 200
    )


def _team_write(request, slug, pk, write, success):
    """Run WRITE(session) for the team, and say SUCCESS or why it was refused."""
    session = get_session(request, slug, pk, perm=PREPARE)
    try:
        result = write(session)
    except AgendaRefused as refusal:
        messages.error(request, str(refusal))
    else:
        message = success(result) if callable(success) else success
        if message:
            messages.success(request, message)
    return _agenda_url(session)


@require_POST
def agenda_add(request, slug, pk):
    """The proposals ticked, added at once."""
    keys = request.POST.getlist("propositions")[:200]
    return _team_write(
        request,
        slug,
        pk,
        lambda session: agenda_edit.add_proposals(session, keys),
        lambda items: (
            f"{count(len(items), 'point ajouté', 'points ajoutés')} à l'ordre du jour."
            if items
            else "Aucun point ajouté : cochez les propositions à reprendre."
        ),
    )


@require_POST
def item_remove(request, slug, pk, item):
    return _team_write(
        request,
        slug,
        pk,
        lambda session: agenda_edit.remove(session, item),
        "Le point est retiré de l'ordre du jour.",
    )


@require_POST
def item_move(request, slug, pk, item):
    up = request.POST.get("sens") != "bas"
    return _team_write(request, slug, pk, lambda session: agenda_edit.move(session, item, up), "")


@require_POST
def item_document(request, slug, pk, item):
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        session = get_session(request, slug, pk, perm=PREPARE)
        for error in form.errors.get("document", []):
            messages.error(request, error)
        return _agenda_url(session)
    return _team_write(
        request,
        slug,
        pk,
        lambda session: agenda_edit.attach(session, item, form.cleaned_data["document"]),
        "Le document est joint au point.",
    )


@require_safe
def item_download(request, slug, pk, item):
    """An item's document, for those who read the session: never from a public URL."""
    session = get_session(request, slug, pk)
    found = session.items.filter(pk=item, state=KEPT).exclude(document="").first()
    if found is None:
        raise Http404
    name = found.document.name.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower()
    return FileResponse(
        found.document.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=attachments.ACCEPTED.get(extension, "application/octet-stream"),
    )


@require_POST
def agenda_send(request, slug, pk):
    seen = as_id(request.POST.get("envois")) or 0
    return _team_write(
        request,
        slug,
        pk,
        lambda session: agenda_edit.send(session, request.user, seen),
        lambda sending: (
            "L'ordre du jour modifié est envoyé aux membres."
            if sending.is_change
            else "L'ordre du jour est envoyé aux membres : la séance est convoquée."
        ),
    )


@require_POST
def item_keep(request, slug, pk, item):
    return _team_write(
        request,
        slug,
        pk,
        lambda session: agenda_edit.decide(session, item, keep=True),
        "La proposition est retenue : elle est à la fin de l'ordre du jour.",
    )


@require_POST
def item_refuse(request, slug, pk, item):
    form = RefuseForm(request.POST)
    if not form.is_valid():
        session = get_session(request, slug, pk, perm=PREPARE)
        messages.error(
            request, "Dites pourquoi la proposition est écartée (300 caractères au plus)."
        )
        return _agenda_url(session)
    return _team_write(
        request,
        slug,
        pk,
        lambda session: agenda_edit.decide(
            session, item, keep=False, reason=form.cleaned_data["reason"]
        ),
        "La proposition est écartée : son auteur en est averti.",
    )


@require_http_methods(["GET", "POST"])
def item_propose(request, slug, pk):
    """A comité member proposes an item, before the session."""
    session = session_to_propose(request, slug, pk)
    form = ProposeForm(request.POST or None, plan=session.plan)
    if request.method == "POST" and form.is_valid():
        try:
            agenda_edit.propose(session, user=request.user, **form.cleaned_data)
        except AgendaRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, "Votre proposition est transmise à l'équipe ESS, qui vous répondra."
            )
            return _agenda_url(session)
    mine = session.items.filter(proposed_by=request.user).order_by("pk")
    context = {"plan": session.plan, "session": session, "form": form, "mine": list(mine)}
    return render(
        request, "committee/item_propose.html", context, status=400 if form.errors else 200
    )
