"""The back office's and the portal's big lists read an index, not the whole table.

PostgreSQL only: a few thousand rows, ANALYZE, then each list's own queries (captured
from the view) are EXPLAINed with the planner left free to choose a sequential scan;
none of the queries that read a page of the list may choose one on the big table.
"""

import copy
import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expect.accounts.models import User
from expect.organisations.models import Collectivity
from missions.models import MissionRequest
from tests.missions.factories import MissionRequestFactory
from tests.organisations.factories import CollectivityFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner"),
]
ROWS = 3000


def _copies(instance, make):
    """ROWS rows like `instance`, each changed by make(row, i), inserted at once."""
    rows = []
    for i in range(ROWS):
        row = copy.copy(instance)
        row.pk = row.id = None
        make(row, i)
        rows.append(row)
    type(instance).objects.bulk_create(rows, batch_size=1000)


def _analyze(*models) -> None:
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def _page_queries(client, url: str, table: str) -> list[str]:
    """The queries of the view that read a page of rows (ORDER BY … LIMIT) from `table`."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [
        q["sql"]
        for q in captured.captured_queries
        if f'FROM "{table}"' in q["sql"] and "ORDER BY" in q["sql"] and "LIMIT" in q["sql"]
    ]


def _scans(sql: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql.replace("%", "%%"))
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found, nodes = set(), [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        if node["Node Type"] == "Seq Scan":
            found.add(node["Relation Name"])
        nodes.extend(node.get("Plans", []))
    return found


def _assert_reads_an_index(client, url: str, model) -> None:
    table = model._meta.db_table
    queries = _page_queries(client, url, table)
    assert queries, f"no paged query on {table} in {url}"
    for sql in queries:
        assert table not in _scans(sql), sql


def test_the_collectivity_list_reads_its_name_index(client, daect):
    def make(row, i):
        row.name, row.siren, row.insee_code = f"Commune {i:05}", None, f"T{i:04}"
        row.kind = Collectivity.Kind.DEPARTEMENT

    _copies(CollectivityFactory(), make)
    _analyze(Collectivity)
    client.force_login(daect)
    _assert_reads_an_index(
        client, reverse("admin:organisations_collectivity_changelist"), Collectivity
    )


def test_the_account_list_reads_its_name_index(client, daect):
    def make(row, i):
        row.email, row.last_name = f"agent-{i}@example.org", f"Nom {i:05}"

    _copies(User.objects.get(pk=daect.pk), make)
    _analyze(User)
    client.force_login(daect)
    _assert_reads_an_index(client, reverse("admin:accounts_user_changelist"), User)


@pytest.mark.parametrize(
    "url", ["admin:missions_missionrequest_changelist", "missions:request_list"]
)
def test_the_needs_lists_read_their_date_index(client, daect, url):
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)

    def make(row, i):
        row.reference, row.created_at = None, start + datetime.timedelta(hours=i)

    _copies(MissionRequestFactory(state=MissionRequest.State.SUBMITTED), make)
    _analyze(MissionRequest)
    client.force_login(daect)
    _assert_reads_an_index(client, reverse(url), MissionRequest)
