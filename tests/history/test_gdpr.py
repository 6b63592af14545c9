"""A person downloads their personal data; DAECT exports it or anonymises a departed
person's account, keeping the programme's records."""

import json

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from expect.accounts import gdpr
from expect.accounts.models import Membership, User
from labellisation.models import ApplicationEvent
from reports.models import EmbassyComment
from tests.accounts.factories import PASSWORD, EmbassyAgentFactory
from tests.labellisation.factories import LabelApplicationFactory
from tests.reports.factories import MissionReportFactory

pytestmark = pytest.mark.django_db
EXPORT = reverse("accounts:personal_data_export")
USERS = reverse("admin:accounts_user_changelist")


@pytest.fixture
def applicant():
    """A member who drafted an application and wrote to DAECT about it."""
    application = LabelApplicationFactory(expertise="Régie de l’eau depuis 1998")
    ApplicationEvent.objects.create(
        application=application,
        kind=ApplicationEvent.Kind.MESSAGE,
        actor=application.created_by,
        comment="Voici la délibération signée.",
    )
    return application.created_by


def test_a_member_downloads_their_own_data(client, applicant):
    someone_else = LabelApplicationFactory(expertise="Transports de l’autre collectivité")
    client.force_login(applicant)
    response = client.get(EXPORT)
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == applicant.email
    assert data["membership"]["collectivity"] == applicant.membership.collectivity.name
    assert [a["expertise"] for a in data["applications_created"]] == ["Régie de l’eau depuis 1998"]
    assert data["messages"][0]["text"] == "Voici la délibération signée."
    text = response.content.decode()
    assert someone_else.created_by.email not in text
    assert "Transports de l’autre collectivité" not in text


def test_an_expert_finds_their_missions_and_report_in_the_export(client):
    report = MissionReportFactory(state="submitted")
    expert = report.mission.experts.get()
    report.submitted_by = expert
    report.save()
    client.force_login(expert)
    data = json.loads(client.get(EXPORT).content)
    assert [m["id"] for m in data["missions_as_expert"]] == [report.mission.pk]
    assert data["reports_submitted"][0]["summary"] == report.summary


def test_an_embassy_agent_finds_their_comments(client):
    report = MissionReportFactory()
    agent = EmbassyAgentFactory()
    EmbassyComment.objects.create(report=report, author=agent, text="Mission très utile.")
    client.force_login(agent)
    data = json.loads(client.get(EXPORT).content)
    assert data["messages"] == [
        {"report": report.pk, "at": data["messages"][0]["at"], "text": "Mission très utile."}
    ]


def test_the_export_needs_a_signed_in_person(client):
    response = client.get(EXPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_export_is_a_get(client, member):
    client.force_login(member)
    assert client.post(EXPORT).status_code == 405


def test_daect_exports_one_persons_data_from_the_admin(staff_client, applicant):
    response = staff_client.post(
        USERS, {"action": "export_personal_data", "_selected_action": [applicant.pk]}
    )
    assert json.loads(response.content)["account"]["email"] == applicant.email


def test_the_admin_export_takes_one_person_at_a_time(staff_client, applicant, member):
    response = staff_client.post(
        USERS,
        {"action": "export_personal_data", "_selected_action": [applicant.pk, member.pk]},
        follow=True,
    )
    assert response["Content-Type"].startswith("text/html")
    assert len(list(response.context["messages"])) == 1


def _anonymise(staff_client, user, **extra):
    data = {"action": "anonymise_accounts", "_selected_action": [user.pk], **extra}
    return staff_client.post(USERS, data)


def test_anonymisation_asks_for_a_confirmation_first(staff_client, applicant):
    response = _anonymise(staff_client, applicant)
    assert response.status_code == 200
    assert applicant.email in response.content.decode()
    applicant.refresh_from_db()
    assert not gdpr.is_anonymised(applicant)


def test_anonymisation_removes_the_person_everywhere_and_keeps_the_records(staff_client, applicant):
    old_email, old_name = applicant.email, applicant.last_name
    applicant.phone = "06 12 34 56 78"
    applicant.save()
    browser = Client()
    browser.force_login(applicant)
    assert browser.get(EXPORT).status_code == 200
    TOTPDevice.objects.create(user=applicant, name="Authenticator app", confirmed=True)
    application = applicant.membership.collectivity.label_applications.get()

    _anonymise(staff_client, applicant, confirm="yes")

    applicant.refresh_from_db()
    assert browser.get(EXPORT)["Location"].startswith(reverse("accounts:login"))  # signed out
    assert applicant.email == f"anonyme-{applicant.pk}@invalid"
    assert str(applicant) == "Compte anonymisé" and applicant.phone == ""
    assert not applicant.has_usable_password() and not applicant.is_active
    assert applicant.membership.state == Membership.State.REFUSED
    assert not TOTPDevice.objects.filter(user=applicant).exists()
    assert not [
        s
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(applicant.pk)
    ]
    past = User.history.filter(id=applicant.pk)
    assert past.count() >= 2
    assert not past.filter(email=old_email).exists()
    assert not past.filter(last_name=old_name).exists()
    assert not past.exclude(phone="").exists()
    # The dossier stays, and its page in the admin names its author "Compte anonymisé".
    application.refresh_from_db()
    assert application.created_by == applicant
    page = staff_client.get(
        reverse("admin:labellisation_labelapplication_change", args=[application.pk])
    )
    assert "Compte anonymisé" in page.content.decode()
    assert old_email not in page.content.decode()


def test_the_anonymised_person_can_no_longer_sign_in(client, staff_client, applicant):
    old_email = applicant.email
    _anonymise(staff_client, applicant, confirm="yes")
    assert not client.login(username=old_email, password=PASSWORD)


def test_only_daect_anonymises(member, applicant):
    with pytest.raises(PermissionDenied):
        gdpr.anonymise(user=applicant, by=member)


def test_nobody_anonymises_their_own_account(daect):
    with pytest.raises(ValidationError):
        gdpr.anonymise(user=daect, by=daect)


def test_an_account_is_anonymised_once(daect, applicant):
    gdpr.anonymise(user=applicant, by=daect)
    with pytest.raises(ValidationError):
        gdpr.anonymise(user=applicant, by=daect)


def test_the_profile_links_to_the_export(client, member):
    client.force_login(member)
    assert EXPORT in client.get(reverse("accounts:profile")).content.decode()
