"""Each list page costs the same queries whatever the number of rows (two volumes)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.api.data import labelled, mission, published, region
from tests.organisations.factories import CollectivityFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url: str, rows: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200
    assert response.json()["count"] == rows
    return len(queries)


def some_labels(count: int) -> None:
    for _ in range(count):
        label = labelled(CollectivityFactory(region=region()))
        label.collectivity.languages.add("en", "es")
        labelled(label.collectivity)  # two labels for each


def some_reports(count: int) -> None:
    for _ in range(count):
        published(with_file=True)


def some_missions(count: int) -> None:
    for _ in range(count):
        mission(collectivity=CollectivityFactory(region=region()))


@pytest.mark.parametrize(
    ("name", "make", "per_batch"),
    [
        ("api:label-list", some_labels, 2),
        ("api:collectivity-list", some_labels, 1),
        ("api:mission-list", some_missions, 1),
        ("api:report-list", some_reports, 1),
    ],
)
def test_a_page_does_not_cost_more_queries_with_more_rows(client, name, make, per_batch):
    url = reverse(name)
    make(2)
    with_two = queries_for(client, url, 2 * per_batch)
    make(10)
    assert queries_for(client, url, 12 * per_batch) == with_two
