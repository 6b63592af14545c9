"""Every CSV and XLSX export of every back-office list: it answers, it reads in French,
it never carries a live formula, and it costs the same queries whatever its length."""

from __future__ import annotations

import csv
import datetime
import io
import itertools

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from expect.accounts.models import User
from expect.core.admin_tools import export_csv, export_xlsx
from expect.core.exports import FORMULA_STARTS, cell, neutralise
from expect.notifications.models import Reminder
from expect.organisations.models import Collectivity, Embassy
from labellisation.models import LabelApplication
from missions.models import MissionProposal, MissionRequest
from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory
from tests.accounts.test_registration import URL as REGISTER
from tests.accounts.test_registration import _data as registration
from tests.labellisation.factories import LabelApplicationFactory, LabelFactory
from tests.missions.factories import MissionProposalFactory, MissionRequestFactory
from tests.organisations.factories import CollectivityFactory
from tests.reports.factories import MissionReportFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'
_counter = itertools.count()


def _every_export():
    for model, modeladmin in admin.site._registry.items():
        for function, name, _description in modeladmin._get_base_actions():
            if function in (export_csv, export_xlsx):
                yield pytest.param(model, name, id=f"{model._meta.label}-{name}")


EXPORTS = list(_every_export())


def _build_world() -> None:
    """One object of every exported kind; names and reasons typed as formulas."""
    n = next(_counter)
    label = LabelFactory()
    LabelApplicationFactory(
        state=LabelApplication.State.REFUSED, decision_reason=FORMULA, decided_at=timezone.now()
    )
    MissionRequestFactory(state=MissionRequest.State.DECLINED, decision_reason=f"-{FORMULA}")
    MissionProposalFactory(state=MissionProposal.State.DECLINED, answer_reason=f"+{FORMULA}")
    report = MissionReportFactory(evaluation=f"@{FORMULA}")
    agent = EmbassyAgentFactory()
    MembershipFactory(collectivity=label.collectivity)
    Reminder.objects.create(
        kind="reports.report_due",
        content_type=ContentType.objects.get_for_model(report),
        object_id=report.pk,
        step=f"d-{n}",
        due_on=timezone.localdate(),
        recipient=agent,
        recipient_key=f"user:{agent.pk}",
        email=agent.email,
        subject=f"\t{FORMULA}",
    )
    # As typed at registration and on the profiles: every name is a formula.
    User.objects.update(first_name=FORMULA, last_name=f"\r{FORMULA}")
    Collectivity.objects.update(name=FORMULA)
    for embassy in Embassy.objects.filter(name__startswith="Ambassade"):
        embassy.name = f"{FORMULA} {embassy.pk}"
        embassy.save(update_fields=["name"])


def _post_export(client, model, action):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    pks = list(model._default_manager.values_list("pk", flat=True))
    data = {"action": action, "select_across": "1", "index": "0", "_selected_action": pks}
    return client.post(url, data)


def _cells(response, action) -> list[list]:
    if action == "export_csv":
        text = response.content.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text), delimiter=";"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.fixture
def staff(client, daect):
    client.force_login(daect)
    return client


@pytest.mark.parametrize(("model", "action"), EXPORTS)
def test_it_exports_every_list_without_a_live_formula(staff, model, action):
    _build_world()

    response = _post_export(staff, model, action)

    assert response.status_code == 200, response.content[:500]
    rows = _cells(response, action)
    assert len(rows) == model._default_manager.count() + 1
    texts = [value for row in rows for value in row if isinstance(value, str)]
    assert not [text for text in texts if text.startswith(FORMULA_STARTS)]
    assert any(text.lstrip("'-+@\t\r").startswith("=HYPERLINK") for text in texts)
    if action == "export_xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


@pytest.mark.parametrize(("model", "action"), EXPORTS)
def test_the_export_costs_the_same_queries_at_two_sizes(
    staff, django_assert_num_queries, model, action
):
    _build_world()
    with CaptureQueriesContext(connection) as few:
        assert _post_export(staff, model, action).status_code == 200
    _build_world()
    _build_world()

    with django_assert_num_queries(len(few)):
        assert _post_export(staff, model, action).status_code == 200


def test_the_headers_dates_and_choices_read_in_french(staff):
    application = LabelApplicationFactory(
        state=LabelApplication.State.REFUSED,
        decision_reason="Hors programme",
        # 13:05 UTC on 1 December is 14:05 in Paris.
        decided_at=datetime.datetime(2026, 12, 1, 13, 5, tzinfo=datetime.UTC),
    )

    rows = _cells(_post_export(staff, LabelApplication, "export_csv"), "export_csv")

    header, row = rows
    assert header[0] == "Référence"
    assert row[0] == application.reference
    assert "État" in header and row[header.index("État")] == "Refusée"
    assert row[header.index("Décidée le")] == "01/12/2026 14:05"


def test_the_headers_follow_the_users_language(staff, settings):
    LabelApplicationFactory()
    staff.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = _post_export(staff, LabelApplication, "export_csv")

    header = _cells(response, "export_csv")[0]
    assert header[0] == "Reference"
    assert "State" in header


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_it_neutralises_each_formula_start(start):
    assert neutralise(f"{start}1+1") == f"'{start}1+1"


def test_it_keeps_plain_text_numbers_and_booleans():
    assert neutralise("Lyon") == "Lyon"
    assert cell(-3) == -3
    assert cell(True) == "Oui"
    assert cell(None) == ""


def test_a_name_typed_as_a_formula_at_registration_is_exported_as_text(client, staff):
    commune = CollectivityFactory(name="Villeurbanne")
    client.logout()
    client.post(REGISTER, registration(commune.siren, first_name=FORMULA, last_name="-Moreau"))
    user = User.objects.get(email="lea.moreau@mairie.example.fr")
    assert user.first_name == FORMULA
    client.force_login(User.objects.get(role="daect"))

    for action in ("export_csv", "export_xlsx"):
        rows = _cells(_post_export(client, User, action), action)
        first_names = [row[rows[0].index("Prénom")] for row in rows[1:]]
        assert f"'{FORMULA}" in first_names
