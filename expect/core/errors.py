"""Error pages in the State design system, with a way back for the user."""

import sys

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from .dbdown import database_unavailable, is_database_error


def _error(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    context = {"status": status, "title": title, "text": text}
    return render(request, "core/error.html", context, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    # With the database gone, saving the session fails and Django reports it as an
    # interrupted session (400): what the visitor needs is the 503 page.
    if is_database_error(exception):
        return database_unavailable(request, exception)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _error(
        request,
        403,
        _("Access denied"),
        _("You are not allowed to see this page. If you think this is a mistake, contact DAECT."),
    )


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _error(
        request,
        404,
        _("Page not found"),
        _("The page you are looking for cannot be found, or you are not allowed to see it."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # A lost database raised outside a view (a middleware saving the session, say)
    # is no bug of ours: the visitor gets the 503 page, as from a view.
    exception = sys.exc_info()[1]
    if is_database_error(exception):
        return database_unavailable(request, exception)
    return _error(
        request,
        500,
        _("Unexpected error"),
        _("Sorry, the service met an error. Our team has been told; please try again later."),
    )
