"""DAECT's committee page, agenda and minutes; nobody else learns that they exist."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expect.organisations.models import Region
from labellisation.models import LabelApplication
from tests.core.test_pdf import assert_real_pdf, pdf_text
from tests.labellisation.factories import CommitteeSessionFactory, LabelApplicationFactory
from tests.organisations.factories import CollectivityFactory

pytestmark = pytest.mark.django_db
State = LabelApplication.State

PAGES = ["committee_detail", "committee_agenda", "committee_minutes"]
every_page = pytest.mark.parametrize("name", PAGES)


@pytest.fixture
def session():
    return CommitteeSessionFactory(place="Paris, salle Ader")


def _dossier(session, state=State.SCHEDULED, **kwargs) -> LabelApplication:
    region, _ = Region.objects.get_or_create(code="84", name="Auvergne-Rhône-Alpes")
    kwargs.setdefault("collectivity", CollectivityFactory(region=region))
    return LabelApplicationFactory(
        committee=session, state=state, submitted_at=timezone.now(), **kwargs
    )


def _url(name, session):
    return reverse(f"labellisation:{name}", args=[session.pk])


def test_daect_sees_the_dossiers_of_the_session(client, daect, session):
    dossier = _dossier(session, accepted_late=True)
    client.force_login(daect)
    response = client.get(_url("committee_detail", session))
    assert response.status_code == 200
    assert dossier.collectivity.name in response.content.decode()
    assert f"EXPE-CT-{dossier.pk:06d}" in response.content.decode()
    assert _url("committee_agenda", session) in response.content.decode()
    assert _url("committee_minutes", session) in response.content.decode()


def _queries(client, session) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url("committee_detail", session)).status_code == 200
    return len(queries)


def test_the_page_makes_as_many_queries_for_ten_dossiers_as_for_one(client, daect, session):
    _dossier(session)
    client.force_login(daect)
    with_one = _queries(client, session)
    for _ in range(9):
        _dossier(session)
    assert _queries(client, session) == with_one


def test_the_agenda_lists_the_scheduled_dossiers_but_not_the_withdrawn(client, daect, session):
    scheduled = _dossier(session)
    withdrawn = _dossier(session, state=State.WITHDRAWN)
    session.members.add(daect)
    client.force_login(daect)
    response = client.get(_url("committee_agenda", session))
    assert response.status_code == 200
    assert_real_pdf(response.content)
    text = pdf_text(response.content)
    assert scheduled.collectivity.name in text
    assert f"EXPE-CT-{scheduled.pk:06d}" in text
    assert "Auvergne-Rhône-Alpes" in text
    assert daect.last_name in text
    assert withdrawn.collectivity.name not in text


def test_the_minutes_give_each_decision_with_its_reason(client, daect, session):
    granted = _dossier(session, state=State.GRANTED, decision_reason="Expertise reconnue.")
    refused = _dossier(session, state=State.REFUSED, decision_reason="Hors du programme.")
    pending = _dossier(session)
    client.force_login(daect)
    response = client.get(_url("committee_minutes", session))
    assert response.status_code == 200
    assert_real_pdf(response.content)
    # Cells wrap over lines: read the words, not the layout.
    text = " ".join(pdf_text(response.content).split())
    for dossier in (granted, refused, pending):
        assert dossier.collectivity.name in text
    assert "Expertise reconnue." in text
    assert "Hors du programme." in text


@every_page
def test_a_member_gets_a_404(client, member, session, name):
    # Not even for the session that decides its own collectivity's dossier.
    _dossier(session, created_by=member, collectivity=member.collectivity)
    client.force_login(member)
    assert client.get(_url(name, session)).status_code == 404


@every_page
def test_a_visitor_is_sent_to_log_in(client, session, name):
    response = client.get(_url(name, session))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@every_page
def test_it_refuses_post(client, daect, session, name):
    client.force_login(daect)
    assert client.post(_url(name, session)).status_code == 405


def test_an_unknown_session_is_a_404(client, daect):
    client.force_login(daect)
    assert client.get(reverse("labellisation:committee_detail", args=[999999])).status_code == 404
