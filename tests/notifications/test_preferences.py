"""Each user chooses how they receive the optional messages of their role; the reminders of
their own legal deadlines are listed, always sent, and cannot be changed."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from expect.notifications.events import all_notices
from expect.notifications.forms import field_name
from expect.notifications.models import Preference
from tests.accounts.factories import EmbassyAgentFactory

pytestmark = pytest.mark.django_db
URL = reverse("notifications:preferences")
INFO = "labellisation.info_awaited"
PROPOSAL = "missions.proposal_awaited"
COMMITTEE = "labellisation.committee_deadline"
OPINION = "labellisation.opinion_awaited"
SUMMARY = "notifications.daect_summary"
LABEL_EXPIRY = "labellisation.label_expiry"
REPORT_DUE = "reports.report_due"


def _notices(role: str) -> tuple[str, ...]:
    """The notices of events (expect.notifications.events) offered to a role."""
    return tuple(notice.kind for notice in all_notices() if role in notice.roles)


MEMBER_KINDS = (INFO, PROPOSAL, COMMITTEE, OPINION, *_notices("member"))
EMBASSY_KINDS = ("missions.need_info_awaited", OPINION, *_notices("embassy"))


def _member_choices(**changes) -> dict:
    """Every optional message of a member, as they happen, with `changes` applied."""
    data = {field_name(kind): "immediate" for kind in MEMBER_KINDS}
    return data | {field_name(kind): mode for kind, mode in changes.items()}


def _saved(user) -> dict:
    return dict(Preference.objects.filter(user=user).values_list("kind", "mode"))


def test_it_asks_a_visitor_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_member_sees_a_choice_for_each_optional_message_of_their_role(client, member):
    client.force_login(member)
    response = client.get(URL)
    assert response.status_code == 200
    fields = response.context["form"].fields
    assert set(fields) == {field_name(k) for k in MEMBER_KINDS}
    # An embassy's or DAECT's messages are not offered to a member.
    assert field_name(SUMMARY) not in fields
    assert field_name("missions.need_info_awaited") not in fields
    html = response.content.decode()
    assert 'class="fr-fieldset' in html and 'type="radio"' in html
    assert str(Preference.Mode.DIGEST.label) in html


def test_the_current_mode_is_preselected_from_the_saved_choice_or_the_default(client, member):
    Preference.objects.create(user=member, kind=PROPOSAL, mode="digest")
    client.force_login(member)
    form = client.get(URL).context["form"]
    assert form[field_name(PROPOSAL)].initial == "digest"
    assert form[field_name(INFO)].initial == "immediate"


def test_the_legal_deadlines_of_the_role_are_listed_as_always_sent(client, member):
    client.force_login(member)
    response = client.get(URL)
    mandatory = [rule.kind for rule in response.context["form"].mandatory]
    assert mandatory == ["accounts.membership_awaited", LABEL_EXPIRY, REPORT_DUE]
    # The daily digest is a way of delivery, not a message of any role: it is not listed.
    assert "notifications.digest" not in mandatory
    assert field_name(LABEL_EXPIRY) not in response.context["form"].fields


def test_a_member_switches_a_message_to_the_daily_digest(client, member):
    client.force_login(member)
    response = client.post(URL, _member_choices(**{PROPOSAL: "digest", INFO: "off"}))
    assert response.status_code == 302 and response["Location"] == URL
    saved = _saved(member)
    assert saved[PROPOSAL] == "digest" and saved[INFO] == "off"
    assert saved[COMMITTEE] == "immediate"
    page = client.get(URL)
    assert _("Your notification preferences are saved.") in page.content.decode()
    assert page.context["form"][field_name(PROPOSAL)].initial == "digest"


def test_saving_again_updates_the_choice_instead_of_adding_one(client, member):
    Preference.objects.create(user=member, kind=PROPOSAL, mode="digest")
    client.force_login(member)
    client.post(URL, _member_choices(**{PROPOSAL: "off"}))
    assert Preference.objects.filter(user=member, kind=PROPOSAL).count() == 1
    assert _saved(member)[PROPOSAL] == "off"


def test_it_refuses_a_mode_the_message_does_not_offer(client, daect):
    # The DAECT summary comes only in the digest, or not at all.
    client.force_login(daect)
    data = {field_name(SUMMARY): "immediate", field_name(OPINION): "immediate"}
    response = client.post(URL, data)
    assert response.status_code == 200
    assert response.context["form"].errors[field_name(SUMMARY)]
    assert "fr-fieldset--error" in response.content.decode()
    assert not Preference.objects.filter(user=daect).exists()


def test_it_refuses_to_switch_off_a_legal_deadline_and_saves_nothing(client, member):
    client.force_login(member)
    response = client.post(URL, _member_choices(**{REPORT_DUE: "off", PROPOSAL: "digest"}))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors()
    assert "fr-alert--error" in response.content.decode()
    assert not Preference.objects.filter(user=member).exists()


def test_it_refuses_a_form_with_a_missing_choice(client, member):
    client.force_login(member)
    data = _member_choices()
    del data[field_name(INFO)]
    response = client.post(URL, data)
    assert response.status_code == 200
    assert response.context["form"].errors[field_name(INFO)]
    assert not Preference.objects.filter(user=member).exists()


def test_an_embassy_agent_chooses_among_the_messages_of_an_embassy(client):
    agent = EmbassyAgentFactory()
    client.force_login(agent)
    response = client.get(URL)
    assert set(response.context["form"].fields) == {field_name(k) for k in EMBASSY_KINDS}
    assert response.context["form"].mandatory == []
    data = {field_name(kind): "immediate" for kind in EMBASSY_KINDS}
    data |= {field_name("missions.need_info_awaited"): "digest", field_name(OPINION): "off"}
    response = client.post(URL, data)
    assert response.status_code == 302
    saved = _saved(agent)
    assert (saved["missions.need_info_awaited"], saved[OPINION]) == ("digest", "off")
    assert set(saved) == set(EMBASSY_KINDS)


def test_daect_turns_off_the_summary_of_its_daily_digest(client, daect):
    client.force_login(daect)
    form = client.get(URL).context["form"]
    assert form[field_name(SUMMARY)].initial == "digest"
    assert [value for value, _label in form.fields[field_name(SUMMARY)].choices] == [
        "digest",
        "off",
    ]
    data = {field_name(kind): "immediate" for kind in (OPINION, *_notices("daect"))}
    client.post(URL, data | {field_name(SUMMARY): "off"})
    assert _saved(daect)[SUMMARY] == "off"


def test_it_answers_405_to_another_method(client, member):
    client.force_login(member)
    assert client.put(URL).status_code == 405


def test_the_profile_page_links_to_the_preferences_and_the_deadlines(client, member):
    client.force_login(member)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert URL in html and reverse("notifications:deadlines") in html
