"""The ranking of labelled collectivities for a need, and DAECT's matching page that shows it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from labellisation.models import Label
from missions import matching
from missions.models import MissionProposal, MissionRequest
from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory
from tests.labellisation.factories import CooperationProjectFactory
from tests.missions.factories import (
    MissionFactory,
    MissionProposalFactory,
    MissionRequestFactory,
    labelled_member,
)
from tests.organisations.factories import ThemeFactory

pytestmark = pytest.mark.django_db
RState = MissionRequest.State


@pytest.fixture
def need():
    """A qualified need of a Senegalese municipality, to be worked in French."""
    return MissionRequestFactory(state=RState.QUALIFIED, country="SN", working_language_id="fr")


def _collectivity(theme, **label_kwargs):
    return labelled_member(theme, **label_kwargs).membership.collectivity


def _ranked(need) -> list[matching.Match]:
    return matching.rank(need, on=timezone.localdate())


def _url(need) -> str:
    return reverse("missions:request_matching", args=[need.pk])


def test_experience_in_the_country_and_a_shared_language_rank_first(need):
    newcomer = _collectivity(need.theme)
    seasoned = _collectivity(need.theme)
    seasoned.languages.set(["fr"])
    CooperationProjectFactory(application__collectivity=seasoned, country="SN")

    first, second = _ranked(need)

    assert first.collectivity == seasoned
    assert second.collectivity == newcomer
    assert first.score - second.score == (
        matching.COUNTRY_EXPERIENCE + matching.SHARED_LANGUAGE - matching.NEW_LINK_IN_SCARCE_COUNTRY
    )


def test_each_point_comes_with_its_reason(need):
    collectivity = _collectivity(need.theme)
    collectivity.languages.set(["fr"])
    collectivity.cooperation_countries = ["SN"]
    collectivity.save()

    (match,) = _ranked(need)

    # Label, validity over the period, country, language, availability.
    assert len(match.reasons) == 5
    assert match.score == (
        matching.VALID_OVER_PERIOD
        + matching.COUNTRY_EXPERIENCE
        + matching.SHARED_LANGUAGE
        + matching.NO_CURRENT_MISSION
    )
    assert all(match.reasons)


def test_a_collectivity_busy_with_a_mission_ranks_below_an_available_one(need):
    busy = _collectivity(need.theme)
    available = _collectivity(need.theme)
    MissionFactory(collectivity=busy, proposal__collectivity=busy)

    assert [m.collectivity for m in _ranked(need)] == [available, busy]


def test_collectivities_without_a_valid_label_on_the_theme_are_left_out(need):
    labelled = _collectivity(need.theme)
    four_years_ago = timezone.localdate() - datetime.timedelta(days=4 * 365)
    _collectivity(need.theme, granted_on=four_years_ago)  # expired
    _collectivity(need.theme, state=Label.State.SUSPENDED)
    _collectivity(ThemeFactory())

    assert [m.collectivity for m in _ranked(need)] == [labelled]


# The matching page.


def test_daect_sees_the_ranking_with_its_reasons(client, daect, need):
    collectivity = _collectivity(need.theme)
    client.force_login(daect)
    response = client.get(_url(need))
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row["match"].collectivity == collectivity
    html = response.content.decode()
    assert collectivity.name in html
    assert all(reason in html for reason in row["match"].reasons)
    assert f'id="collectivity-{collectivity.pk}"' in html
    assert f'for="collectivity-{collectivity.pk}"' in html


def test_the_page_tells_which_collectivities_already_received_the_need(client, daect, need):
    proposal = MissionProposalFactory(request=need)
    client.force_login(daect)
    response = client.get(_url(need))
    (row,) = response.context["rows"]
    assert row["proposal"] == proposal
    # A collectivity cannot be ticked twice.
    assert f'id="collectivity-{proposal.collectivity_id}"' not in response.content.decode()


def test_the_deadline_defaults_to_two_weeks(client, daect, need):
    client.force_login(daect)
    form = client.get(_url(need)).context["form"]
    assert form["deadline"].value() == timezone.localdate() + datetime.timedelta(days=14)


def test_a_need_that_cannot_be_proposed_shows_its_state_and_no_form(client, daect):
    draft = MissionRequestFactory()
    _collectivity(draft.theme)
    client.force_login(daect)
    response = client.get(_url(draft))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert response.context["rows"] == []
    assert 'name="collectivities"' not in response.content.decode()


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: MembershipFactory(state="active").user,
        lambda: EmbassyAgentFactory(),
    ],
    ids=["member", "embassy agent"],
)
def test_nobody_but_daect_learns_that_the_page_exists(client, need, make_user):
    client.force_login(make_user())
    assert client.get(_url(need)).status_code == 404
    assert client.post(_url(need), {}).status_code == 404


def test_a_visitor_is_sent_to_the_login_page(client, need):
    response = client.get(_url(need))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_page_refuses_other_methods(client, daect, need):
    client.force_login(daect)
    assert client.put(_url(need)).status_code == 405


def _queries(client, need) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(need)).status_code == 200
    return len(queries)


def _add_candidate(need) -> None:
    """A labelled collectivity with languages, past cooperation, a proposal and a mission."""
    collectivity = _collectivity(need.theme)
    collectivity.languages.set(["fr", "en"])
    CooperationProjectFactory(application__collectivity=collectivity, country="SN")
    MissionFactory(collectivity=collectivity, proposal__collectivity=collectivity)
    proposal = MissionProposalFactory(request=need, collectivity=collectivity)
    proposal.experts.add(MembershipFactory(collectivity=collectivity, state="active").user)
    MissionProposal.objects.filter(pk=proposal.pk).update(state=MissionProposal.State.ACCEPTED)


def test_the_page_makes_as_many_queries_for_ten_candidates_as_for_two(client, daect, need):
    MissionRequest.objects.filter(pk=need.pk).update(state=RState.MATCHED)
    for _ in range(2):
        _add_candidate(need)
    client.force_login(daect)
    with_two = _queries(client, need)
    for _ in range(8):
        _add_candidate(need)
    with_ten = _queries(client, need)
    assert with_ten == with_two


def _ranking_queries(need) -> tuple[int, int]:
    need = MissionRequest.objects.select_related("theme", "working_language").get(pk=need.pk)
    with CaptureQueriesContext(connection) as queries:
        ranked = _ranked(need)
    return len(ranked), len(queries)


def test_the_ranking_makes_as_many_queries_for_ten_candidates_as_for_two(need):
    for _ in range(2):
        _add_candidate(need)
    two, queries = _ranking_queries(need)
    assert two == 2
    for _ in range(8):
        _add_candidate(need)
    assert _ranking_queries(need) == (10, queries)
