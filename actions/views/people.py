"""The pages of « Équipe et pilotes » (actions.people): the list, its buttons (POST), and
the invitation of a person, which leads on to naming it pilot."""

from django.contrib import messages
from django.db import IntegrityError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from essplan.access import get_account, require_inviter, require_people_manager
from essplan.accounts import TAKEN, InviteForm, invite, send_invitation
from essplan.french import person_name
from essplan.security import as_id
from essplan.views import filtered, paginate

from .. import people

PAGE_SIZE = 50


@require_safe
def people_list(request):
    require_people_manager(request)
    plan = people.current_plan()
    filterset = people.PeopleFilter(request.GET, queryset=people.people(plan))
    pagination = paginate(request, filtered(filterset), PAGE_SIZE)
    now = timezone.now()
    return render(
        request,
        "people/people_list.html",
        {
            "filter": filterset,
            "plan": plan,
            "me": request.user.pk,
            "rows": [people.row(user, now) for user in pagination["page"]],
            **pagination,
        },
    )


def back_to_list(request):
    """The list as the administrator left it: its filters and page (sent back by the form)."""
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return redirect(reverse("people") + (f"?{query}" if query else ""))


@require_POST
def person_resend(request, pk):
    user = get_account(request, pk)
    invitation = getattr(user, "invitation", None)
    if not user.is_active or invitation is None or invitation.accepted_at is not None:
        messages.error(
            request, f"{person_name(user)} n'attend pas d'invitation : rien n'est envoyé."
        )
        return back_to_list(request)
    try:
        people.resend_invitation(user, request.user)
    except OSError:
        messages.warning(
            request,
            f"Le courriel à {user.email} n'a pas pu partir : réessayez dans quelques minutes.",
        )
    else:
        messages.success(
            request, f"Un nouveau lien a été envoyé à {person_name(user)} ({user.email})."
        )
    return back_to_list(request)


@require_http_methods(["GET", "POST"])
def person_deactivate(request, pk):
    """A GET asks for confirmation on a page of its own; the POST it sends deactivates."""
    user = get_account(request, pk)
    if user.pk == request.user.pk:
        messages.error(request, "Vous ne pouvez pas désactiver votre propre compte.")
        return back_to_list(request)
    if request.method == "POST":
        people.set_active(user.pk, False)
        messages.success(
            request,
            f"Le compte de {person_name(user)} est désactivé : il ne peut plus "
            "se connecter et ne reçoit plus de courriels.",
        )
        return back_to_list(request)
    return render(
        request,
        "people/person_deactivate.html",
        {"person": user, "name": person_name(user), "query": request.GET.urlencode()},
    )


@require_POST
def person_reactivate(request, pk):
    user = get_account(request, pk)
    people.set_active(user.pk, True)
    messages.success(request, f"Le compte de {person_name(user)} est réactivé.")
    return back_to_list(request)


@require_http_methods(["GET", "POST"])
def invite_view(request):
    """Invite a person; then (?compte=<the account>) the page offers the next step: naming it
    pilot of actions of the current plan, if its role may pilot."""
    require_inviter(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invite(**form.cleaned_data, inviter=request.user)
        except IntegrityError:
            form.add_error("email", TAKEN)
        else:
            try:
                send_invitation(user, form.cleaned_data["role"], request.user)
            except OSError:
                messages.warning(
                    request,
                    (
                        f"Le compte de {user.get_full_name()} est créé, mais le courriel n'a pas pu "
                        "partir : il peut choisir son mot de passe par « Mot de passe oublié ? » sur "
                        "la page de connexion."
                    ),
                )
            else:
                messages.success(
                    request,
                    f"{user.get_full_name()} est invité(e) : un courriel "
                    f"lui a été envoyé à {user.email}.",
                )
            return redirect(f"{reverse('invite')}?{urlencode({'compte': user.pk})}")
    invited = (
        people.people(None).filter(pk=as_id(request.GET["compte"])).first()
        if request.GET.get("compte")
        else None
    )
    return render(
        request,
        "registration/invite.html",
        {
            "form": form,
            "invited": invited and people.row(invited, timezone.now()),
            "plan": invited and people.current_plan(),
        },
    )
