"""The report is handed in from the return date on, never before; the draft and its
annexes are saved by the services, which lock the report and check the writer."""

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from expect.core.uploads import accept_upload
from reports import services
from reports.models import MissionReport, ReportAnnex
from tests.accounts.factories import MembershipFactory
from tests.reports.factories import MissionReportFactory

pytestmark = pytest.mark.django_db
RETURN = datetime.date(2027, 3, 20)


def _one_page_pdf() -> bytes:
    # A real PDF: uploads are parsed whole and disarmed (expect.core.uploads).
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = _one_page_pdf()


@pytest.fixture
def report():
    report = MissionReportFactory(file=SimpleUploadedFile("r.pdf", PDF), file_name="r.pdf")
    type(report.mission).objects.filter(pk=report.mission_id).update(return_date=RETURN)
    report.mission.refresh_from_db()
    return report


def _expert(report):
    return report.mission.experts.get()


@pytest.mark.parametrize(
    ("day", "allowed"),
    [
        (RETURN - datetime.timedelta(days=1), False),
        (RETURN, True),
        (RETURN + datetime.timedelta(days=1), True),
    ],
)
def test_the_report_is_handed_in_from_the_return_date_on(report, day, allowed):
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(9)), tick=False):
        if allowed:
            services.report_submit(report=report, by=_expert(report))
        else:
            with pytest.raises(ValidationError) as refused:
                services.report_submit(report=report, by=_expert(report))
            assert refused.value.code == "before_return"
            assert "après le retour" in refused.value.messages[0]
    report.refresh_from_db()
    assert report.state == (MissionReport.State.SUBMITTED if allowed else MissionReport.State.DRAFT)


def test_the_draft_is_saved_by_an_expert_of_the_team(report, django_capture_on_commit_callbacks):
    old = report.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.report_save_draft(
            report=report,
            by=_expert(report),
            content={"summary": "Nouveau résumé", "state": "accepted"},
            upload=accept_upload(SimpleUploadedFile("v2.pdf", PDF)),
        )
    report.refresh_from_db()
    assert (report.summary, report.state, report.file_name) == (
        "Nouveau résumé",
        MissionReport.State.DRAFT,
        "v2.pdf",
    )
    assert not report.file.storage.exists(old)


def test_nobody_else_saves_the_draft_nor_after_submission(report):
    stranger = MembershipFactory(state="active").user
    with pytest.raises(PermissionDenied):
        services.report_save_draft(report=report, by=stranger, content={"summary": "x"})
    MissionReport.objects.filter(pk=report.pk).update(state=MissionReport.State.SUBMITTED)
    with pytest.raises(ValidationError):
        services.report_save_draft(report=report, by=_expert(report), content={"summary": "x"})
    report.refresh_from_db()
    assert report.summary != "x"


def test_an_annex_is_added_by_the_service_while_the_report_is_open(report):
    upload = accept_upload(SimpleUploadedFile("photo.pdf", PDF), images=True)
    annex = services.annex_add(report=report, by=_expert(report), upload=upload)
    assert annex.report == report and annex.uploaded_by == _expert(report)
    MissionReport.objects.filter(pk=report.pk).update(state=MissionReport.State.SUBMITTED)
    with pytest.raises(ValidationError):
        services.annex_add(
            report=report,
            by=_expert(report),
            upload=accept_upload(SimpleUploadedFile("b.pdf", PDF)),
        )
    assert ReportAnnex.objects.count() == 1
