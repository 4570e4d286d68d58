"""Accounts by e-mail: an administrator invites a person, who chooses a password through
the same signed, single-use link as « Mot de passe oublié ? »."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, PasswordResetForm, UserChangeForm
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.http import require_http_methods

from . import roles
from .forms import StyledFormMixin

INVITE = "auth.add_user"
ROLE_CHOICES = [(role, role) for role in (roles.PILOT, roles.VIEWER, roles.EDITOR, roles.ADMIN)]
TAKEN = "Un compte utilise déjà cette adresse électronique."


class InviteForm(StyledFormMixin, forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(label="Adresse électronique")
    role = forms.ChoiceField(label="Rôle", choices=ROLE_CHOICES)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(TAKEN)
        return email


class ResetForm(PasswordResetForm):
    """« Mot de passe oublié ? » also for an invited person who has not chosen a password
    yet (Django's own form skips accounts without a usable password)."""

    def get_users(self, email):
        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True)


def username_for(email):
    """A free username made of the e-mail's local part: paul.lemarchand, paul.lemarchand2…"""
    users = get_user_model().objects
    base = email.split("@")[0][:140] or "compte"
    candidate, n = base, 1
    while users.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def invite(*, first_name, last_name, email, role):
    """Create the account (no usable password yet) with its role. The unique index on
    lower(email) refuses a second account with the address (IntegrityError)."""
    user = get_user_model()(username=username_for(email), first_name=first_name,
                            last_name=last_name, email=email)
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def password_link(user, site_url):
    """The single-use link to choose a password (Django's reset token: it expires after
    PASSWORD_RESET_TIMEOUT and once the password has changed)."""
    path = reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user)})
    return site_url + path


def send_invitation(user, role, site_url, inviter):
    context = {"user": user, "role": role, "link": password_link(user, site_url),
               "inviter": inviter.get_full_name() or inviter.get_username(),
               "days": settings.PASSWORD_RESET_TIMEOUT // 86400, "login_url": site_url + "/connexion/"}
    email = EmailMultiAlternatives(
        subject="[essplan] Votre compte pour le suivi du plan d'actions ESS",
        body=render_to_string("registration/invitation_email.txt", context), to=[user.email])
    email.attach_alternative(render_to_string("registration/invitation_email.html", context),
                             "text/html")
    email.send()


@require_http_methods(["GET", "POST"])
def invite_view(request):
    roles.require(request.user, INVITE)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invite(**form.cleaned_data)
        except IntegrityError:
            form.add_error("email", TAKEN)
        else:
            try:
                send_invitation(user, form.cleaned_data["role"],
                                request.build_absolute_uri("/").rstrip("/"), request.user)
            except OSError:
                messages.warning(request, (
                    f"Le compte de {user.get_full_name()} est créé, mais le courriel n'a pas pu "
                    "partir : il peut choisir son mot de passe par « Mot de passe oublié ? » sur "
                    "la page de connexion."))
            else:
                messages.success(request, f"{user.get_full_name()} est invité(e) : un courriel "
                                          f"lui a été envoyé à {user.email}.")
            return redirect("invite")
    return render(request, "registration/invite.html", {"form": form})


class AddressRequired:
    """Every account has an e-mail address, one per account (case ignored): one logs in
    with it and receives the campaign's reminders at it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        # Two administrators adding the same address at once: the second waits here until
        # the first one's transaction (the admin saves in one) ends, then sees its account.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                           [f"account-email:{email.lower()}"])
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
    add_fieldsets = ((None, {"classes": ("wide",), "fields": (
        "username", "email", "usable_password", "password1", "password2")}),)
