"""Accounts by e-mail: an administrator invites a person, who chooses a password through
the same signed, single-use link as « Mot de passe oublié ? ».

Every link in a mail starts with SITE_URL, never with the Host of the request that caused
it (a forged Host would otherwise put an attacker's address in front of a valid token).
« Mot de passe oublié ? » answers every address alike: the request checks its limits and
queues the work, the worker looks the account up and sends the mail."""

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import AnonymousUser, Group, User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.http import require_http_methods

from . import links, notify, roles, throttle
from .forms import StyledFormMixin
from .french import count, person_name
from .models import Invitation, LinkRevocation, PasswordResetRequest

ROLE_CHOICES = [(role, role) for role in (roles.PILOT, roles.VIEWER, roles.EDITOR, roles.ADMIN)]
TAKEN = "Un compte utilise déjà cette adresse électronique."


class InviteForm(StyledFormMixin, forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(label="Adresse électronique")
    role = forms.ChoiceField(label="Rôle", choices=ROLE_CHOICES)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(TAKEN)
        return email


RESET_WINDOW = datetime.timedelta(hours=1)


class AccountTokenGenerator(PasswordResetTokenGenerator):
    """Django's token, which also dies when the account is deactivated (Django's own outlives
    it: deactivating changes neither the password nor the last log-in), and stays dead once
    it is reactivated or its links are revoked: it carries the date of the last revocation
    (LinkRevocation, written on each deactivation)."""

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        revoked = (
            LinkRevocation.objects.filter(user_id=user.pk)
            .values_list("revoked_at", flat=True)
            .first()
        )
        since = "" if revoked is None else revoked.isoformat()
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}{since}"


token_generator = AccountTokenGenerator()


class ResetRequestForm(forms.Form):
    email = forms.EmailField(label="Adresse électronique", max_length=254)


def username_for(email: str) -> str:
    """A free username made of the e-mail's local part: paul.lemarchand, paul.lemarchand2…"""
    users = get_user_model().objects
    base = email.split("@")[0][:140] or "compte"
    candidate, n = base, 1
    while users.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def invite(
    *, first_name: str, last_name: str, email: str, role: str, inviter: User | None = None
) -> User:
    """Create the account (no usable password yet) with its role, invited by INVITER. The
    unique index on lower(email) refuses a second account with the address (IntegrityError)."""
    user = get_user_model()(
        username=username_for(email), first_name=first_name, last_name=last_name, email=email
    )
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get(name=role))
    Invitation.objects.create(user=user, invited_by=inviter)
    return user


def accept_invitation(user: User) -> None:
    """USER chose a password: an invitation still waiting is accepted, and its inviter told."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("invited_by")
        .filter(user=user, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    if invitation.invited_by:
        notify.notify(notify.Kind.INVITATION_ACCEPTED, invitation, [invitation.invited_by])


def password_link(user: User) -> str:
    """The single-use link to choose a password (the token expires after
    PASSWORD_RESET_TIMEOUT, once the password has changed, and when the account is
    deactivated)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


def send_invitation(user: User, role: str, inviter: User) -> None:
    context = {
        "user": user,
        "role": role,
        "link": password_link(user),
        "inviter": person_name(inviter),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        "login_url": settings.SITE_URL + reverse("login"),
    }
    email = EmailMultiAlternatives(
        subject="[essplan] Votre compte pour le suivi du plan d'actions ESS",
        body=render_to_string("registration/invitation_email.txt", context),
        to=[user.email],
    )
    email.attach_alternative(
        render_to_string("registration/invitation_email.html", context), "text/html"
    )
    email.send()


@transaction.atomic
def ask_password_link(*, address: str, client: str) -> bool:
    """« Mot de passe oublié ? » for ADDRESS, asked by CLIENT (its keyed address): the mail
    queued, unless the address asked RESET_REQUESTS_PER_ADDRESS times or the client
    RESET_REQUESTS_PER_CLIENT times within the hour; whether it was. The same queries
    whether an account has the address or not: the worker looks it up. The address is
    counted as the lookup folds it (PostgreSQL's upper(), that of email__iexact), so that
    no spelling of it escapes its count."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT upper(%s)", [address])
        address_key = throttle.keyed(f"password-reset:{cursor.fetchone()[0]}")
    throttle.take_turns(f"password-reset:{address_key}", f"password-reset:{client}")
    recent = PasswordResetRequest.objects.filter(
        Q(address_key=address_key) | Q(client_key=client),
        created_at__gte=timezone.now() - RESET_WINDOW,
    ).aggregate(
        address=Count("pk", filter=Q(address_key=address_key)),
        client=Count("pk", filter=Q(client_key=client)),
    )
    if (
        recent["address"] >= settings.RESET_REQUESTS_PER_ADDRESS
        or recent["client"] >= settings.RESET_REQUESTS_PER_CLIENT
    ):
        return False
    PasswordResetRequest.objects.create(address_key=address_key, client_key=client)
    send_password_link.using(backend=settings.JOBS_BACKEND).enqueue(address)
    return True


@task()
def send_password_link(address: str) -> None:
    """The worker's half of « Mot de passe oublié ? »: the link to each active account of
    ADDRESS (none for an unknown one), also to an invited person who has not chosen a
    password yet (Django's own form skips accounts without a usable password). The requests
    older than the hour are forgotten."""
    PasswordResetRequest.objects.filter(created_at__lt=timezone.now() - RESET_WINDOW).delete()
    for user in get_user_model()._default_manager.filter(email__iexact=address, is_active=True):
        context = {"user": user, "link": password_link(user)}
        subject = render_to_string("registration/password_reset_subject.txt", context)
        EmailMessage(
            subject="".join(subject.splitlines()),
            body=render_to_string("registration/password_reset_email.html", context),
            to=[user.email],
        ).send()


@login_not_required
@require_http_methods(["GET", "POST"])
def password_reset_view(request: HttpRequest) -> HttpResponse:
    """The same answer, « Vérifiez votre messagerie », whether an account has the address
    and whether the request went over its limits."""
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ask_password_link(address=form.cleaned_data["email"], client=throttle.client_key(request))
        return redirect("password_reset_done")
    return render(request, "registration/password_reset_form.html", {"form": form})


def home_url(user: User | AnonymousUser) -> str:
    """Where USER lands after logging in: « Mes actions » for one whose only role is pilot
    (the actions it reports on), the dashboard (LOGIN_REDIRECT_URL) for the others."""
    if set(user.groups.values_list("name", flat=True)) == {roles.PILOT}:
        return reverse("actions:my_actions")
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    """Django's, landing on the user's home (home_url) when no ?next= says otherwise."""

    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return home_url(self.request.user)


class ChoosePasswordView(PasswordResetConfirmView):
    """Django's, with the token that dies with the account; a deactivated account's link
    never serves, whatever its token. The password chosen, the person is logged in and
    lands on its home."""

    token_generator = token_generator
    post_reset_login = True
    # Several backends are configured (django-axes first): login() must be told which one
    # vouches for the account.
    post_reset_login_backend = "essplan.backends.CachedPermissionsBackend"

    def form_valid(self, form: Any) -> HttpResponse:
        """The password saved and, for an invited person, the invitation accepted: together."""
        with transaction.atomic():
            response = super().form_valid(form)
            accept_invitation(form.user)
        messages.success(self.request, "Votre mot de passe est enregistré ; vous êtes connecté(e).")
        return response

    def get_success_url(self) -> str:
        return home_url(self.user)  # type: ignore[arg-type]  # a valid link's account

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None


# What the mixin adds to: a user's ModelForm (the type checker's view; at run time, the
# form class that follows it in the bases).
if TYPE_CHECKING:
    _UserForm = forms.ModelForm[User]
else:
    _UserForm = object


class AddressRequired(_UserForm):
    """Every account has an e-mail address, one per account (case ignored): one logs in
    with it and receives the campaign's reminders at it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        # Two administrators adding the same address at once: the second waits here until
        # the first one's transaction (the admin saves in one) ends, then sees its account.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"account-email:{email.lower()}"]
            )
        others = get_user_model().objects.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(TAKEN)
        return email


class AccountCreationForm(AddressRequired, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        fields = ("username", "email")


class AccountChangeForm(AddressRequired, UserChangeForm):
    pass


class AccountAdmin(UserAdmin):
    form = AccountChangeForm
    add_form = AccountCreationForm
    actions = ["revoke_links"]
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
            },
        ),
    )

    @admin.action(
        description="Révoquer les liens personnels envoyés par courriel", permissions=["change"]
    )
    def revoke_links(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """A mail forwarded or a mailbox lost: the links already sent stop serving; those of
        the next mails serve (essplan/links.py)."""
        links.revoke(queryset)
        self.message_user(
            request,
            f"Les liens personnels déjà envoyés à "
            f"{count(queryset.count(), 'compte', 'comptes')} "
            "ne servent plus.",
        )
