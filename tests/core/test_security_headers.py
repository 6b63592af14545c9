"""Every response carries the portal's security headers: pages, back office, PDFs and files.

The Content-Security-Policy lets nothing run but the portal's own script files; the
browser journeys (tests/browser) show that no page breaks it.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.labellisation.factories import MINIMAL_PDF, LabelApplicationFactory, LabelFactory
from tests.reports.test_library import published

pytestmark = pytest.mark.django_db

FEATURES_DENIED = ("camera", "microphone", "geolocation", "payment", "usb")


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy as {directive: [sources]}."""
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


def assert_hardened(response) -> None:
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    denied = [feature.strip() for feature in response["Permissions-Policy"].split(",")]
    assert all(f"{feature}=()" in denied for feature in FEATURES_DENIED), denied
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_a_public_page_is_hardened(client):
    response = client.get(reverse("labellisation:catalogue"))
    assert response.status_code == 200
    assert_hardened(response)


def test_a_member_page_is_hardened(client, member):
    client.force_login(member)
    response = client.get(reverse("organisations:my_collectivity"))
    assert response.status_code == 200
    assert_hardened(response)


def test_the_admin_login_is_hardened(client):
    assert_hardened(client.get(reverse("admin:login")))
    # The back office may send DAECT on to the portal's sign-in (second factor): that too.
    response = client.get(reverse("admin:login"), follow=True)
    assert response.status_code == 200
    assert_hardened(response)


def test_a_pdf_is_hardened(client, member):
    label = LabelFactory(application=LabelApplicationFactory(created_by=member, state="granted"))
    client.force_login(member)
    response = client.get(reverse("labellisation:label_certificate", args=[label.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert_hardened(response)


def test_a_file_download_is_hardened(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = published(publish_file=True, file=ContentFile(MINIMAL_PDF, name="r.pdf"))
    response = client.get(reverse("reports:library_report_file", args=[report.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert_hardened(response)


def test_an_error_page_is_hardened(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_hardened(response)


def test_no_inline_script_nor_eval_is_ever_allowed(client):
    csp = policy(client.get(reverse("core:home")))
    for directive in ("default-src", "script-src", "style-src"):
        assert "'unsafe-inline'" not in csp[directive]
        assert "'unsafe-eval'" not in csp[directive]
    assert not any(name.startswith(("script-src-", "style-src-")) for name in csp)


def test_https_is_enforced_for_a_year_in_production(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True
    response = client.get(reverse("core:home"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
