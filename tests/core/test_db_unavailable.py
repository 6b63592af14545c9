"""While the database cannot be reached, visitors get a clean 503 page, never a traceback."""

from contextlib import contextmanager

import pytest
from django.contrib.sessions.exceptions import SessionInterrupted
from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError, connection
from django.test import RequestFactory
from django.urls import reverse

from expect.core.errors import bad_request, server_error

pytestmark = pytest.mark.django_db


@contextmanager
def database_down(error=OperationalError, only: str = ""):
    """Every query (or those starting with `only`) fails as when PostgreSQL restarts."""

    def refuse(execute, sql, params, many, context):
        if not sql.startswith(only):
            return execute(sql, params, many, context)
        raise error("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield


def test_it_answers_503_with_retry_after_when_a_page_cannot_reach_the_database(client):
    with database_down():
        response = client.get(reverse("labellisation:catalogue"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]


def test_the_503_page_is_the_portal_page_in_french_without_a_traceback(client):
    with database_down():
        page = client.get(reverse("reports:library")).content.decode()

    assert '<html lang="fr"' in page
    assert "fr-header" in page
    assert "Erreur 503" in page
    assert "Traceback" not in page
    assert "server closed the connection" not in page


def test_a_signed_in_member_whose_session_cannot_be_read_gets_the_503_page(client, member):
    client.force_login(member)

    with database_down(InterfaceError):
        response = client.get(reverse("labellisation:application_list"))

    assert response.status_code == 503


def test_a_driver_error_that_django_did_not_wrap_also_gets_the_503_page(client):
    # Closing a cursor whose server went away raises the driver's own error.
    with database_down(connection.Database.OperationalError):
        response = client.get(reverse("labellisation:catalogue"))

    assert response.status_code == 503


def test_a_session_that_could_not_be_saved_gets_the_503_page_not_a_400():
    # Django's SessionMiddleware reports a save that failed on a lost database as an
    # interrupted session (400), raised while handling the database error.
    request = RequestFactory().get("/")
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as error:
            raise SessionInterrupted("The request's session was deleted.") from error
    except SessionInterrupted as interrupted:
        response = bad_request(request, interrupted)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_the_site_answers_again_once_the_database_is_back(client):
    with database_down():
        assert client.get(reverse("labellisation:catalogue")).status_code == 503

    assert client.get(reverse("labellisation:catalogue")).status_code == 200


def test_a_database_error_outside_a_view_also_gets_the_503_page():
    # Raised by a middleware (the session being saved), it reaches handler500.
    request = RequestFactory().get("/")
    try:
        raise OperationalError("could not connect to server")
    except OperationalError:
        response = server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_any_other_bad_request_keeps_the_400_page():
    response = bad_request(RequestFactory().get("/"), SuspiciousOperation("odd"))

    assert response.status_code == 400


def test_any_other_error_keeps_the_500_page():
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)

    assert response.status_code == 500
    assert "Retry-After" not in response
