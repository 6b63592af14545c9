"""References are stored at creation and found however they are typed, wherever people look."""

import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from expect.core.references import parse_reference
from labellisation import services as labellisation
from labellisation.models import LabelApplication
from missions.models import Mission, MissionRequest
from reports.models import MissionReport
from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory
from tests.core.test_pdf import pdf_text
from tests.labellisation.factories import LabelApplicationFactory, complete_application
from tests.missions.factories import MissionFactory, MissionRequestFactory
from tests.reports.factories import MissionReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_each_object_gets_its_reference_when_it_is_created():
    application = LabelApplicationFactory()
    mission = MissionFactory()
    assert application.reference == f"EXPE-CT-{application.pk:06d}"
    assert mission.reference == f"EXPE-CT-M-{mission.pk:05d}"
    assert mission.request.reference == f"EXPE-CT-B-{mission.request.pk:05d}"
    application.refresh_from_db()
    assert application.reference == f"EXPE-CT-{application.pk:06d}"


def test_two_objects_cannot_share_a_reference():
    first, second = LabelApplicationFactory(), LabelApplicationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        LabelApplication.objects.filter(pk=second.pk).update(reference=first.reference)


@pytest.mark.parametrize(
    "typed", ["EXPE-CT-000002", "expe-ct-000002", " Expe-Ct-2 ", "000002", "2"]
)
def test_a_reference_is_read_with_or_without_its_prefix_in_any_case(typed):
    assert parse_reference(typed, "EXPE-CT-", 6) == "EXPE-CT-000002"


@pytest.mark.parametrize("typed", ["EXPE-CT-M-00003", "Lyon", "EXPE-CT-", "EXPE-CT-2x", ""])
def test_what_is_not_an_application_reference_is_not_read_as_one(typed):
    assert parse_reference(typed, "EXPE-CT-", 6) is None


def test_the_migration_fills_in_the_references_of_existing_rows():
    application, mission = LabelApplicationFactory(), MissionFactory()
    LabelApplication.objects.update(reference=None)
    Mission.objects.update(reference=None)
    MissionRequest.objects.update(reference=None)
    importlib.import_module("labellisation.migrations.0004_tl_references").backfill(apps, None)
    importlib.import_module("missions.migrations.0004_tl_references").backfill(apps, None)
    application.refresh_from_db()
    mission.refresh_from_db()
    assert application.reference == f"EXPE-CT-{application.pk:06d}"
    assert mission.reference == f"EXPE-CT-M-{mission.pk:05d}"


@pytest.mark.parametrize("typed", ["reference", "lower", "number"])
def test_the_admin_search_finds_an_application_however_its_reference_is_typed(client, daect, typed):
    wanted, other = LabelApplicationFactory(), LabelApplicationFactory()
    text = {
        "reference": wanted.reference,
        "lower": wanted.reference.lower(),
        "number": str(wanted.pk),
    }[typed]
    client.force_login(daect)
    url = reverse("admin:labellisation_labelapplication_changelist")
    response = client.get(url, {"q": text})
    found = list(response.context["cl"].result_list)
    assert wanted in found
    if typed != "number":  # a bare number may also be a word of a name ("Commune 11")
        assert other not in found
    assert wanted.reference in response.content.decode()  # shown in the list


def test_the_admin_search_finds_a_mission_its_need_and_its_report(client, daect):
    report = MissionReportFactory()
    mission = report.mission
    MissionFactory()  # another one
    client.force_login(daect)
    lists = {
        "admin:missions_mission_changelist": (mission.reference.lower(), mission),
        "admin:missions_missionrequest_changelist": (mission.request.reference, mission.request),
        "admin:reports_missionreport_changelist": (mission.reference, report),
    }
    for name, (text, wanted) in lists.items():
        found = list(client.get(reverse(name), {"q": text}).context["cl"].result_list)
        assert found == [wanted], name


def test_the_change_page_shows_the_reference(client, daect):
    mission = MissionFactory()
    client.force_login(daect)
    page = client.get(reverse("admin:missions_mission_change", args=[mission.pk]))
    assert mission.reference in page.content.decode()


def test_the_e_mail_subject_carries_the_reference(django_capture_on_commit_callbacks):
    application = complete_application()
    with django_capture_on_commit_callbacks(execute=True):
        labellisation.application_submit(application=application, by=application.created_by)
    subjects = [message.subject for message in mail.outbox]
    assert subjects and all(application.reference in subject for subject in subjects)


def test_the_receipt_and_the_mission_sheet_print_the_reference(client, daect):
    application = complete_application(
        state=LabelApplication.State.SUBMITTED, submitted_at=timezone.now()
    )
    mission = MissionFactory()
    client.force_login(daect)
    receipt = client.get(reverse("labellisation:application_receipt", args=[application.pk]))
    assert application.reference in pdf_text(receipt.content)
    sheet = client.get(reverse("missions:mission_sheet", args=[mission.pk]))
    assert mission.reference in pdf_text(sheet.content)


def test_the_embassy_finds_its_need_by_reference_in_its_list(client):
    agent = EmbassyAgentFactory()
    wanted = MissionRequestFactory(embassy=agent.embassy, created_by=agent)
    MissionRequestFactory(embassy=agent.embassy, created_by=agent)
    client.force_login(agent)
    for typed in (wanted.reference.lower(), str(wanted.pk)):
        response = client.get(reverse("missions:request_list"), {"reference": typed})
        assert [need.pk for need in response.context["page_obj"].object_list] == [wanted.pk]


def test_the_library_finds_a_report_by_its_mission_reference(client):
    wanted, other = (
        MissionReportFactory(
            state=MissionReport.State.ACCEPTED,
            submitted_at=timezone.now(),
            is_published=True,
            published_at=timezone.now(),
        )
        for _ in range(2)
    )
    response = client.get(reverse("reports:library"), {"q": wanted.mission.reference.lower()})
    assert [r.pk for r in response.context["page_obj"].object_list] == [wanted.pk]
    assert other.pk != wanted.pk


def test_a_member_finds_nothing_of_another_collectivity_by_reference(client):
    other = LabelApplicationFactory()
    member = MembershipFactory(state="active").user
    client.force_login(member)
    url = reverse("labellisation:application_detail", args=[other.pk])
    assert client.get(url).status_code == 404


def test_rows_inserted_in_bulk_get_their_references_in_one_update():
    from expect.core.references import fill_references

    application = LabelApplicationFactory()
    LabelApplication.objects.filter(pk=application.pk).update(reference=None)
    assert fill_references(LabelApplication) == 1
    application.refresh_from_db()
    assert application.reference == f"EXPE-CT-{application.pk:06d}"
