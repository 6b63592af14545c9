"""GET /api/v1/reports/: the published reports, their files only through the library."""

import pytest
from django.urls import reverse

from reports.models import MissionReport
from tests.api.data import mission, published
from tests.reports.factories import MissionReportFactory

pytestmark = pytest.mark.django_db

REPORTS = reverse("api:report-list")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_it_lists_a_published_report_with_a_link_to_its_library_page(client):
    report = published()
    row = client.get(REPORTS).json()["results"][0]
    assert row["id"] == report.pk
    assert row["page_url"].endswith(reverse("reports:library_report", args=[report.pk]))
    assert row["file_url"] is None


@pytest.mark.parametrize(
    "state",
    [
        MissionReport.State.DRAFT,
        MissionReport.State.SUBMITTED,
        MissionReport.State.REVISION_REQUESTED,
        MissionReport.State.ACCEPTED,
    ],
)
def test_it_never_lists_a_report_that_is_not_published(client, state):
    MissionReportFactory(mission=mission(), state=state)
    assert ids(client.get(REPORTS)) == []


def test_a_published_file_is_linked_through_the_librarys_download(client):
    report = published(with_file=True)
    row = client.get(REPORTS).json()["results"][0]
    download = reverse("reports:library_report_file", args=[report.pk])
    assert row["file_url"].endswith(download)
    assert report.file.name not in client.get(REPORTS).content.decode()
    assert client.get(download).status_code == 200


def test_a_file_kept_private_is_not_linked(client):
    report = published(with_file=True)
    MissionReport.objects.filter(pk=report.pk).update(publish_file=False)
    assert client.get(REPORTS).json()["results"][0]["file_url"] is None


def test_it_filters_by_country_and_year_as_the_library_does(client):
    wanted = published(country="MA", year=2024)
    published(country="SN", year=2024)
    published(country="MA", year=2025)
    assert ids(client.get(REPORTS, {"country": "MA", "year": 2024})) == [wanted.pk]


def test_an_unpublished_report_is_a_404(client):
    report = MissionReportFactory(mission=mission(), state=MissionReport.State.ACCEPTED)
    assert client.get(reverse("api:report-detail", args=[report.pk])).status_code == 404
