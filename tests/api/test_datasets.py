"""The bulk files: CSV and JSON with their Table Schema, made once per generation."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expect.api.registry import DATASETS
from expect.core import generations
from labellisation.models import Label
from tests.api.data import labelled, mission, published, region
from tests.organisations.factories import CollectivityFactory

pytestmark = pytest.mark.django_db

PARSE = {
    "integer": int,
    "number": float,
    "string": str,
    "date": datetime.date.fromisoformat,
    "datetime": datetime.datetime.fromisoformat,
    "boolean": {"true": True, "false": False}.__getitem__,
}
JSON_TYPES = {"integer": int, "number": (int, float), "boolean": bool}
LISTS = {
    "labels": "api:label-list",
    "collectivities": "api:collectivity-list",
    "missions": "api:mission-list",
    "reports": "api:report-list",
}


@pytest.fixture
def record():
    """Public rows of each dataset (a mission's proposal brings a label too), and a
    revoked label that must stay out."""
    label = labelled(CollectivityFactory(region=region()))
    label.collectivity.languages.add("en")
    labelled(state=Label.State.REVOKED)
    mission(collectivity=label.collectivity)
    published(with_file=True)
    return label


def schema_of(client, name: str) -> dict:
    response = client.get(reverse("api:dataset_schema", args=[name]))
    assert response.status_code == 200
    return response.json()


def download(client, name: str, fmt: str):
    response = client.get(reverse("api:dataset", args=[name, fmt]))
    assert response.status_code == 200
    return response


def listed(client, name: str) -> list[int]:
    """The ids the API lists for the dataset: the file must hold the same rows."""
    results = client.get(reverse(LISTS[name]), {"page_size": 100}).json()["results"]
    return sorted(row["id"] for row in results)


def check_cell(field: dict, value: str) -> None:
    if value == "":
        assert not field.get("constraints", {}).get("required"), field["name"]
        return
    PARSE[field["type"]](value)


@pytest.mark.parametrize("name", list(DATASETS))
def test_the_csv_file_matches_its_schema(client, record, name):
    schema = schema_of(client, name)
    response = download(client, name, "csv")
    assert response["Content-Type"].startswith("text/csv")
    assert f"expe-ct-{name}.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [field["name"] for field in schema["fields"]]
    assert sorted(int(row[0]) for row in rows[1:]) == listed(client, name)
    for row in rows[1:]:
        for field, value in zip(schema["fields"], row, strict=True):
            check_cell(field, value)


@pytest.mark.parametrize("name", list(DATASETS))
def test_the_json_file_matches_its_schema(client, record, name):
    schema = schema_of(client, name)
    rows = json.loads(download(client, name, "json").content)
    assert sorted(row["id"] for row in rows) == listed(client, name)
    for row in rows:
        assert list(row) == [field["name"] for field in schema["fields"]]
        for field in schema["fields"]:
            value = row[field["name"]]
            if value is None:
                assert not field.get("constraints", {}).get("required"), field["name"]
            elif field["type"] in JSON_TYPES:
                assert isinstance(value, JSON_TYPES[field["type"]]), field["name"]
            else:
                check_cell(field, value)


def test_a_schema_names_its_licence_and_describes_each_column_in_french(client):
    schema = schema_of(client, "labels")
    assert schema["licenses"][0]["name"] == "etalab-2.0"
    assert schema["primaryKey"] == "id"
    assert schema["fields"][0]["description"] == "Identifiant du label."


def test_an_unknown_dataset_is_a_404(client):
    assert client.get("/api/v1/datasets/experts.csv").status_code == 404
    assert client.get("/api/v1/datasets/experts.schema.json").status_code == 404


def test_the_file_is_made_once_per_generation(client, record):
    download(client, "missions", "csv")
    with CaptureQueriesContext(connection) as queries:
        again = download(client, "missions", "csv")
    assert len(queries) == 0
    assert again.content.count(b"\n") == 1 + len(listed(client, "missions"))


def test_a_new_generation_makes_the_file_afresh(client, record):
    before = download(client, "reports", "json").content
    published()
    assert download(client, "reports", "json").content == before  # still the same generation
    generations.bump_now(generations.LIBRARY)
    assert (
        len(json.loads(download(client, "reports", "json").content))
        == 2
        == len(listed(client, "reports"))
    )


def test_the_files_hold_no_contact_of_a_collectivity(client):
    labelled(CollectivityFactory(email="mairie@example.fr", phone="+33472000000"))
    body = download(client, "collectivities", "csv").content.decode()
    assert "mairie@example.fr" not in body
    assert "+33472000000" not in body


def test_a_file_says_when_it_was_made(client, record):
    response = download(client, "labels", "csv")
    assert response["Last-Modified"]
    assert (
        response["Link"] == f'<{reverse("api:dataset_schema", args=["labels"])}>; rel="describedby"'
    )


def test_a_file_answers_head_too(client):
    response = client.head(reverse("api:dataset", args=["labels", "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
