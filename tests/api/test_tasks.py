"""The hourly task makes the bulk files before anybody asks for them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expect.api import datasets
from expect.api.registry import DATASETS
from expect.api.tasks import build_datasets
from tests.api.data import labelled

pytestmark = pytest.mark.django_db


def test_it_makes_every_file_not_made_yet(client):
    labelled()
    assert build_datasets() == len(DATASETS) * len(datasets.FORMATS)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("api:dataset", args=["labels", "csv"])).status_code == 200
    assert len(queries) == 0


def test_it_makes_nothing_twice():
    build_datasets()
    assert build_datasets() == 0
