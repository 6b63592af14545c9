"""No cache keeps a signed-in person's pages or any download: Cache-Control private, no-store."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.labellisation.factories import MINIMAL_PDF
from tests.reports.test_library import published

pytestmark = pytest.mark.django_db


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def test_a_signed_in_page_is_private_and_not_stored(client):
    client.force_login(UserFactory())

    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


def test_a_public_page_seen_signed_in_is_not_stored_either(client):
    client.force_login(UserFactory())

    response = client.get(reverse("labellisation:catalogue"))

    assert {"private", "no-store"} <= cache_control(response)


def test_a_visitor_s_public_page_may_be_cached(client):
    response = client.get(reverse("labellisation:catalogue"))

    assert "no-store" not in cache_control(response)


def test_a_download_is_never_stored_even_for_a_visitor(client):
    report = published(publish_file=True, file=ContentFile(MINIMAL_PDF, name="r.pdf"))

    response = client.get(reverse("reports:library_report_file", args=[report.pk]))

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)
