"""Where the antivirus is found (CLAMAV_URL), and what is said when there is none."""

from __future__ import annotations

import pytest
from clamav_client.clamd import ClamdNetworkSocket, ClamdUnixSocket
from django.urls import reverse

from expect.core.system_checks import check_antivirus
from expect.core.uploads import scan


@pytest.mark.parametrize(
    ("url", "kind", "where"),
    [
        ("unix:///run/clamav/clamd.ctl", ClamdUnixSocket, "/run/clamav/clamd.ctl"),
        ("/run/clamav/clamd.ctl", ClamdUnixSocket, "/run/clamav/clamd.ctl"),
        ("tcp://127.0.0.1:3310", ClamdNetworkSocket, ("127.0.0.1", 3310)),
    ],
)
def test_it_reaches_clamd_by_a_unix_socket_or_tcp(settings, url, kind, where):
    settings.CLAMAV_URL = url
    client = scan._client()
    assert isinstance(client, kind)
    if kind is ClamdUnixSocket:
        assert client.unix_socket == where
    else:
        assert (client.host, client.port) == where


def test_check_deploy_warns_when_uploads_are_not_scanned(settings):
    settings.CLAMAV_URL = ""
    assert [w.id for w in check_antivirus(None)] == ["expect.W001"]
    settings.CLAMAV_URL = "unix:///run/clamav/clamd.ctl"
    assert check_antivirus(None) == []


def test_nothing_is_scanned_and_nothing_held_without_a_scanner(settings):
    settings.CLAMAV_URL = ""
    assert scan.scan_upload(b"%PDF-1.7", name="lettre.pdf").state == "unscanned"
    assert scan.scan_held() == 0


@pytest.mark.django_db
def test_the_admin_says_on_every_page_that_uploads_are_not_scanned(client, daect, settings):
    settings.CLAMAV_URL = ""
    client.force_login(daect)
    page = client.get(reverse("admin:index")).content.decode()
    assert 'id="uploads-unscanned"' in page
    assert "ne sont pas analysés par un antivirus" in page


@pytest.mark.django_db
def test_the_admin_says_nothing_when_a_scanner_is_configured(client, daect, settings):
    settings.CLAMAV_URL = "unix:///run/clamav/clamd.ctl"
    client.force_login(daect)
    assert 'id="uploads-unscanned"' not in client.get(reverse("admin:index")).content.decode()


def test_beat_scans_the_held_uploads_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["uploads-scan-held"]
    assert entry["task"] == "core.scan_held_uploads"
    assert len(entry["schedule"].minute) == 12
    from expect.celery import app

    app.loader.import_default_modules()
    assert "core.scan_held_uploads" in app.tasks
