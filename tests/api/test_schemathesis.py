"""Schemathesis against the OpenAPI document: no server error, every answer as documented.

Hypothesis draws the requests from the document (filters, pages, ids). In CI (CI set)
the draws are derandomised by the profile of tests/security/conftest.py, loaded here
too; the number of examples per operation is kept small so that the suite stays short.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.data import labelled, mission, published, region
from tests.organisations.factories import CollectivityFactory
from tests.security import conftest as _hypothesis_profiles  # noqa: F401  (CI derandomised)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "25"))


@pytest.fixture
def wsgi_app():
    """The project's WSGI application, which keeps the test's database connection (and its
    transaction) open between requests, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, client):
    """The document the API serves, over a small public record (so ids and pages exist)."""
    label = labelled(CollectivityFactory(region=region()))
    label.collectivity.languages.add("en")
    mission(collectivity=label.collectivity)
    published(with_file=True)
    document = client.get("/api/v1/openapi.json").json()
    return schemathesis.openapi.from_dict(document)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_its_document_says(case, wsgi_app):
    response = case.call(app=wsgi_app)
    case.validate_response(response, checks=CHECKS)


def test_ci_draws_the_same_examples_at_each_run():
    # The profile of tests/security/conftest.py: derandomised when CI is set.
    if os.environ.get("CI"):
        assert hypothesis_settings.default.derandomize
        assert hypothesis_settings.default.database is None
