"""The booklet is built by a task, once, into storage, and never inside a request.

The story: a visitor asks for a booklet → it is being prepared, one task is queued
however many ask → the task stores the file → the next request serves it; publishing
or withdrawing a report makes the next request ask for a new one.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from expect.core import pdf
from reports import services
from reports.models import Booklet, MissionReport
from tests.core.test_pdf import pdf_text
from tests.organisations.factories import ThemeFactory
from tests.reports.factories import MissionReportFactory
from tests.reports.test_library import mission, published

pytestmark = pytest.mark.django_db

BOOKLET = reverse("reports:booklet")


@pytest.fixture
def theme():
    theme = ThemeFactory()
    published("Premier rapport.", theme=theme)
    return theme


def ask(client, theme, **extra):
    return client.get(BOOKLET, {"theme": theme.pk}, **extra)


def test_the_first_request_says_the_booklet_is_being_prepared(client, queued, theme):
    response = ask(client, theme)
    assert response.status_code == 202
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert "en cours de préparation" in page
    assert 'role="status"' in page
    # Without the script, the visitor asks again by following the same link.
    assert f'href="{BOOKLET}?theme={theme.pk}"' in page


def test_the_request_lays_out_no_pdf(client, queued, theme, monkeypatch):
    monkeypatch.setattr(pdf, "render_html_pdf", lambda *args: pytest.fail("rendered in a request"))
    assert ask(client, theme).status_code == 202


def test_any_number_of_requests_queue_a_single_task(client, queued, theme):
    for _ in range(5):
        assert ask(client, theme).status_code == 202
    assert len(queued.ids) == 1
    assert Booklet.objects.count() == 1


def test_the_same_reports_asked_in_another_way_are_the_same_booklet(client, queued, theme):
    ask(client, theme)
    client.get(BOOKLET, {"theme": theme.pk, "q": "  ", "page": "3", "country": ""})
    assert len(queued.ids) == 1


def test_the_task_stores_the_file_and_the_next_request_serves_it(client, queued, theme):
    ask(client, theme)
    queued.run()
    booklet = Booklet.objects.get()
    assert booklet.state == Booklet.State.READY
    assert default_storage.exists(booklet.file.name)
    response = ask(client, theme)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Premier rapport." in pdf_text(response.getvalue())
    assert queued.ids == []


def test_a_head_request_tells_whether_it_is_ready(client, queued, theme):
    ask(client, theme)
    assert client.head(BOOKLET, {"theme": theme.pk}).status_code == 202
    queued.run()
    ready = client.head(BOOKLET, {"theme": theme.pk})
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"


def test_publishing_a_report_makes_a_new_booklet(
    client, queued, theme, daect, django_capture_on_commit_callbacks
):
    ask(client, theme)
    queued.run()
    report = MissionReportFactory(
        mission=mission(theme=theme), summary="Rapport publié ensuite.", state="accepted"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(report=report, by=daect)
    assert ask(client, theme).status_code == 202
    assert len(queued.ids) == 1
    queued.run()
    assert "Rapport publié ensuite." in pdf_text(ask(client, theme).getvalue())
    # The booklet of the older generation is gone, with its file.
    assert Booklet.objects.count() == 1


def test_withdrawing_a_report_makes_a_new_booklet(
    client, queued, theme, daect, django_capture_on_commit_callbacks
):
    ask(client, theme)
    queued.run()
    report = MissionReport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_unpublish(report=report, by=daect, reason="Données sensibles.")
    # Nothing left to gather: no stale booklet is served.
    assert ask(client, theme).status_code == 404


def test_each_language_has_its_own_booklet(client, queued, theme, settings):
    ask(client, theme)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    ask(client, theme)
    assert len(queued.ids) == 2


def test_a_booklet_past_the_cap_asks_to_narrow_the_filter(client, queued, theme, settings):
    settings.BOOKLET_MAX_REPORTS = 2
    published(theme=theme)
    published(theme=theme)
    response = ask(client, theme)
    assert response.status_code == 422
    page = response.content.decode()
    assert "au plus 2 rapports" in page and "affinez" in page
    # Back to the library with the same filters, to narrow them.
    assert f"{reverse('reports:library')}?theme={theme.pk}" in page
    assert queued.ids == [] and not Booklet.objects.exists()


def test_a_task_that_failed_is_queued_again_after_a_minute(client, queued, theme):
    ask(client, theme)
    queued.ids.clear()
    Booklet.objects.update(state=Booklet.State.FAILED)
    assert ask(client, theme).status_code == 202
    assert queued.ids == []
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        ask(client, theme)
        ask(client, theme)
    assert len(queued.ids) == 1


def test_a_booklet_whose_worker_died_is_queued_again_once(client, queued, theme, settings):
    ask(client, theme)
    queued.ids.clear()
    later = timezone.now() + timedelta(seconds=settings.BOOKLET_REQUEUE_AFTER + 1)
    with time_machine.travel(later):
        ask(client, theme)
        ask(client, theme)
    assert len(queued.ids) == 1


def test_the_task_of_a_ready_booklet_does_nothing(client, queued, theme, monkeypatch):
    ask(client, theme)
    booklet_id = queued.ids[0]
    queued.run()
    monkeypatch.setattr(pdf, "render_html_pdf", lambda *args: pytest.fail("rendered twice"))
    queued.ids.append(booklet_id)
    queued.run()


def test_a_broker_out_of_reach_still_gives_the_page_and_a_retry(client, theme, monkeypatch):
    from reports import tasks

    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.build_booklet, "delay", down)
    assert ask(client, theme).status_code == 202
    assert Booklet.objects.get().state == Booklet.State.FAILED


def test_a_booklet_whose_file_is_gone_is_built_again(client, queued, theme):
    ask(client, theme)
    queued.run()
    default_storage.delete(Booklet.objects.get().file.name)
    assert ask(client, theme).status_code == 202
    assert len(queued.ids) == 1
    queued.run()
    assert ask(client, theme).status_code == 200


def test_a_filter_no_longer_valid_never_makes_a_broader_booklet(client, queued, theme):
    ask(client, theme)
    published("Un autre thème.")
    Booklet.objects.update(params={"theme": "999999"})
    with pytest.raises(ValueError):
        queued.run()
    assert Booklet.objects.get().state == Booklet.State.FAILED


def test_the_worker_builds_a_booklet_at_a_lower_cpu_priority(monkeypatch, settings):
    from reports import tasks

    settings.BOOKLET_TASK_NICENESS = 10
    asked = []
    monkeypatch.setattr(tasks.os, "nice", lambda increment: asked.append(increment) or 0)
    tasks._yield_the_cpu()
    assert asked == [0, 10]
