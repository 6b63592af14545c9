"""The library page offers the booklet of what it shows (reports/includes/booklet_panel.html)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.organisations.factories import ThemeFactory
from tests.reports.test_library import published

pytestmark = pytest.mark.django_db

LIBRARY = reverse("reports:library")
BOOKLET = reverse("reports:booklet")


def test_it_offers_the_booklet_of_the_whole_library(client):
    published()
    page = client.get(LIBRARY).content.decode()
    assert f'href="{BOOKLET}"' in page
    assert "Livret de capitalisation de toute la bibliothèque" in page


def test_it_offers_the_booklet_of_any_filter(client):
    theme = ThemeFactory()
    published(theme=theme, year=2024, country="ML")
    page = client.get(LIBRARY, {"theme": theme.pk, "country": "ML", "page": "1"}).content.decode()
    assert f'href="{BOOKLET}?theme={theme.pk}&amp;country=ML"' in page
    assert "Livret de capitalisation : 1 rapport" in page


def test_it_offers_no_empty_booklet(client):
    published()
    theme = ThemeFactory()  # no report
    assert BOOKLET not in client.get(LIBRARY, {"theme": theme.pk}).content.decode()


def test_past_the_cap_it_asks_to_narrow_the_filters(client, settings):
    settings.BOOKLET_MAX_REPORTS = 1
    published()
    published()
    page = client.get(LIBRARY).content.decode()
    assert BOOKLET not in page
    assert "au plus 1 rapports et ces filtres en retiennent 2" in page


def test_the_offer_costs_no_query_of_its_own(client, settings):
    published()
    client.get(LIBRARY)  # the menus' counts are kept after the first visit
    with CaptureQueriesContext(connection) as offered:
        client.get(LIBRARY)
    settings.BOOKLET_MAX_REPORTS = 0  # unreachable: the panel then shows the cap message
    with CaptureQueriesContext(connection) as capped:
        client.get(LIBRARY)
    assert len(offered) == len(capped)
