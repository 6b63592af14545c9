"""Every back-office list costs the same number of queries whatever its length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory
from tests.labellisation.factories import LabelFactory
from tests.organisations.factories import CollectivityFactory

pytestmark = pytest.mark.django_db

LISTS = {
    "admin:labellisation_label_changelist": LabelFactory,
    "admin:accounts_membership_changelist": MembershipFactory,
    "admin:accounts_user_changelist": EmbassyAgentFactory,
    "admin:organisations_collectivity_changelist": CollectivityFactory,
}


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", LISTS)
def test_the_list_query_count_does_not_grow_with_rows(client, daect, name):
    client.force_login(daect)
    factory = LISTS[name]
    factory.create_batch(2)
    few = _queries(client, reverse(name))
    factory.create_batch(20)
    assert _queries(client, reverse(name)) == few


EXPORTS = {
    "admin:accounts_membership_changelist": MembershipFactory,
    "admin:accounts_user_changelist": EmbassyAgentFactory,
    "admin:organisations_collectivity_changelist": CollectivityFactory,
}


def _export_queries(client, url: str, model) -> int:
    data = {"action": "export_csv", "select_across": "1", "index": "0"}
    data["_selected_action"] = list(model.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data)
    assert response["Content-Type"].startswith("text/csv")
    assert (
        len(response.content.decode("utf-8-sig").splitlines()) == len(data["_selected_action"]) + 1
    )
    return len(captured)


@pytest.mark.parametrize("name", EXPORTS)
def test_the_csv_export_query_count_does_not_grow_with_rows(client, daect, name):
    client.force_login(daect)
    factory = EXPORTS[name]
    model = factory._meta.model
    factory.create_batch(2)
    few = _export_queries(client, reverse(name), model)
    factory.create_batch(20)
    assert _export_queries(client, reverse(name), model) == few
