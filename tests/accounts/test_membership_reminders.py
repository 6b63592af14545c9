"""A membership request nobody confirms: the referent is reminded after 3 days, DAECT after 7."""

import datetime

import pytest
import time_machine
from django.conf import settings

from expect.accounts import services
from tests.accounts.factories import MembershipFactory
from tests.notifications.helpers import at, sweep_on, to

pytestmark = pytest.mark.django_db
ASKED = datetime.date(2026, 3, 2)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def referent():
    return MembershipFactory(state="active", is_referent=True)


@pytest.fixture
def request_(referent):
    with time_machine.travel(at(ASKED, 10), tick=False):
        return MembershipFactory(state="pending", collectivity=referent.collectivity)


def test_the_referent_is_reminded_three_days_after_the_request(referent, request_):
    assert to(sweep_on(ASKED + 3 * DAY, hour=9), referent.user.email) == []
    sent = to(sweep_on(ASKED + 3 * DAY, hour=11), referent.user.email)
    assert len(sent) == 1
    assert str(request_.user) in sent[0].subject
    assert "/ma-collectivite/membres/" in sent[0].body
    # Once only, even if the sweep runs again.
    assert to(sweep_on(ASKED + 4 * DAY), referent.user.email) == []


def test_daect_is_reminded_seven_days_after_the_request(referent, request_):
    assert to(sweep_on(ASKED + 6 * DAY, hour=11), settings.DAECT_EMAIL) == []
    sent = to(sweep_on(ASKED + 7 * DAY, hour=11), settings.DAECT_EMAIL)
    assert len(sent) == 1
    assert "/admin/accounts/membership/" in sent[0].body


def test_a_confirmed_request_is_not_reminded(referent, request_):
    services.membership_confirm(membership=request_, by=referent.user)
    messages = sweep_on(ASKED + 8 * DAY, hour=11)
    assert to(messages, referent.user.email) == []
    assert to(messages, settings.DAECT_EMAIL) == []


def test_without_a_referent_only_daect_is_reminded():
    with time_machine.travel(at(ASKED, 10), tick=False):
        lonely = MembershipFactory(state="pending")
    assert to(sweep_on(ASKED + 7 * DAY, hour=11), settings.DAECT_EMAIL)
    assert lonely.user.email not in {a for m in sweep_on(ASKED + 8 * DAY) for a in m.to}
