"""Two members of the ESS team create a session of one plan on one day at the same moment:
one is created, the other told in French, no server error."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from actions.models import Member, Plan, Session
from committee import services
from essplan import roles
from tests.conftest import COTENTIN, make_user
from tests.helpers import at_once

DAY = datetime.date(2026, 6, 16)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sessions_created_at_once_on_one_day_record_one():
    plan = Plan.objects.get(slug=COTENTIN)
    first, second = make_user("emile", roles.EDITOR), make_user("berenice", roles.EDITOR)
    make_user("camille", roles.VIEWER)

    def create(by, place):
        def call():
            try:
                return services.create_session(plan=plan, by=by, data={"date": DAY, "place": place})
            except ValidationError as error:
                return error

        return call

    results = at_once(create(first, "Valognes"), create(second, "Cherbourg"))
    created = [r for r in results if isinstance(r, Session)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(created) == len(refused) == 1
    assert refused[0].message_dict == {"date": ["Ce plan a déjà une séance ce jour-là."]}
    session = Session.objects.get(plan=plan)
    assert session.place == created[0].place
    # The default members once, for the session created: camille and the 9 structures.
    assert Member.objects.count() == session.members.count() == 10
