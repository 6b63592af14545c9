"""The calendar governs the mission: under way from its departure, back from its return,
never before; planned dates never in the past; dates outside the need's period only with
DAECT's explicit reason; the periodic task moves the missions on their dates."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from missions import services, tasks
from missions.models import Mission, MissionEvent, MissionRequest
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.missions.factories import MissionFactory

pytestmark = pytest.mark.django_db
D = datetime.date
DEPARTURE, RETURN = D(2027, 3, 10), D(2027, 3, 20)
ONE_DAY = datetime.timedelta(days=1)


def _on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9)), tick=False)


@pytest.fixture
def daect():
    return UserFactory(role="daect")


@pytest.fixture
def mission():
    """A confirmed mission to Saint-Louis from 10 to 20 March 2027, in the desired period."""
    mission = MissionFactory(
        state=Mission.State.CONFIRMED,
        departure_date=DEPARTURE,
        return_date=RETURN,
        proposal__request__period_start=D(2027, 3, 1),
        proposal__request__period_end=D(2027, 3, 31),
    )
    mission.experts.add(MembershipFactory(collectivity=mission.collectivity, state="active").user)
    return mission


def _events(mission) -> list[tuple]:
    rows = MissionEvent.objects.filter(request=mission.request, subject="mission")
    return list(rows.values_list("from_state", "to_state", "actor"))


# By hand (DAECT)


@pytest.mark.parametrize(
    ("day", "allowed"),
    [(DEPARTURE - ONE_DAY, False), (DEPARTURE, True), (DEPARTURE + ONE_DAY, True)],
)
def test_a_mission_is_under_way_from_its_departure_date_only(mission, daect, day, allowed):
    with _on(day):
        if allowed:
            services.mission_start(mission=mission, by=daect)
        else:
            with pytest.raises(ValidationError) as refused:
                services.mission_start(mission=mission, by=daect)
            assert refused.value.code == "before_departure"
            assert "10/03/2027" in refused.value.messages[0]
    mission.refresh_from_db()
    expected = Mission.State.UNDER_WAY if allowed else Mission.State.CONFIRMED
    assert mission.state == expected
    assert len(_events(mission)) == (1 if allowed else 0)


@pytest.mark.parametrize(
    ("day", "allowed"), [(RETURN - ONE_DAY, False), (RETURN, True), (RETURN + ONE_DAY, True)]
)
def test_a_mission_is_returned_from_its_return_date_only(mission, daect, day, allowed):
    Mission.objects.filter(pk=mission.pk).update(state=Mission.State.UNDER_WAY)
    with _on(day):
        if allowed:
            services.mission_mark_returned(mission=mission, by=daect)
        else:
            with pytest.raises(ValidationError) as refused:
                services.mission_mark_returned(mission=mission, by=daect)
            assert refused.value.code == "before_return"
            assert "retour" in refused.value.messages[0]  # in French
    mission.refresh_from_db()
    assert mission.state == (Mission.State.RETURNED if allowed else Mission.State.UNDER_WAY)


# The periodic task


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (DEPARTURE - ONE_DAY, Mission.State.CONFIRMED),
        (DEPARTURE, Mission.State.UNDER_WAY),
        (DEPARTURE + ONE_DAY, Mission.State.UNDER_WAY),
        (RETURN - ONE_DAY, Mission.State.UNDER_WAY),
        (RETURN, Mission.State.RETURNED),
        (RETURN + ONE_DAY, Mission.State.RETURNED),
    ],
)
def test_the_task_moves_a_confirmed_mission_on_its_dates(mission, day, state):
    with _on(day):
        tasks.advance_on_calendar()
    mission.refresh_from_db()
    assert mission.state == state


def test_the_task_records_the_history_without_actor_and_twice_changes_nothing(mission):
    with _on(DEPARTURE):
        assert tasks.advance_on_calendar() == {"under_way": 1, "returned": 0}
        assert tasks.advance_on_calendar() == {"under_way": 0, "returned": 0}
    with _on(RETURN):
        tasks.advance_on_calendar()
        tasks.advance_on_calendar()
    assert _events(mission) == [("confirmed", "under_way", None), ("under_way", "returned", None)]


def test_a_missed_stay_moves_through_both_steps_and_the_report_is_then_due(mission):
    with _on(RETURN + datetime.timedelta(days=5)):
        assert tasks.advance_on_calendar() == {"under_way": 1, "returned": 1}
    mission.refresh_from_db()
    assert mission.state == Mission.State.RETURNED
    assert mission.report_due_on == D(2027, 5, 20)


def test_the_task_leaves_planned_cancelled_and_archived_missions(mission, daect):
    planned = MissionFactory(departure_date=DEPARTURE, return_date=RETURN)
    archived = MissionFactory(
        state=Mission.State.CONFIRMED, departure_date=DEPARTURE, return_date=RETURN
    )
    Mission.objects.filter(pk=archived.pk).update(
        archived_at=datetime.datetime(2027, 1, 1, 9, tzinfo=datetime.UTC)
    )
    with _on(RETURN):
        tasks.advance_on_calendar()
    for other in (planned, archived):
        other.refresh_from_db()
        assert other.state in (Mission.State.PLANNED, Mission.State.CONFIRMED)


# Planning the dates


def _plan(mission, daect, departure, return_, **kwargs):
    return services.mission_plan(
        mission=mission, by=daect, departure=departure, return_=return_, place="Podor", **kwargs
    )


@pytest.mark.parametrize(
    ("today", "allowed"),
    [(D(2027, 3, 4), True), (D(2027, 3, 5), True), (D(2027, 3, 6), False)],
)
def test_a_planned_mission_cannot_start_in_the_past(mission, daect, today, allowed):
    Mission.objects.filter(pk=mission.pk).update(state=Mission.State.PLANNED)
    with _on(today):
        if allowed:
            _plan(mission, daect, D(2027, 3, 5), D(2027, 3, 12))
        else:
            with pytest.raises(ValidationError) as refused:
                _plan(mission, daect, D(2027, 3, 5), D(2027, 3, 12))
            assert refused.value.code == "past"
    mission.refresh_from_db()
    expected = D(2027, 3, 5) if allowed else DEPARTURE
    assert mission.departure_date == expected


def test_dates_outside_the_desired_period_need_daect_s_reason(mission, daect):
    with _on(D(2027, 1, 10)):
        with pytest.raises(ValidationError) as refused:
            _plan(mission, daect, D(2027, 3, 25), D(2027, 4, 4))
        assert refused.value.code == "outside_period"
        assert "01/03/2027" in refused.value.messages[0]
        mission.refresh_from_db()
        assert mission.return_date == RETURN

        _plan(
            mission,
            daect,
            D(2027, 3, 25),
            D(2027, 4, 4),
            outside_period_reason="Le maire n’est disponible qu’en avril.",
        )
    mission.refresh_from_db()
    assert mission.return_date == D(2027, 4, 4)
    last = MissionEvent.objects.filter(request=mission.request).last()
    assert last.actor == daect
    assert "Le maire n’est disponible qu’en avril." in last.comment


def test_dates_inside_the_period_need_no_reason(mission, daect):
    with _on(D(2027, 1, 10)):
        _plan(mission, daect, D(2027, 3, 1), D(2027, 3, 31))
    mission.refresh_from_db()
    assert (mission.departure_date, mission.return_date) == (D(2027, 3, 1), D(2027, 3, 31))


def test_the_place_of_a_mission_whose_dates_passed_can_still_change(mission, daect):
    Mission.objects.filter(pk=mission.pk).update(state=Mission.State.PLANNED)
    with _on(DEPARTURE + ONE_DAY):
        _plan(mission, daect, DEPARTURE, RETURN)
    mission.refresh_from_db()
    assert mission.place == "Podor"


def test_the_need_s_period_stays_as_the_embassy_gave_it(mission, daect):
    with _on(D(2027, 1, 10)):
        _plan(mission, daect, D(2027, 2, 1), D(2027, 2, 5), outside_period_reason="Urgence")
    need = MissionRequest.objects.get(pk=mission.request_id)
    assert (need.period_start, need.period_end) == (D(2027, 3, 1), D(2027, 3, 31))
