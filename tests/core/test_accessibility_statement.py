"""The accessibility statement tells the truth: « non conforme » until an audit."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from expect.core.accessibility import Compliance, read_compliance

pytestmark = pytest.mark.django_db
URL = reverse("core:accessibility")


def test_it_says_non_compliant_with_its_date_and_plan_until_an_audit(client):
    page = client.get(URL).content.decode()
    assert "<strong>non conforme</strong>" in page
    assert "01/12/2026" in page
    assert "Schéma pluriannuel" in page or "Plan pluriannuel" in page
    assert "Défenseur des droits" in page


def test_after_an_audit_it_shows_the_status_date_and_rate(client, settings):
    settings.ACCESSIBILITY = Compliance("partially_compliant", datetime.date(2027, 3, 15), 72)
    page = client.get(URL).content.decode()
    assert "<strong>partiellement conforme</strong>" in page
    assert "15/03/2027" in page
    assert "72" in page


def test_it_is_read_the_same_in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(URL).content.decode()
    assert "<strong>non compliant</strong>" in page
    assert "01/12/2026" in page


@pytest.mark.parametrize(
    ("status", "audit_date", "rate"),
    [
        ("partiellement_conforme", "", ""),  # Not a known status.
        ("partially_compliant", "", "70"),  # No audit, no compliance claimed.
        ("fully_compliant", "", ""),
        ("partially_compliant", "2026-02-30", "70"),  # Not a date.
        ("partially_compliant", "15/03/2026", "70"),
        ("partially_compliant", "2026-03-15", ""),  # Partial without its rate.
        ("partially_compliant", "2026-03-15", "120"),
        ("fully_compliant", "2026-03-15", "90"),
        ("non_compliant", "2999-01-01", ""),  # An audit in the future.
    ],
)
def test_an_inconsistent_setting_stops_the_start(status, audit_date, rate):
    with pytest.raises(ImproperlyConfigured):
        read_compliance(status, audit_date, rate)


def test_a_consistent_setting_is_read():
    assert read_compliance("non_compliant", "", "") == Compliance("non_compliant", None, None)
    found = read_compliance("fully_compliant", "2026-03-15", "")
    assert found.audit_date == datetime.date(2026, 3, 15)
