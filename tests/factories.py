"""factory-boy factories for the rows tests make when their values do not matter.

Follow-up rows hang from the seeded plan by default (action 1.4.7 of the Cotentin plan);
a test that needs a given value passes it.
"""

import datetime

import factory
from django.contrib.auth.models import Group, User

from actions.models import (
    Action,
    AgendaItem,
    BudgetLine,
    Decision,
    Event,
    Member,
    ProgressUpdate,
    Session,
    Status,
)

PASSWORD = "mot-de-passe-de-test-2025"
COTENTIN = "cotentin-ess-2023-2025"
ACTION_CODE = "1.4.7"


def seeded_action(code=ACTION_CODE, plan=COTENTIN):
    return Action.objects.select_related("plan").get(plan__slug=plan, code=code)


class UserFactory(factory.django.DjangoModelFactory):
    """A user with the test password; UserFactory(role=roles.EDITOR) puts it in that group."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"personne{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@lecotentin.test")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create and extracted:
            user.groups.add(Group.objects.get(name=extracted))


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.LazyFunction(seeded_action)
    year = 2024
    status = Status.IN_PROGRESS
    progress = 50


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    action = factory.LazyFunction(seeded_action)
    year = 2024
    label = factory.Sequence(lambda n: f"Ligne {n}")
    planned = 100


class EventFactory(factory.django.DjangoModelFactory):
    """An event of the action's plan, linked to ACTIONS (EventFactory(actions=[action]))."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    plan = factory.LazyFunction(lambda: seeded_action().plan)
    date = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(days=n % 360))
    title = factory.Sequence(lambda n: f"Événement {n}")

    @factory.post_generation
    def actions(event, create, extracted, **kwargs):
        if create and extracted:
            event.actions.add(*extracted)


# --- Comité de suivi: sessions, agenda items and decisions (issue #32) ---


class SessionFactory(factory.django.DjangoModelFactory):
    """A session of the seeded Cotentin plan, on a past day unless told. The days of the
    session factories run from dates long before any a test names (2014 onwards): a plan has
    one session a day, and a sequence grown by hundreds of tests in one process must never
    reach a day a test chose."""

    class Meta:
        model = Session

    plan = factory.LazyFunction(lambda: seeded_action().plan)
    date = factory.Sequence(lambda n: datetime.date(2010, 1, 1) + datetime.timedelta(days=n))


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    session = factory.SubFactory(SessionFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Point {n}")


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    session = factory.SubFactory(SessionFactory)
    text = factory.Sequence(lambda n: f"Décision {n}")


class HeldSessionFactory(SessionFactory):
    """A session already held (its minutes may be generated)."""

    date = factory.Sequence(lambda n: datetime.date(2000, 1, 1) + datetime.timedelta(days=n))
    place = "Hôtel d'agglomération, Cherbourg-en-Cotentin"
    state = Session.State.HELD


class ScheduledSessionFactory(SessionFactory):
    """A session with its time and place."""

    date = factory.Sequence(lambda n: datetime.date(1990, 1, 1) + datetime.timedelta(days=n))
    starts_at = datetime.time(14, 30)
    place = "Cherbourg-en-Cotentin, salle du conseil"


class ActionDecisionFactory(DecisionFactory):
    """A decision about action 1.4.7 of the seeded plan."""

    action = factory.LazyFunction(seeded_action)


class MemberFactory(factory.django.DjangoModelFactory):
    """An account invited to a session; MemberFactory(user=None, structure=…) a structure."""

    class Meta:
        model = Member

    session = factory.SubFactory(SessionFactory)
    user = factory.SubFactory(UserFactory)


class OpenDecisionFactory(ActionDecisionFactory):
    """An open decision on the seeded action, taken at a new session of its plan (held), due in
    2030."""

    session = factory.LazyAttribute(lambda decision: HeldSessionFactory(plan=decision.action.plan))
    text = factory.Sequence(lambda n: f"Décision {n} : relancer les partenaires")
    carrier_name = "Direction du développement économique"
    due_on = datetime.date(2030, 6, 30)
