"""Every URL of the URL conf, probed with hostile ids and parameters: never a server error.

Path arguments get ids no row has, ids beyond any integer column, words where numbers
go; the query gets the parameter names the portal's lists and filters read, each with
a value a careless `int()` or a database would choke on. Whatever the answer (400,
404, the list unfiltered, a redirection), it is never a 5xx.
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import get_resolver

from tests.security.test_permission_matrix import walk
from tests.security.world import World

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
PATH_VALUES = [HUGE, "abc", "0"]
QUERY_NAMES = [
    "page",
    "theme",
    "themes",
    "experts",
    "year",
    "q",
    "kind",
    "region",
    "country",
    "language",
    "languages",
    "sdg",
    "sdgs",
    "state",
    "collectivity",
    "need",
    "mission",
    "embassy",
    "urgency",
    "o",
    "p",
    "e",
    "id",
    "pk",
    "next",
    "format",
    "new-TOTAL_FORMS",
    "new-INITIAL_FORMS",
]
QUERY_VALUES = [HUGE, "abc", "1e400", "-1", "²", "", "1" * 400]
ROLES = ("visitor", "member_a", "embassy_x", "expert_on", "daect")
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def site_routes() -> list[str]:
    return sorted({route for route, _name in walk(get_resolver()) if "(?P" not in route})


def probe_paths(route: str) -> list[str]:
    if not PARAMETER.search(route):
        return ["/" + route]
    return ["/" + PARAMETER.sub(value, route) for value in PATH_VALUES]


def _send(client, method: str, url: str, data: dict | None = None):
    with transaction.atomic():
        response = getattr(client, method)(url, data or {})
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("role", ROLES)
def test_hostile_ids_in_every_path_give_no_server_error(client, world: World, role):
    if world.users[role] is not None:
        client.force_login(world.users[role])
    errors = []
    for route in site_routes():
        for url in probe_paths(route):
            for method in ("get", "post"):
                status = _send(client, method, url).status_code
                if status >= 500:
                    errors.append((method, url, status))
    assert not errors


@pytest.mark.parametrize("value", QUERY_VALUES)
@pytest.mark.parametrize("role", ("visitor", "member_a", "daect"))
def test_hostile_query_parameters_on_every_page_give_no_server_error(
    client, world: World, role, value
):
    if world.users[role] is not None:
        client.force_login(world.users[role])
    query = dict.fromkeys(QUERY_NAMES, value)
    errors = []
    for route in site_routes():
        url = "/" + PARAMETER.sub(lambda m: _real_id(world, m), route)
        status = _send(client, "get", url, query).status_code
        if status >= 500:
            errors.append((url, status))
    assert not errors


def _real_id(world: World, match: re.Match) -> str:
    """An existing object's id, so that the view goes as far as reading its query."""
    return str(world.objects["mission"].pk) if match.group(1) == "int" else "x"


@pytest.mark.parametrize("value", QUERY_VALUES[:4])
def test_hostile_filters_on_every_admin_list_give_no_server_error(client, world: World, value):
    from django.contrib import admin
    from django.urls import reverse

    client.force_login(world.users["daect"])
    errors = []
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        names = ["q", "o", "p", "id__exact", "pk"]
        for item in model_admin.list_filter:
            field = item if isinstance(item, str) else getattr(item, "parameter_name", None)
            if isinstance(item, tuple):
                field = item[0]
            if field:
                names += [field, f"{field}__exact", f"{field}__id__exact"]
        url = reverse(f"{info}_changelist")
        status = _send(client, "get", url, dict.fromkeys(names, value)).status_code
        if status >= 500:
            errors.append((url, status))
        for object_id in (HUGE, "abc"):
            change = reverse(f"{info}_change", args=[object_id])
            if (status := _send(client, "get", change).status_code) >= 500:
                errors.append((change, status))
    assert not errors
