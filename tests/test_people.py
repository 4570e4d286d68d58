"""« Équipe et pilotes »: the accounts for administrators and their buttons; a person's first
steps: its invitation leads to naming it pilot, a pilot's home is « Mes actions », one is
logged in once the password is chosen, and the header says who is."""

import datetime
import html
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from essplan import accounts, roles
from essplan.models import Invitation
from tests.conftest import COTENTIN, PASSWORD, make_user

pytestmark = pytest.mark.django_db

PEOPLE = reverse("people")
PARIS = datetime.timezone(datetime.timedelta(hours=1))  # Europe/Paris in winter


def text_of(response):
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def invited(first_name, last_name, role, *, sent, accepted=None, inviter=None):
    """An invited account whose (last) link left at SENT, accepted at ACCEPTED."""
    user = accounts.invite(
        first_name=first_name,
        last_name=last_name,
        role=role,
        email=f"{first_name.lower()}@lecotentin.test",
        inviter=inviter,
    )
    Invitation.objects.filter(user=user).update(created_at=sent, sent_at=sent, accepted_at=accepted)
    return user


def rows(response):
    """Each row of the table as its text."""
    body = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    return [
        re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", row))).strip()
        for row in body.split("</tr>")[:-1]
    ]


def at(day, hour=10):
    return datetime.datetime(2026, 1, day, hour, tzinfo=PARIS)


def test_an_invitation_is_pending_until_its_link_dies_three_days_after_it_left(settings):
    settings.PASSWORD_RESET_TIMEOUT = 3 * 86400
    invitation = Invitation(sent_at=at(10))
    assert invitation.expires_at == at(13)
    assert invitation.state(at(13, 9)) == Invitation.PENDING
    assert invitation.state(at(13)) == Invitation.PENDING  # Django's token still serves then
    assert invitation.state(at(13, 11)) == Invitation.EXPIRED
    invitation.accepted_at = at(12)
    assert invitation.state(at(20)) == Invitation.ACCEPTED


def test_the_link_dies_when_the_page_says_it_expired(settings, client):
    """The page's date is that of the token: a link made at the sending serves until
    expires_at, and not after."""
    settings.PASSWORD_RESET_TIMEOUT = 3 * 86400
    paul = invited("Paul", "Lemarchand", roles.PILOT, sent=at(10))
    invitation = paul.invitation

    class At(accounts.AccountTokenGenerator):
        def __init__(self, now):
            super().__init__()
            self.now = now

        def _now(self):
            return self.now.astimezone(datetime.UTC).replace(tzinfo=None)

    token = At(invitation.sent_at).make_token(paul)
    assert At(invitation.expires_at).check_token(paul, token)
    assert not At(invitation.expires_at + datetime.timedelta(seconds=1)).check_token(paul, token)


def day(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def test_the_page_lists_every_account_with_its_roles_invitation_login_and_actions(
    client_for, admin_user, editor, pilot, plan, settings
):
    settings.PASSWORD_RESET_TIMEOUT = 3 * 86400
    client = client_for("admin_user")
    User.objects.filter(pk=admin_user.pk).update(
        first_name="Alice", last_name="Martin", last_login=at(16, 8)
    )
    User.objects.filter(pk=pilot.pk).update(last_login=at(15, 9))
    plan.actions.get(code="1.4.6").pilots.add(pilot)
    sent = timezone.now() - datetime.timedelta(days=1)
    invited("Élodie", "Anquetil", roles.PILOT, sent=sent, inviter=admin_user)
    invited("Zoé", "Marie", roles.VIEWER, sent=at(5), accepted=at(6))
    invited("Yves", "Durand", roles.EDITOR, sent=at(10))
    User.objects.filter(username="yves").update(is_active=False)
    response = client.get(PEOPLE)
    assert response.status_code == 200
    # In French order of the names (« Élodie Anquetil » before « Yves Durand »…), the accounts
    # without a name (emile) by their username, first.
    assert rows(response) == [
        "emile emile@lecotentin.test Équipe ESS sans invitation jamais aucune Nommer pilote : "
        "emile Désactiver le compte de emile",
        f"Élodie Anquetil élodie@lecotentin.test Pilote En attente envoyée le {day(sent)}, "
        f"valable jusqu'au {day(sent + datetime.timedelta(days=3))} jamais aucune "
        "Renvoyer l'invitation à Élodie Anquetil Nommer pilote : Élodie Anquetil "
        "Désactiver le compte de Élodie Anquetil",
        "Yves Durand Désactivé yves@lecotentin.test Équipe ESS Expirée envoyée le 10/01/2026, "
        "expirée le 13/01/2026 jamais aucune Réactiver le compte de Yves Durand",
        "Zoé Marie zoé@lecotentin.test Comité de suivi Acceptée le 06/01/2026 jamais aucune "
        "Désactiver le compte de Zoé Marie",
        "Alice Martin alice@lecotentin.test Administrateur sans invitation 16/01/2026 à 08:00 "
        "aucune Nommer pilote : Alice Martin",
        "Paul Pilote paul@lecotentin.test Pilote sans invitation 15/01/2026 à 09:00 "
        "2 actions Nommer pilote : Paul Pilote Désactiver le compte de Paul Pilote",
    ]
    page = response.content.decode()
    pilots_page = reverse("actions:pilot_table", kwargs={"slug": COTENTIN})
    assert f'<a href="{pilots_page}">2 actions</a>' in page
    assert "6 comptes" in text_of(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "elodie"}, ["Élodie Anquetil"]),
        ({"q": "MARIE"}, ["Zoé Marie"]),
        ({"role": roles.PILOT}, ["Élodie Anquetil", "Paul Pilote"]),
        ({"role": roles.EDITOR}, ["emile", "Yves Durand"]),
        ({"state": "en_attente"}, ["Élodie Anquetil", "Yves Durand"]),
        ({"state": "actif"}, ["alice", "emile", "Zoé Marie", "Paul Pilote"]),
        ({"state": "desactive"}, ["Olga"]),
        ({"state": "actif", "role": roles.PILOT}, ["Paul Pilote"]),
    ],
)
def test_filters_by_name_role_and_state(client_for, admin_user, editor, pilot, query, expected):
    invited("Élodie", "Anquetil", roles.PILOT, sent=timezone.now())
    # Expired, yet waiting: an invitation en attente.
    invited("Yves", "Durand", roles.EDITOR, sent=timezone.now() - datetime.timedelta(days=9))
    invited("Zoé", "Marie", roles.VIEWER, sent=timezone.now(), accepted=timezone.now())
    make_user("olga", roles.VIEWER)
    User.objects.filter(username="olga").update(first_name="Olga", is_active=False)
    response = client_for("admin_user").get(PEOPLE, query)
    assert [row["name"] for row in response.context["rows"]] == expected


@pytest.mark.parametrize("persona", ["editor", "pilot", "viewer"])
def test_only_administrators_see_the_page(client_for, persona):
    assert client_for(persona).get(PEOPLE).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(PEOPLE)
    assert response.status_code == 302
    assert response.url == f"/connexion/?next={PEOPLE}"


@pytest.mark.parametrize("extra", [0, 60])
def test_the_page_reads_the_same_queries_whatever_the_number_of_accounts(
    client_for, admin_user, pilot, extra, django_assert_num_queries
):
    for number in range(extra):
        user = invited(f"Prénom{number}", f"Nom{number}", roles.PILOT, sent=timezone.now())
        pilot.piloted_actions.first().pilots.add(user)
    client = client_for("admin_user")
    # 8 queries: session, user, data versions, permissions (user's, group's), the current
    # plan, count and page of the accounts (with invitation, roles and actions piloted)
    with django_assert_num_queries(8):
        response = client.get(PEOPLE)
    assert response.context["page"].paginator.count == 2 + extra
    assert len(response.context["rows"]) == min(2 + extra, 50)


def test_resending_an_invitation_sends_a_fresh_link_from_now(client_for, client, admin_user):
    paul = invited("Paul", "Lemarchand", roles.PILOT, sent=at(10))
    admin = client_for("admin_user")
    before = timezone.now()
    response = admin.post(
        reverse("person_resend", kwargs={"pk": paul.pk}),
        {"query": "state=en_attente&page=1"},
        follow=True,
    )
    assert response.redirect_chain[0][0] == f"{PEOPLE}?state=en_attente&page=1"
    assert "Un nouveau lien a été envoyé à Paul Lemarchand (paul@lecotentin.test)." in text_of(
        response
    )
    paul.invitation.refresh_from_db()
    assert paul.invitation.created_at == at(10)
    assert before < paul.invitation.sent_at < timezone.now()
    assert paul.invitation.state(timezone.now()) == Invitation.PENDING
    [message] = mail.outbox
    assert message.to == [paul.email]
    assert "avec le rôle « Pilote »" in message.body
    link = re.search(r"(http://\S+/mot-de-passe/choisir/\S+)", message.body).group(1)
    admin.logout()
    assert "Choisir votre mot de passe" in text_of(client.get(link, follow=True))


def test_no_invitation_is_resent_to_an_accepted_or_deactivated_account(client_for):
    zoe = invited("Zoé", "Marie", roles.VIEWER, sent=at(5), accepted=at(6))
    yves = invited("Yves", "Durand", roles.EDITOR, sent=at(5))
    User.objects.filter(pk=yves.pk).update(is_active=False)
    admin = client_for("admin_user")
    for person in (zoe, yves):
        response = admin.post(reverse("person_resend", kwargs={"pk": person.pk}), follow=True)
        assert "n'attend pas d'invitation : rien n'est envoyé." in text_of(response)
    assert not mail.outbox
    assert admin.get(reverse("person_resend", kwargs={"pk": zoe.pk})).status_code == 405


def test_deactivating_asks_first_then_ends_the_persons_access(client_for, admin_user, pilot):
    pilot_client = Client()
    pilot_client.force_login(pilot)
    assert pilot_client.get(reverse("actions:my_actions")).status_code == 200
    admin = client_for("admin_user")
    url = reverse("person_deactivate", kwargs={"pk": pilot.pk})
    question = admin.get(url, {"role": roles.PILOT})
    assert "Désactiver le compte de Paul Pilote ?" in text_of(question)
    assert 'name="query" value="role=Pilote"' in question.content.decode()
    User.objects.filter(pk=pilot.pk).update(first_name="Paulo")  # another administrator
    with CaptureQueriesContext(connection) as queries:
        response = admin.post(url, {"query": "role=Pilote"})
    assert response.url == f"{PEOPLE}?role=Pilote"
    # is_active alone is written: the other administrator's change is kept.
    [update] = [query["sql"] for query in queries if 'UPDATE "auth_user"' in query["sql"]]
    assert f'UPDATE "auth_user" SET "is_active" = false WHERE "auth_user"."id" = {pilot.pk}' in (
        update
    )
    pilot.refresh_from_db()
    assert (pilot.is_active, pilot.first_name) == (False, "Paulo")
    assert pilot_client.get(reverse("actions:my_actions")).status_code == 302
    assert "Réactiver le compte de Paulo Pilote" in text_of(admin.get(PEOPLE))


def test_reactivating_gives_the_access_back(client_for, pilot):
    User.objects.filter(pk=pilot.pk).update(is_active=False)
    response = client_for("admin_user").post(
        reverse("person_reactivate", kwargs={"pk": pilot.pk}), follow=True
    )
    assert "Le compte de Paul Pilote est réactivé." in text_of(response)
    pilot.refresh_from_db()
    assert pilot.is_active
    assert pilot.check_password(PASSWORD)


def test_a_reactivated_account_does_not_bring_back_the_links_mailed_before(client_for, pilot):
    """Deactivating revokes the password link sent before: reactivated the same day, within
    the link's three days, the account does not make it valid again."""
    before = accounts.password_link(pilot)
    assert "Choisir votre mot de passe" in text_of(Client().get(before, follow=True))
    admin = client_for("admin_user")
    admin.post(reverse("person_deactivate", kwargs={"pk": pilot.pk}))
    admin.post(reverse("person_reactivate", kwargs={"pk": pilot.pk}))
    pilot.refresh_from_db()
    assert pilot.is_active
    assert "Ce lien ne sert plus" in text_of(Client().get(before, follow=True))
    # A link sent after the reactivation serves.
    fresh = accounts.password_link(pilot)
    assert "Choisir votre mot de passe" in text_of(Client().get(fresh, follow=True))


def test_an_administrator_cannot_deactivate_itself(client_for, admin_user):
    admin = client_for("admin_user")
    url = reverse("person_deactivate", kwargs={"pk": admin_user.pk})
    for response in (admin.get(url, follow=True), admin.post(url, follow=True)):
        assert "Vous ne pouvez pas désactiver votre propre compte." in text_of(response)
    admin_user.refresh_from_db()
    assert admin_user.is_active


@pytest.mark.parametrize("name", ["person_resend", "person_deactivate", "person_reactivate"])
@pytest.mark.parametrize("persona", ["editor", "pilot"])
def test_the_buttons_refuse_who_is_not_an_administrator(client_for, name, persona):
    paul = invited("Paul", "Lemarchand", roles.PILOT, sent=timezone.now())
    yves = invited("Yves", "Durand", roles.EDITOR, sent=timezone.now())
    User.objects.filter(pk=yves.pk).update(is_active=False)
    client = client_for(persona)
    for person, active in ((paul, True), (yves, False)):
        sent_at = Invitation.objects.get(user=person).sent_at
        assert client.post(reverse(name, kwargs={"pk": person.pk})).status_code == 403
        person.refresh_from_db()
        assert person.is_active is active
        assert Invitation.objects.get(user=person).sent_at == sent_at
    assert not mail.outbox


def test_an_invitation_leads_to_naming_the_person_pilot(client_for):
    admin = client_for("admin_user")
    response = admin.post(
        reverse("invite"),
        {
            "first_name": "Paul",
            "last_name": "Lemarchand",
            "email": "paul@lecotentin.fr",
            "role": roles.PILOT,
        },
        follow=True,
    )
    paul = User.objects.get(email="paul@lecotentin.fr")
    assert response.redirect_chain == [(f"{reverse('invite')}?compte={paul.pk}", 302)]
    pilots_page = reverse("actions:pilot_table", kwargs={"slug": COTENTIN})
    assert (
        f'<a class="btn btn-primary" href="{pilots_page}">Nommer pilote d\'actions</a>'
        in response.content.decode()
    )
    # A comité member cannot pilot: no such step.
    response = admin.post(
        reverse("invite"),
        {
            "first_name": "Zoé",
            "last_name": "Marie",
            "email": "zoe@lecotentin.fr",
            "role": roles.VIEWER,
        },
        follow=True,
    )
    assert "Ensuite, pour Zoé Marie" in text_of(response)
    assert "Nommer pilote d'actions" not in text_of(response)


@pytest.mark.parametrize(
    ("persona", "home"),
    [
        ("pilot", reverse("actions:my_actions")),
        ("viewer", reverse("reports:home")),
        ("editor", reverse("reports:home")),
        ("admin_user", reverse("reports:home")),
    ],
)
def test_a_pilots_home_is_its_actions(client, request, persona, home):
    user = request.getfixturevalue(persona)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.url == home
    # Logged in already, the login page leads there too.
    assert client.get(reverse("login")).url == home


def test_a_pilot_who_is_also_in_the_team_lands_on_the_dashboard(client, pilot):
    pilot.groups.add(Group.objects.get(name=roles.EDITOR))
    response = client.post(reverse("login"), {"username": "paul", "password": PASSWORD})
    assert response.url == reverse("reports:home")


def test_a_next_page_wins_over_the_pilots_home(client, pilot, action):
    url = action.url("actions:progress_edit", year=2025)
    response = client.post(
        f"{reverse('login')}?next={url}", {"username": "paul", "password": PASSWORD, "next": url}
    )
    assert response.url == url


def test_the_header_names_who_is_logged_in(client_for, pilot, editor):
    """Shown from 1400 px (d-xxl-inline) and in the phone's menu (below 1200 px, d-xl-none
    leaves it there); between the two the menu's items leave no room: the button's title."""
    client = client_for("pilot")
    name = (
        '<span class="navbar-text text-white header-user d-xl-none d-xxl-inline" '
        'title="Connecté(e) : {0}">{0}</span>'
    )
    assert name.format("Paul Pilote") in client.get(reverse("actions:my_actions")).content.decode()
    client.force_login(editor)  # no name: its username
    assert name.format("emile") in client.get(reverse("actions:my_actions")).content.decode()
