"""An embassy agent drafts, completes and submits needs of foreign authorities on the portal."""

import datetime
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from missions import services
from missions.models import MissionEvent, MissionRequest, RequestAttachment
from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory
from tests.missions.factories import (
    MissionFactory,
    MissionProposalFactory,
    MissionRequestFactory,
)
from tests.organisations.factories import ThemeFactory

pytestmark = pytest.mark.django_db
State = MissionRequest.State


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def agent():
    """An agent of the embassy in Dakar (Senegal)."""
    return EmbassyAgentFactory()


@pytest.fixture
def other_agent():
    """An agent of an embassy covering Mali only."""
    return EmbassyAgentFactory(embassy__countries=["ML"], embassy__city="Bamako")


def _day(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _need_data(**overrides) -> dict:
    data = {
        "country": "SN",
        "partner_name": "Commune de Ziguinchor",
        "partner_kind": "municipality",
        "partner_place": "Ziguinchor",
        "theme": ThemeFactory().pk,
        "description": "Moderniser l’état civil.",
        "expected_results": "Un plan de numérisation des registres.",
        "period_start": _day(30),
        "period_end": _day(90),
        "duration_days": "8",
        "working_language": "fr",
        "urgency": "urgent",
    }
    return {**data, **overrides}


def _pdf(name: str = "Termes de référence.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), "application/pdf")


def _url(name: str, *args) -> str:
    return reverse(f"missions:{name}", args=args)


# Creating and editing


def test_it_offers_only_the_countries_of_the_embassy(client, agent):
    client.force_login(agent)
    response = client.get(_url("request_create"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="SN"' in content
    assert 'value="ML"' not in content


def test_an_embassy_agent_creates_a_draft(client, agent):
    client.force_login(agent)
    response = client.post(_url("request_create"), _need_data())
    need = MissionRequest.objects.get()
    assert response["Location"] == _url("request_detail", need.pk)
    assert (need.state, need.created_by, need.embassy) == (State.DRAFT, agent, agent.embassy)
    assert need.urgency == MissionRequest.Urgency.URGENT
    assert need.duration_days == 8


def test_a_country_the_embassy_does_not_cover_is_refused(client, agent):
    client.force_login(agent)
    response = client.post(_url("request_create"), _need_data(country="ML"))
    assert response.status_code == 200
    assert response.context["form"].has_error("country", "country_not_covered")
    assert not MissionRequest.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"period_start": _day(-1)}, "period_start", "past"),
        ({"period_end": _day(10)}, "period_end", "end_before"),
        ({"period_end": _day(34)}, "duration_days", "longer_than_period"),
        ({"duration_days": "0"}, "duration_days", "duration"),
        ({"duration_days": "91", "period_end": _day(200)}, "duration_days", "duration"),
    ],
)
def test_it_refuses_an_impossible_period(client, agent, overrides, field, code):
    client.force_login(agent)
    response = client.post(_url("request_create"), _need_data(**overrides))
    assert response.context["form"].has_error(field, code)
    assert not MissionRequest.objects.exists()


def test_the_agent_edits_a_draft(client, agent):
    need = MissionRequestFactory(created_by=agent)
    client.force_login(agent)
    response = client.post(
        _url("request_edit", need.pk),
        _need_data(partner_name="Commune de Thiès", theme=need.theme.pk),
    )
    assert response["Location"] == _url("request_detail", need.pk)
    need.refresh_from_db()
    assert (need.partner_name, need.state) == ("Commune de Thiès", State.DRAFT)


def test_editing_after_submission_is_refused_and_changes_nothing(client, agent):
    need = MissionRequestFactory(created_by=agent, state=State.SUBMITTED)
    client.force_login(agent)
    assert client.get(_url("request_edit", need.pk)).status_code == 403
    response = client.post(
        _url("request_edit", need.pk), _need_data(partner_name="Commune de Thiès")
    )
    assert response.status_code == 403
    need.refresh_from_db()
    assert need.partner_name == "Commune de Saint-Louis"


def test_a_need_sent_back_for_information_is_editable_again(client, agent):
    need = MissionRequestFactory(created_by=agent, state=State.INFO_REQUESTED)
    client.force_login(agent)
    client.post(
        _url("request_edit", need.pk),
        _need_data(partner_name="Ville de Thiès", theme=need.theme.pk),
    )
    need.refresh_from_db()
    assert (need.partner_name, need.state) == ("Ville de Thiès", State.INFO_REQUESTED)


def test_an_agent_of_another_embassy_covering_the_country_reads_but_does_not_edit(client, agent):
    need = MissionRequestFactory(created_by=agent)
    colleague = EmbassyAgentFactory()  # another embassy, also covering Senegal
    client.force_login(colleague)
    assert client.get(_url("request_detail", need.pk)).status_code == 200
    assert client.get(_url("request_edit", need.pk)).status_code == 403


# Submitting


def test_submitting_tells_daect(client, agent, daect):
    need = MissionRequestFactory(created_by=agent)
    client.force_login(agent)
    response = client.post(_url("request_submit", need.pk))
    assert response["Location"] == _url("request_detail", need.pk)
    need.refresh_from_db()
    assert need.state == State.SUBMITTED and need.submitted_at is not None
    assert MissionEvent.objects.filter(request=need, to_state=State.SUBMITTED).exists()
    assert [m.to for m in mail.outbox] == [[daect.email]]
    assert "Commune de Saint-Louis" in mail.outbox[0].subject


def test_a_need_whose_period_has_started_cannot_be_submitted(client, agent, daect):
    need = MissionRequestFactory(
        created_by=agent,
        period_start=timezone.localdate() - datetime.timedelta(days=1),
    )
    client.force_login(agent)
    client.post(_url("request_submit", need.pk))
    need.refresh_from_db()
    assert need.state == State.DRAFT
    assert not mail.outbox


def test_submitting_twice_is_refused_with_a_message(client, agent, daect):
    need = MissionRequestFactory(created_by=agent, state=State.SUBMITTED)
    client.force_login(agent)
    response = client.post(_url("request_submit", need.pk), follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not mail.outbox


def test_daect_cannot_submit_for_the_embassy(client, daect):
    need = MissionRequestFactory()
    client.force_login(daect)
    assert client.post(_url("request_submit", need.pk)).status_code == 403
    need.refresh_from_db()
    assert need.state == State.DRAFT


# Documents


def test_a_pdf_is_attached_and_downloaded(client, agent):
    need = MissionRequestFactory(created_by=agent)
    client.force_login(agent)
    client.post(_url("request_attachment_add", need.pk), {"file": _pdf()})
    attachment = RequestAttachment.objects.get(request=need)
    assert attachment.original_name == "Termes de référence.pdf"
    assert "rence" not in attachment.file.name  # stored under a random name
    response = client.get(_url("request_attachment", need.pk, attachment.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]


def test_it_refuses_a_non_pdf(client, agent):
    need = MissionRequestFactory(created_by=agent)
    client.force_login(agent)
    fake = SimpleUploadedFile("note.pdf", b"MZ\x90\x00", "application/pdf")
    response = client.post(_url("request_attachment_add", need.pk), {"file": fake}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not RequestAttachment.objects.exists()


def test_no_document_is_added_after_submission(client, agent):
    need = MissionRequestFactory(created_by=agent, state=State.SUBMITTED)
    client.force_login(agent)
    response = client.post(_url("request_attachment_add", need.pk), {"file": _pdf()})
    assert response.status_code == 403
    assert not RequestAttachment.objects.exists()


def test_the_agent_removes_a_document_of_a_draft(client, agent):
    need = MissionRequestFactory(created_by=agent)
    client.force_login(agent)
    client.post(_url("request_attachment_add", need.pk), {"file": _pdf()})
    attachment = RequestAttachment.objects.get()
    # Confirmed (in the modal, or on the confirmation page).
    client.post(_url("request_attachment_delete", need.pk, attachment.pk), {"confirmed": "1"})
    assert not RequestAttachment.objects.exists()


# Who sees what


def test_an_agent_of_another_country_gets_404(client, agent, other_agent):
    need = MissionRequestFactory(created_by=agent)
    attachment = RequestAttachment.objects.create(
        request=need, file=_pdf(), original_name="a.pdf", size=10, uploaded_by=agent
    )
    client.force_login(other_agent)
    for url in [
        _url("request_detail", need.pk),
        _url("request_edit", need.pk),
        _url("request_attachment", need.pk, attachment.pk),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(_url("request_submit", need.pk)).status_code == 404
    assert client.post(_url("request_edit", need.pk), _need_data()).status_code == 404
    assert client.post(_url("request_attachment_add", need.pk), {"file": _pdf()}).status_code == 404
    need.refresh_from_db()
    assert need.state == State.DRAFT and RequestAttachment.objects.count() == 1


def test_a_collectivity_member_gets_404(client, agent, member):
    need = MissionRequestFactory(created_by=agent)
    client.force_login(member)
    for url in [
        _url("request_list"),
        _url("request_create"),
        _url("request_detail", need.pk),
        _url("request_edit", need.pk),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(_url("request_create"), _need_data()).status_code == 404
    assert client.post(_url("request_submit", need.pk)).status_code == 404
    assert MissionRequest.objects.count() == 1


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(_url("request_list"))
    assert response.status_code == 302
    assert "next=" in response["Location"]


@pytest.mark.parametrize("name", ["request_submit", "request_attachment_add"])
def test_post_only_views_refuse_get(client, agent, name):
    need = MissionRequestFactory(created_by=agent)
    client.force_login(agent)
    assert client.get(_url(name, need.pk)).status_code == 405


def test_deleting_a_document_refuses_get(client, agent):
    need = MissionRequestFactory(created_by=agent)
    client.force_login(agent)
    assert client.get(_url("request_attachment_delete", need.pk, 1)).status_code == 405


def test_the_list_shows_the_needs_of_the_embassy_countries_only(client, agent, other_agent):
    mine = MissionRequestFactory(created_by=agent)
    MissionRequestFactory(created_by=other_agent, country="ML", partner_name="Commune de Kayes")
    client.force_login(agent)
    response = client.get(_url("request_list"))
    assert list(response.context["page_obj"].object_list) == [mine]
    assert "Commune de Kayes" not in response.content.decode()


def test_daect_sees_every_need_and_filters_by_state(client, agent, other_agent, daect):
    submitted = MissionRequestFactory(created_by=agent, state=State.SUBMITTED)
    MissionRequestFactory(created_by=other_agent, country="ML")
    client.force_login(daect)
    assert client.get(_url("request_list")).context["page_obj"].paginator.count == 2
    response = client.get(_url("request_list"), {"state": "submitted"})
    assert list(response.context["page_obj"].object_list) == [submitted]
    assert not response.context["can_create"]
    assert client.get(_url("request_create")).status_code == 404


def test_the_list_costs_the_same_queries_whatever_its_length(client, agent, other_agent, daect):
    client.force_login(daect)
    for creator in (agent, other_agent):
        MissionRequestFactory(created_by=creator, country=creator.embassy.countries[0].code)
    with CaptureQueriesContext(connection) as few:
        client.get(_url("request_list"))
    for _ in range(5):
        for creator in (EmbassyAgentFactory(), other_agent):
            MissionRequestFactory(created_by=creator, country=creator.embassy.countries[0].code)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url("request_list"))
    assert response.context["page_obj"].paginator.count == 12
    assert len(many) == len(few)


# The detail page


def test_the_detail_shows_the_history_and_the_actions_of_a_draft(client, agent):
    need = MissionRequestFactory(created_by=agent)
    client.force_login(agent)
    response = client.get(_url("request_detail", need.pk))
    content = response.content.decode()
    assert response.context["can_change"] and not response.context["problems"]
    assert _url("request_edit", need.pk) in content
    assert _url("request_submit", need.pk) in content


def test_the_detail_tells_the_history_in_words(client, agent, daect):
    need = MissionRequestFactory(created_by=agent)
    services.request_submit(need=need, by=agent)
    services.request_send_back(need=need, by=daect, reason="Précisez le budget local.")
    client.force_login(agent)
    response = client.get(_url("request_detail", need.pk))
    sentences = [e.sentence for e in response.context["events"]]
    assert sentences == [
        f"Besoin déposé par {agent.get_full_name()}",
        f"Compléments demandés par {daect.get_full_name()}",
    ]
    assert "Précisez le budget local." in response.content.decode()


def test_the_detail_counts_the_proposals_without_naming_the_collectivities(client, agent):
    proposal = MissionProposalFactory(request__created_by=agent)
    MissionProposalFactory(request=proposal.request, state="declined")
    client.force_login(agent)
    response = client.get(_url("request_detail", proposal.request.pk))
    assert response.context["proposals"] == {"total": 2, "open": 1, "accepted": 0, "declined": 1}
    assert not response.context["can_change"]
    assert str(proposal.collectivity) not in response.content.decode()


def test_the_detail_tells_the_mission(client, agent):
    mission = MissionFactory(proposal__request__created_by=agent)
    client.force_login(agent)
    response = client.get(_url("request_detail", mission.request.pk))
    assert response.context["mission"] == mission
    assert _url("mission_detail", mission.pk) in response.content.decode()


def test_daect_reads_a_need_but_does_not_edit_it(client, daect):
    need = MissionRequestFactory(state=State.QUALIFIED)
    client.force_login(daect)
    content = client.get(_url("request_detail", need.pk)).content.decode()
    assert reverse("admin:missions_missionrequest_change", args=[need.pk]) in content
    assert _url("request_matching", need.pk) in content
    assert client.get(_url("request_edit", need.pk)).status_code == 403


# The dashboard


def _section_titles(response) -> list[str]:
    return [section.title for section in response.context["sections"]]


def test_the_dashboard_of_an_embassy_agent_shows_needs_and_missions(client, agent):
    MissionRequestFactory(created_by=agent, partner_name="Commune de Rufisque")
    client.force_login(agent)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    sections = _sections(response)
    assert sections["section_needs.html"]["count"] == 1
    assert sections["section_missions.html"]["count"] == 0
    assert "Commune de Rufisque" in response.content.decode()


def _sections(response) -> dict:
    return {s.template.rsplit("/", 1)[-1]: s.context for s in response.context["sections"]}


def test_the_dashboard_of_an_embassy_agent_shows_the_missions_of_its_countries(client, agent):
    mission = MissionFactory()
    MissionFactory(proposal__request__country="ML")
    client.force_login(agent)
    response = client.get(reverse("core:dashboard"))
    assert list(_sections(response)["section_missions.html"]["missions"]) == [mission]
    assert _url("mission_detail", mission.pk) in response.content.decode()


def test_the_dashboard_of_daect_counts_what_waits_on_it(client, daect):
    MissionRequestFactory(state=State.SUBMITTED)
    MissionRequestFactory()
    MissionProposalFactory(state="accepted", request__state=State.MATCHED)
    client.force_login(daect)
    sections = _sections(client.get(reverse("core:dashboard")))
    assert sections["section_daect_needs.html"]["count"] == 1
    assert sections["section_daect_acceptances.html"]["count"] == 1


def test_the_dashboard_of_a_member_lists_open_proposals_and_missions(client):
    proposal = MissionProposalFactory()
    MissionProposalFactory(state="declined", collectivity=proposal.collectivity)
    mission = MissionFactory(
        collectivity=proposal.collectivity, proposal__collectivity=proposal.collectivity
    )
    member = proposal.collectivity.memberships.filter(state="active").first().user
    client.force_login(member)
    response = client.get(reverse("core:dashboard"))
    sections = _sections(response)
    assert list(sections["section_proposals.html"]["proposals"]) == [proposal]
    assert list(sections["section_missions.html"]["missions"]) == [mission]
    assert _url("proposal_detail", proposal.pk) in response.content.decode()


def test_the_dashboard_of_an_expert_lists_the_missions_they_are_on(client):
    mission = MissionFactory()
    MissionFactory(collectivity=mission.collectivity, proposal__collectivity=mission.collectivity)
    expert = MembershipFactory(
        collectivity=mission.collectivity, state="active", user__role="expert"
    ).user
    mission.experts.add(expert)
    client.force_login(expert)
    sections = _sections(client.get(reverse("core:dashboard")))
    assert list(sections["section_missions.html"]["missions"]) == [mission]
    assert "section_proposals.html" not in sections


def test_the_dashboard_of_a_member_without_collectivity_has_no_mission_section(client):
    pending = MembershipFactory().user
    client.force_login(pending)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    templates = [s.template for s in response.context["sections"]]
    assert not any(t.startswith("missions/") for t in templates)
