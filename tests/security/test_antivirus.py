"""Every upload is scanned by a real ClamAV daemon before anyone may use it.

The daemon (tests/security/clamd.py) runs on a database of one signature, the EICAR test
string. An infected file is refused on every form, with its reason, and logged; a clean
one is kept, marked scanned. With the daemon stopped, a file is kept but held (« en
attente d'analyse »), not downloadable, until the retry task scans it once the daemon is
back. Without CLAMAV_URL (a local run), files are kept "not scanned" and usable.
"""

from __future__ import annotations

import logging

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from expect.core.models import ScanState
from expect.core.tasks import scan_held_uploads
from expect.core.uploads.scan import ScannerUnavailable, find_virus
from labellisation.services import missing_for_submission as missing_for_application
from reports.services import missing_for_submission as missing_for_report
from tests.labellisation.factories import complete_application
from tests.reports.factories import MissionReportFactory
from tests.security.pdf_corpus import EICAR, VISIBLE_TEXT, pdf_with_eicar, plain, visible_text
from tests.security.upload_forms import FORMS, downloaded, stored_state

pytestmark = pytest.mark.django_db

INFECTED = "L’antivirus a trouvé un virus ou un code malveillant dans ce fichier"
HELD = "en attente d’analyse"


def clean_pdf() -> bytes:
    return plain(lambda pdf: None)


def test_the_daemon_finds_the_test_virus_and_nothing_in_a_clean_file(scanning):
    assert find_virus(EICAR) == "Expect.Test.EICAR.UNOFFICIAL"
    assert find_virus(pdf_with_eicar()) == "Expect.Test.EICAR.UNOFFICIAL"
    assert find_virus(clean_pdf()) is None


def test_a_stopped_daemon_is_unavailable_not_clean(scanning):
    scanning.stop()
    with pytest.raises(ScannerUnavailable):
        find_virus(clean_pdf())


@pytest.mark.parametrize("form_name", FORMS)
@pytest.mark.parametrize(
    "content", [lambda: EICAR, pdf_with_eicar], ids=["EICAR file", "PDF carrying EICAR"]
)
def test_an_infected_file_is_refused_logged_and_not_kept(
    client, world, scanning, caplog, form_name, content
):
    before = stored_state(world)
    with caplog.at_level(logging.WARNING, logger="expect.uploads"):
        response = FORMS[form_name].post(client, world, SimpleUploadedFile("lettre.pdf", content()))
    assert response.status_code == 200
    assert INFECTED in response.content.decode()
    assert stored_state(world) == before
    assert "Expect.Test.EICAR" in caplog.text


@pytest.mark.parametrize("form_name", FORMS)
def test_a_clean_file_is_kept_scanned_and_served(client, world, scanning, form_name):
    form = FORMS[form_name]
    form.post(client, world, SimpleUploadedFile("lettre.pdf", clean_pdf()))
    document = form.latest(world)
    assert document.scan_state == ScanState.CLEAN and document.scanned_at is not None
    assert VISIBLE_TEXT in visible_text(downloaded(form.download(client, world, document)))


@pytest.mark.parametrize("form_name", FORMS)
def test_with_the_daemon_down_a_file_is_held_then_scanned_when_it_is_back(
    client, world, scanning, form_name
):
    form = FORMS[form_name]
    scanning.stop()
    response = form.post(client, world, SimpleUploadedFile("lettre.pdf", clean_pdf()))
    document = form.latest(world)
    assert document.scan_state == ScanState.PENDING
    held = form.download(client, world, document)
    assert held.status_code == 409 and HELD in held.content.decode()
    assert HELD in response.content.decode().lower()  # the list of documents says so

    assert scan_held_uploads() == 0  # still down: nothing changes
    scanning.start()
    assert scan_held_uploads() >= 1
    document.refresh_from_db()
    assert document.scan_state == ScanState.CLEAN
    assert VISIBLE_TEXT in visible_text(downloaded(form.download(client, world, document)))


@pytest.mark.parametrize("form_name", FORMS)
def test_a_held_file_found_infected_later_is_deleted_and_never_served(
    client, world, scanning, caplog, form_name
):
    form = FORMS[form_name]
    scanning.stop()
    form.post(client, world, SimpleUploadedFile("lettre.pdf", pdf_with_eicar()))
    document = form.latest(world)
    assert document.scan_state == ScanState.PENDING
    scanning.start()
    with caplog.at_level(logging.WARNING, logger="expect.uploads"):
        scan_held_uploads()
    document.refresh_from_db()
    assert document.scan_state == ScanState.INFECTED
    assert document.scan_detail == "Expect.Test.EICAR.UNOFFICIAL"
    assert not document.file.storage.exists(document.file.name)
    assert form.download(client, world, document).status_code == 409
    assert "is infected" in caplog.text


@pytest.mark.parametrize("form_name", FORMS)
def test_without_a_scanner_configured_a_file_is_kept_unscanned_and_usable(
    client, world, settings, form_name
):
    settings.CLAMAV_URL = ""
    form = FORMS[form_name]
    form.post(client, world, SimpleUploadedFile("lettre.pdf", clean_pdf()))
    document = form.latest(world)
    assert document.scan_state == ScanState.UNSCANNED
    assert form.download(client, world, document).status_code == 200


def test_an_unscanned_file_is_held_once_a_scanner_is_configured_then_scanned(
    client, world, scanning
):
    form = FORMS["need document"]
    document = world.need_attachment  # stored before scanning existed
    assert document.scan_state == ScanState.UNSCANNED
    assert form.download(client, world, document).status_code == 409
    scan_held_uploads()
    document.refresh_from_db()
    assert document.scan_state == ScanState.CLEAN
    assert form.download(client, world, document).status_code == 200


def test_a_commitment_letter_found_infected_is_missing_for_the_submission(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = complete_application()
    assert missing_for_application(application) == []
    application.attachments.update(scan_state=ScanState.INFECTED)
    assert missing_for_application(application) == [
        "la lettre d’engagement signée de l’exécutif ou la délibération"
    ]


def test_a_report_file_found_infected_is_missing_for_the_submission(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = MissionReportFactory(file=ContentFile(clean_pdf(), name="rapport.pdf"))
    assert missing_for_report(report) == []
    report.scan_state = ScanState.INFECTED
    assert missing_for_report(report) == ["le rapport au format PDF"]
