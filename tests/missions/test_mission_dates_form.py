"""DAECT's dates form (the mission admin uses it) says next to the fields what the service
refuses: a past departure, and dates outside the need's period without a confirmed reason."""

import datetime

import pytest
import time_machine

from missions.forms_missions import MissionDatesForm
from missions.models import Mission
from tests.missions.factories import MissionFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def mission():
    return MissionFactory(
        departure_date=D(2027, 3, 10),
        return_date=D(2027, 3, 20),
        proposal__request__period_start=D(2027, 3, 1),
        proposal__request__period_end=D(2027, 3, 31),
    )


def _form(mission, **data):
    mission.refresh_from_db()  # a validated form leaves its values on the instance
    values = {"departure_date": "2027-03-12", "return_date": "2027-03-22", "place": "Podor"}
    return MissionDatesForm({**values, **data}, instance=mission)


@time_machine.travel(datetime.datetime(2027, 1, 10, 9), tick=False)
def test_dates_inside_the_period_are_valid(mission):
    assert _form(mission).is_valid()


@time_machine.travel(datetime.datetime(2027, 1, 10, 9), tick=False)
def test_dates_outside_the_period_need_the_box_and_a_reason(mission):
    outside = {"departure_date": "2027-04-02", "return_date": "2027-04-09"}
    form = _form(mission, **outside)
    assert not form.is_valid()
    assert form.has_error("outside_period_reason", "outside_period")
    unticked = _form(mission, **outside, outside_period_reason="Élections en mars")
    assert not unticked.is_valid()
    form = _form(
        mission, **outside, outside_period_confirmed="on", outside_period_reason="Élections"
    )
    assert form.is_valid()
    assert form.cleaned_data["outside_period_reason"] == "Élections"


@time_machine.travel(datetime.datetime(2027, 3, 13, 9), tick=False)
def test_a_past_departure_is_refused_next_to_its_field(mission):
    form = _form(mission)
    assert not form.is_valid()
    assert form.has_error("departure_date", "past")
    assert "dans le passé" in form.errors["departure_date"][0]


def test_a_started_mission_keeps_its_dates(mission):
    Mission.objects.filter(pk=mission.pk).update(state=Mission.State.UNDER_WAY)
    mission.refresh_from_db()
    form = _form(mission)
    assert not form.is_valid()
