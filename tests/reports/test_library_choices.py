"""The library's filter offers each country once, however many reports come from it."""

import pytest

from reports.filters import country_choices
from tests.reports.factories import MissionReportFactory

pytestmark = pytest.mark.django_db


def _published(**kwargs):
    report = MissionReportFactory(state="accepted", **kwargs)
    report.is_published = True
    report.save()
    return report


def test_it_lists_a_country_of_several_reports_once():
    for _ in range(3):
        _published()
    assert country_choices() == [("SN", "Sénégal")]
