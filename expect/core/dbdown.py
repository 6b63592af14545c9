"""A clean 503 page while the database cannot be reached, instead of a 500 traceback.

When PostgreSQL restarts or fails over, the requests that need it meanwhile fail
with `OperationalError` or `InterfaceError`. The visitor is told that the service
is momentarily unavailable and when to try again; the application itself needs no
restart: with CONN_HEALTH_CHECKS on, the next request opens a fresh connection.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Seconds a client (or a proxy, or a crawler) should wait before trying again.
RETRY_AFTER = 30


def _driver_errors() -> tuple[type[BaseException], ...]:
    """The driver's own errors: Django does not wrap every driver call (closing a cursor
    whose server went away raises psycopg2's OperationalError, not Django's)."""
    driver = connection.Database
    return tuple(getattr(driver, name) for name in ("OperationalError", "InterfaceError"))


DATABASE_ERRORS = (OperationalError, InterfaceError, *_driver_errors())


def is_database_error(exception: BaseException | None) -> bool:
    """True if the exception, or one it was raised from or while handling, is a lost
    database: the session store, for one, reports a failed save as another error."""
    seen = 0
    while exception is not None and seen < 5:
        if isinstance(exception, DATABASE_ERRORS):
            return True
        exception, seen = exception.__cause__ or exception.__context__, seen + 1
    return False


def database_unavailable(request: HttpRequest, exception: BaseException) -> HttpResponse:
    """The 503 page, rendered without touching the database.

    The signed-in user lives in the session, which lives in the database: the page
    is drawn for an anonymous visitor, and with no flash messages (their fallback
    store is the session too).
    """
    logger.warning("Database unavailable on %s: %s", request.path, exception)
    request.user = AnonymousUser()
    context = {
        "status": 503,
        "title": _("Service temporarily unavailable"),
        "text": _("The service cannot answer right now. Please try again in a few moments."),
        "messages": [],
    }
    response = render(request, "core/error.html", context, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection, raised by a view, into the 503 page.

    Errors raised outside the view (by another middleware, such as the session
    being saved) reach `expect.core.errors.server_error`, which does the same.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_error(exception):
            return database_unavailable(request, exception)
        return None
