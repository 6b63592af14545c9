"""Generated data posted to every public and member form: never a server error, never a
half-saved object.

Each form's fields are read from its page (so that a new field is fuzzed too); hypothesis
then sends any unicode (NUL included), huge strings, numbers out of range, malformed
dates, wrong choices, missing fields and repeated keys. A refused post (the form shown
again, or any answer other than a redirection) must leave every table as it was.

Run it on PostgreSQL too, which refuses NUL characters where SQLite stores them:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/expect_matrix \
        .venv/bin/pytest tests/security/test_form_fuzzing.py
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expect.accounts.models import Membership, User
from expect.organisations.models import Collectivity
from labellisation.models import (
    ApplicationEvent,
    Attachment,
    CooperationProject,
    LabelApplication,
    Opinion,
    ProposedExpert,
)
from missions.models import Mission, MissionEvent, MissionProposal, MissionRequest
from reports.models import EmbassyComment, MissionReport
from tests.security.world import World

pytestmark = pytest.mark.django_db


@dataclass
class Target:
    role: str
    url: Callable[[World], str]
    method: str = "post"


def _url(name: str, *objects: str, suffix: str = "") -> Callable[[World], str]:
    def build(world: World) -> str:
        args = [o[1:] if o.startswith("=") else world.objects[o].pk for o in objects]
        return reverse(name, args=args) + suffix

    return build


TARGETS = {
    # Public forms.
    "registration": Target("visitor", _url("accounts:register")),
    "sign-in": Target("visitor", _url("accounts:login")),
    "password reset": Target("visitor", _url("accounts:password_reset")),
    "confirmation link again": Target("visitor", _url("accounts:resend_confirmation")),
    "collectivity search": Target("visitor", _url("organisations:search"), "get"),
    "catalogue filters": Target("visitor", _url("labellisation:catalogue"), "get"),
    "certificate verification": Target("visitor", _url("labellisation:verify_form"), "get"),
    "library search and filters": Target("visitor", _url("reports:library"), "get"),
    "booklet": Target("visitor", _url("reports:booklet"), "get"),
    # Members' forms.
    "profile": Target("member_a", _url("accounts:profile")),
    "collectivity profile": Target("member_a", _url("organisations:my_collectivity")),
    "new application": Target("member_a", _url("labellisation:application_create")),
    **{
        f"application step {step}": Target(
            "member_a", _url("labellisation:application_step", "draft", f"={step}")
        )
        for step in ("expertise", "cooperation", "experts", "commitment")
    },
    "application message": Target(
        "member_a", _url("labellisation:application_message", "submitted")
    ),
    "proposal answer (accept)": Target("member_a", _url("missions:proposal_accept", "proposal")),
    "proposal answer (decline)": Target("member_a", _url("missions:proposal_decline", "proposal")),
    "report form": Target("expert_on", _url("reports:report_edit", "mission")),
    # Embassy forms.
    "new need": Target("embassy_x", _url("missions:request_create")),
    "need form": Target("embassy_x", _url("missions:request_edit", "need")),
    "needs filters": Target("embassy_x", _url("missions:request_list"), "get"),
    "opinion": Target("embassy_x", _url("labellisation:opinion_give", "opinion")),
}
# Where a post's fields come from when its page is another one (buttons on a detail page).
FORM_PAGES = {
    "application message": _url("labellisation:application_detail", "submitted"),
    "proposal answer (accept)": _url("missions:proposal_detail", "proposal"),
    "proposal answer (decline)": _url("missions:proposal_detail", "proposal"),
}

FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*?\bname="([^"]+)"')
VALUE = re.compile(r'<(?:option|input)\b[^>]*?\bvalue="([^"]*)"')
NOT_FUZZED = {"csrfmiddlewaretoken", "language", "next"}


# A JSON endpoint has no page to read its fields from.
KNOWN_FIELDS = {"collectivity search": ["q"]}


def _form_fields(client, world: World, name: str) -> tuple[list[str], list[str]]:
    """The field names of the page's forms, and the values its choices offer."""
    if name in KNOWN_FIELDS:
        return KNOWN_FIELDS[name], [""]
    page = client.get((FORM_PAGES.get(name) or TARGETS[name].url)(world)).content.decode()
    names = sorted({html.unescape(n) for n in FIELD.findall(page)} - NOT_FUZZED)
    values = sorted({html.unescape(v) for v in VALUE.findall(page)})
    return names, values or [""]


TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
HOSTILE_VALUE = st.one_of(
    TEXT,
    TEXT.map(lambda text: f"{text}\x00{text}"),
    st.sampled_from(["", " ", "\x00", "\u202e", "\ufeff", "𝕏" * 3, "<script>alert(1)</script>"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["1e309", "NaN", "-inf", "0x10", "٣", "²", "2", "-1", "999999999999"]),
    st.sampled_from(["2026-02-30", "31/12/99999", "0000-00-00", "2026-13-01", "1-1-1", "today"]),
    st.sampled_from([201, 5001, 100_001]).map(lambda n: "é" * n),
)


def _data(fields: list[str], values: list[str]) -> st.SearchStrategy[dict]:
    value = st.one_of(HOSTILE_VALUE, st.sampled_from(values))
    # A list is the same key sent several times.
    field_value = st.one_of(value, st.lists(value, min_size=2, max_size=3))
    known = st.fixed_dictionaries({}, optional=dict.fromkeys(fields, field_value))
    extra = st.dictionaries(TEXT.filter(bool), value, max_size=2)
    return st.builds(lambda a, b: {**b, **a}, known, extra)


COUNTED = [
    User,
    Membership,
    Collectivity,
    LabelApplication,
    CooperationProject,
    ProposedExpert,
    Attachment,
    ApplicationEvent,
    Opinion,
    MissionRequest,
    MissionProposal,
    MissionEvent,
    Mission,
    MissionReport,
    EmbassyComment,
]


def snapshot(world: World) -> dict:
    """The rows of every table a form writes to, and the objects the forms edit."""
    state = {model.__name__: model.objects.count() for model in COUNTED}
    for name in ("collectivity_a", "draft", "need", "report", "proposal", "opinion"):
        obj = world.objects[name]
        state[name] = list(type(obj).objects.filter(pk=obj.pk).values())
    state["member_a"] = list(User.objects.filter(pk=world.users["member_a"].pk).values())
    return state


@pytest.mark.parametrize("name", TARGETS)
def test_generated_posts_never_crash_nor_half_save(client, world, name):
    target = TARGETS[name]
    user = world.users[target.role]
    if user is not None:
        client.force_login(user)
    fields, values = _form_fields(client, world, name)
    assert fields, f"no form field found for {name}"
    before = snapshot(world)
    url = target.url(world)

    @settings(
        max_examples=25,
        deadline=None,
        # Derandomised in CI by the "ci" profile (tests/security/conftest.py).
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=_data(fields, values))
    def post(data):
        # The client runs the on-commit callbacks of each post (tests/conftest.py): an
        # e-mail that cannot be built or sent after the commit fails the test here.
        with transaction.atomic():
            send = client.get if target.method == "get" else client.post
            response = send(url, data)
            assert response.status_code < 500, (data, response.status_code)
            if response.status_code != 302:
                assert snapshot(world) == before, data
            transaction.set_rollback(True)

    post()


@pytest.mark.parametrize("count", ["²", "٣", "-1", "99999999999999999999", ""])
def test_any_count_of_new_experts_is_no_crash(client, world, count):
    # "²".isdigit() is true, but int("²") fails: the count is read with isdecimal().
    client.force_login(world.users["member_a"])
    url = reverse("missions:proposal_accept", args=[world.proposal.pk])
    response = client.post(url, {"new-TOTAL_FORMS": count, "add_expert": "1"})
    assert response.status_code < 500


@pytest.mark.parametrize("name", TARGETS)
def test_a_nul_character_in_every_field_is_refused_cleanly(client, world, name):
    # PostgreSQL refuses NUL in text: it must be stopped before any query.
    target = TARGETS[name]
    if world.users[target.role] is not None:
        client.force_login(world.users[target.role])
    fields, _values = _form_fields(client, world, name)
    before = snapshot(world)
    send = client.get if target.method == "get" else client.post
    response = send(target.url(world), dict.fromkeys(fields, "ab\x00cd"))
    assert response.status_code < 500
    if response.status_code != 302:
        assert snapshot(world) == before


@pytest.mark.parametrize(
    "address",
    ["awa@" + "é" * 62 + ".sn", "awa@exa\u2028mple.sn", "awa@ab\ufffdc.sn", "aïssa@example.sn"],
)
def test_a_new_expert_address_no_message_can_reach_is_refused_before_any_commit(
    client, world, address
):
    client.force_login(world.users["member_a"])
    url = reverse("missions:proposal_accept", args=[world.proposal.pk])
    before = snapshot(world)
    data = {
        "new-TOTAL_FORMS": "1",
        "new-INITIAL_FORMS": "0",
        "new-0-first_name": "Awa",
        "new-0-last_name": "Diop",
        "new-0-email": address,
        "new-0-position": "Ingénieure",
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert "ne peut pas recevoir nos messages" in response.content.decode()
    assert snapshot(world) == before
