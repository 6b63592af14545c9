"""Capitalisation booklets: the published reports of any filter of the library in one PDF.

A booklet is never laid out inside a request: a booklet of 200 reports takes seconds
of CPU and hundreds of megabytes. The first request for a filter records a `Booklet`
row (unique per filter, language and generation of the library) and queues one task,
which renders it into storage; every request after it is either told that the booklet
is being prepared or served the stored file. Publishing or withdrawing a report moves
the library to a new generation (expect.core.generations): the next request then asks
for a new booklet, and the task deletes the booklets of older generations.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from expect.core import generations
from expect.core.pdf import render_pdf

from .filters import LibraryFilter
from .models import Booklet, MissionReport

FAILED_RETRY_AFTER = timedelta(minutes=1)
logger = logging.getLogger(__name__)


def max_reports() -> int:
    return settings.BOOKLET_MAX_REPORTS


def scope(filterset: LibraryFilter) -> dict[str, str]:
    """The filter in a canonical form: one string per chosen filter, in a fixed order.

    Two URLs that choose the same reports (another order, an empty field, extra spaces
    in the words, a page number) give the same scope, hence the same booklet.
    """
    if not filterset.is_bound:  # the library page without a filter: all of it
        return {}
    data = filterset.form.cleaned_data
    params = {}
    for name in filterset.filters:
        value = data.get(name)
        if value in (None, ""):
            continue
        value = str(getattr(value, "pk", value))
        if name == "q":
            value = " ".join(value.split())
        if value:
            params[name] = value
    return params


def raw_scope(query) -> dict[str, str]:
    """`scope` read from the query string without validating it: the fast path of a
    booklet already asked for (a row exists only for a validated scope, so a scope that
    is not one simply finds no row and goes through `scope`)."""
    params = {}
    for name in LibraryFilter.base_filters:
        value = " ".join(str(query.get(name, "")).split())
        if value:
            params[name] = value
    return params


def url(params: dict[str, str]) -> str:
    """The booklet of these filters (no filter: the whole library)."""
    base = reverse("reports:booklet")
    return f"{base}?{urlencode(params)}" if params else base


def library_url(params: dict[str, str]) -> str:
    """The library page showing the reports of these filters."""
    base = reverse("reports:library")
    return f"{base}?{urlencode(params)}" if params else base


def digest(params: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()


def booklet_reports(params: dict[str, str]) -> QuerySet[MissionReport]:
    """The published reports of the filter, in the order of the missions."""
    filterset = LibraryFilter(params)
    if not filterset.is_valid():  # a theme deleted since: never a broader booklet
        raise ValueError(f"The filter {params} is no longer valid.")
    return filterset.qs.select_related("mission__request").order_by("mission__return_date", "pk")


def existing(params: dict[str, str]) -> Booklet | None:
    """The booklet of these filters in the current language and generation, if asked for."""
    return Booklet.objects.filter(
        generation=generations.current(generations.LIBRARY),
        digest=digest(params),
        language=get_language() or settings.LANGUAGE_CODE,
    ).first()


def request_booklet(params: dict[str, str], *, count: int) -> Booklet:
    """The booklet of these filters; the first request (and only it) queues its task."""
    booklet, created = _get_or_create(params, count)
    if created:
        _queue(booklet.pk)
    else:
        retry_if_stuck(booklet)
    return booklet


def rebuild(booklet: Booklet) -> None:
    """A ready booklet whose file is gone (storage restored, wiped): build it again, once."""
    if Booklet.objects.filter(pk=booklet.pk, state=Booklet.State.READY).update(
        state=Booklet.State.PENDING, queued_at=timezone.now()
    ):
        _queue(booklet.pk)
    booklet.refresh_from_db()


def retry_if_stuck(booklet: Booklet) -> None:
    """Queue again a booklet that failed or whose task never finished (see below)."""
    if _claim_requeue(booklet):
        _queue(booklet.pk)


def _get_or_create(params: dict[str, str], count: int) -> tuple[Booklet, bool]:
    key = {
        "generation": generations.current(generations.LIBRARY),
        "digest": digest(params),
        "language": get_language() or settings.LANGUAGE_CODE,
    }
    try:
        with transaction.atomic():
            return Booklet.objects.get_or_create(
                **key, defaults={"params": params, "report_count": count}
            )
    except IntegrityError:  # another request created it between our read and our write
        return Booklet.objects.get(**key), False


def _claim_requeue(booklet: Booklet) -> bool:
    """Queue again a booklet whose task failed a while ago or never finished (a dead
    worker). The conditional update lets one request only win, however many arrive."""
    now = timezone.now()
    if booklet.state == Booklet.State.FAILED:
        due = booklet.queued_at <= now - FAILED_RETRY_AFTER
    elif booklet.state == Booklet.State.PENDING:
        due = booklet.queued_at <= now - timedelta(seconds=settings.BOOKLET_REQUEUE_AFTER)
    else:
        return False
    if not due:
        return False
    claimed = Booklet.objects.filter(pk=booklet.pk, queued_at=booklet.queued_at).update(
        queued_at=now, state=Booklet.State.PENDING
    )
    if claimed:
        booklet.refresh_from_db()
    return bool(claimed)


def _queue(pk: int) -> None:
    transaction.on_commit(lambda: _send(pk))


def _send(pk: int) -> None:
    """Queue the task; with the broker out of reach, the booklet counts as failed now, so
    that a request a minute later queues it again (the visitor still gets the page)."""
    from .tasks import build_booklet

    try:
        build_booklet.delay(pk)
    except Exception:
        logger.exception("Booklet %s could not be queued.", pk)
        Booklet.objects.filter(pk=pk).update(state=Booklet.State.FAILED, queued_at=timezone.now())


def build(booklet_id: int) -> Booklet | None:
    """Render a booklet into storage (the task's work); nothing to do if it is ready."""
    booklet = Booklet.objects.filter(pk=booklet_id).first()
    if booklet is None or booklet.state == Booklet.State.READY:
        return booklet
    with translation.override(booklet.language):
        try:
            pdf, count = _render(booklet)
        except Exception:
            Booklet.objects.filter(pk=booklet.pk).update(state=Booklet.State.FAILED)
            raise
        name = slugify(" ".join(describe(booklet.params)))[:80] or slugify(_("library"))
    booklet.file_name = f"livret-expe-ct-{name}.pdf"
    booklet.file.save(f"{booklet.digest[:16]}.pdf", ContentFile(pdf), save=False)
    booklet.state, booklet.report_count = Booklet.State.READY, count
    booklet.built_at = timezone.now()
    booklet.save(update_fields=["file", "file_name", "state", "report_count", "built_at"])
    _delete_older(booklet)
    return booklet


class TooManyReports(Exception):
    pass


def _render(booklet: Booklet) -> tuple[bytes, int]:
    reports = list(booklet_reports(booklet.params)[: max_reports() + 1])
    if len(reports) > max_reports():
        raise TooManyReports(booklet.pk)
    context = {
        "reports": reports,
        "scope_lines": describe(booklet.params),
        "whole_library": not booklet.params,
        "show_theme": "theme" not in booklet.params,
        "edited_on": timezone.localdate(),
    }
    return render_pdf("reports/pdf/booklet.html", context), len(reports)


def describe(params: dict[str, str]) -> list[str]:
    """The chosen filters in words, for the cover (the filter's own labels and choices)."""
    filterset = LibraryFilter(params)
    if not filterset.is_valid():
        return []
    data = filterset.form.cleaned_data
    lines = []
    for name in params:
        value = data.get(name)
        if name == "year":
            lines.append(_("Missions of %(year)s") % {"year": value})
        elif name == "country":
            lines.append(dict(filterset.form.fields["country"].choices).get(value, value))
        elif name == "q":
            lines.append(_("Reports with the words “%(words)s”") % {"words": value})
        else:
            lines.append(str(value))
    return lines


def _delete_older(booklet: Booklet) -> None:
    """The booklets of the same filter in older generations will never be served again."""
    older = Booklet.objects.filter(
        digest=booklet.digest, language=booklet.language, generation__lt=booklet.generation
    )
    for old in older:
        if old.file:
            old.file.delete(save=False)
    older.delete()
