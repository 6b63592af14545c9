"""Visitors' public pages come from a shared cache, renewed as soon as what they show changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expect.core import public_pages
from labellisation import services as label_services
from reports import services as report_services
from reports.models import MissionReport
from tests.accounts.factories import UserFactory
from tests.labellisation.test_catalogue import labelled
from tests.organisations.factories import CollectivityFactory
from tests.reports.test_library import published

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("labellisation:catalogue")
LIBRARY = reverse("reports:library")


@pytest.fixture(autouse=True)
def public_cache(settings):
    """The cache on, in a memory of this test's own (the suite's Redis is shared)."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "public-page-cache-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


def visitor() -> Client:
    return Client()


def test_a_second_visitor_gets_the_page_without_a_query():
    labelled(CollectivityFactory(name="Villeurbanne"))
    first = visitor().get(CATALOGUE)

    with CaptureQueriesContext(connection) as queries:
        second = visitor().get(CATALOGUE)

    assert first["X-Public-Cache"] == "miss"
    assert second["X-Public-Cache"] == "hit"
    assert len(queries) == 0
    assert "Villeurbanne" in second.content.decode()
    assert second["ETag"] == first["ETag"]


def test_a_report_published_is_in_the_library_for_the_next_visitor(
    django_capture_on_commit_callbacks,
):
    visitor().get(LIBRARY)
    report = published(summary="Gestion des déchets à Thiès")
    MissionReport.objects.filter(pk=report.pk).update(is_published=False)
    daect = UserFactory(role="daect", is_staff=True)
    assert "Gestion des déchets" not in visitor().get(LIBRARY).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_publish(report=report, by=daect)

    response = visitor().get(LIBRARY)
    assert response["X-Public-Cache"] == "miss"
    assert "Gestion des déchets" in response.content.decode()


def test_a_suspended_label_leaves_the_catalogue_at_once(django_capture_on_commit_callbacks):
    label = labelled(CollectivityFactory(name="Villeurbanne"))
    assert "Villeurbanne" in visitor().get(CATALOGUE).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        label_services.label_suspend(
            label=label, by=UserFactory(role="daect", is_staff=True), reason="Contrôle en cours"
        )

    assert "Villeurbanne" not in visitor().get(CATALOGUE).content.decode()


def test_the_language_of_one_visitor_never_reaches_another(settings):
    english = visitor()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english.get(CATALOGUE)

    french = visitor().get(CATALOGUE)

    assert french["Content-Language"] == "fr"
    assert '<html lang="fr"' in french.content.decode()
    assert visitor().get(CATALOGUE)["X-Public-Cache"] == "hit"


def test_a_signed_in_page_is_never_kept_nor_served_from_the_cache(client):
    user = UserFactory(first_name="Camille", last_name="Agent")
    visitor().get(CATALOGUE)
    client.force_login(user)

    signed_in = client.get(CATALOGUE)

    assert "X-Public-Cache" not in signed_in
    assert "Camille" in signed_in.content.decode()
    assert {"private", "no-store"} <= public_pages._cache_control(signed_in)
    assert "Camille" not in visitor().get(CATALOGUE).content.decode()


def test_each_visitor_gets_a_language_form_that_works_with_their_own_token(settings):
    visitor().get(CATALOGUE)
    second = Client(enforce_csrf_checks=True)

    page = second.get(CATALOGUE)
    assert page["X-Public-Cache"] == "hit"
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert token != "__csrf_token__"

    answer = second.post(
        reverse("set_language"),
        {"language": "en", "next": CATALOGUE, "csrfmiddlewaretoken": token},
    )

    assert answer.status_code == 302
    assert second.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_a_browser_with_the_current_copy_gets_a_304():
    etag = visitor().get(CATALOGUE)["ETag"]

    response = visitor().get(CATALOGUE, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert response.content == b""


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page():
    visitor().get(CATALOGUE)
    with_message = visitor()
    with_message.cookies["messages"] = "anything"

    assert "X-Public-Cache" not in with_message.get(CATALOGUE)


def test_the_security_headers_are_on_a_page_from_the_cache():
    visitor().get(CATALOGUE)

    hit = visitor().get(CATALOGUE)

    assert hit["X-Public-Cache"] == "hit"
    assert "default-src 'self'" in hit["Content-Security-Policy"]
    assert hit["X-Frame-Options"] == "DENY"


def test_a_missing_page_is_not_kept():
    missing = reverse("labellisation:collectivity_detail", args=[999_999])

    assert visitor().get(missing).status_code == 404
    assert visitor().get(missing).status_code == 404
    assert "X-Public-Cache" not in visitor().get(missing)


def test_a_page_of_the_members_area_is_never_cached():
    response = visitor().get(reverse("accounts:login"))

    assert "X-Public-Cache" not in response


def test_the_order_of_the_query_string_does_not_make_another_copy():
    visitor().get(CATALOGUE + "?a=1&b=2")

    assert visitor().get(CATALOGUE + "?b=2&a=1")["X-Public-Cache"] == "hit"


def test_a_flood_of_long_query_strings_is_rendered_but_not_kept():
    url = CATALOGUE + "?q=" + "x" * 600

    visitor().get(url)

    assert "X-Public-Cache" not in visitor().get(url)


def test_it_can_be_turned_off(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    visitor().get(CATALOGUE)

    assert "X-Public-Cache" not in visitor().get(CATALOGUE)


PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("paris_time", "kept"),
    [
        (dt.datetime(2026, 12, 1, 12, 0, tzinfo=PARIS), 600),
        (dt.datetime(2026, 12, 1, 23, 58, tzinfo=PARIS), 120),
        (dt.datetime(2026, 12, 1, 23, 59, 59, tzinfo=PARIS), 1),
        (dt.datetime(2026, 12, 2, 0, 0, tzinfo=PARIS), 600),
    ],
)
def test_no_page_is_kept_past_midnight_in_paris(paris_time, kept):
    with time_machine.travel(paris_time, tick=False):
        assert public_pages._seconds_to_keep() == kept


def test_a_theme_renamed_in_the_back_office_shows_at_once(django_capture_on_commit_callbacks):
    label = labelled(CollectivityFactory(name="Villeurbanne"))
    visitor().get(CATALOGUE)
    theme = label.application.theme

    with django_capture_on_commit_callbacks(execute=True):
        theme.name = "Eau et assainissement rural"
        theme.save()

    assert "Eau et assainissement rural" in visitor().get(CATALOGUE).content.decode()


def test_a_draft_report_saved_leaves_the_library_in_the_cache(django_capture_on_commit_callbacks):
    draft = published(summary="Brouillon")
    MissionReport.objects.filter(pk=draft.pk).update(is_published=False)
    draft.refresh_from_db()
    visitor().get(LIBRARY)

    with django_capture_on_commit_callbacks(execute=True):
        draft.summary = "Brouillon revu"
        draft.save()

    assert visitor().get(LIBRARY)["X-Public-Cache"] == "hit"


def test_the_same_visitor_browsing_on_gets_the_kept_pages():
    browsing = visitor()
    browsing.get(CATALOGUE)
    browsing.get(LIBRARY)

    assert browsing.get(CATALOGUE)["X-Public-Cache"] == "hit"
    assert browsing.get(LIBRARY)["X-Public-Cache"] == "hit"
