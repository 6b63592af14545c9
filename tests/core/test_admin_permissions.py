"""Every admin action and every button of an object's page, for each group (and for none).

A staff account sees a button or a list action only if its group holds the action's
permission; posting it anyway is a 403 and the database is left as it was. An allowed
one changes the database. New actions without a case below make the coverage tests fail.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from expect.accounts.groups import (
    ACCOUNTS_GROUP,
    CONSULTATION_GROUP,
    INSTRUCTION_GROUP,
    ensure_groups,
)
from expect.accounts.models import Membership, User
from expect.core.admin_actions import ObjectActionsMixin
from expect.notifications.models import OutboxMessage, Reminder
from expect.organisations.models import Collectivity, Embassy
from labellisation.models import (
    ApplicationEvent,
    CommitteeSession,
    Label,
    LabelApplication,
    Opinion,
)
from missions.models import BudgetLine, Mission, MissionEvent, MissionProposal, MissionRequest
from reports.models import MissionReport, ReportEvent
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.labellisation.factories import (
    CommitteeSessionFactory,
    LabelFactory,
    complete_application,
)
from tests.missions.factories import MissionFactory, MissionProposalFactory, MissionRequestFactory
from tests.organisations.factories import CollectivityFactory, EmbassyFactory
from tests.reports.factories import MissionReportFactory

pytestmark = pytest.mark.django_db

GROUPS = {
    "none": None,
    "consultation": CONSULTATION_GROUP,
    "instruction": INSTRUCTION_GROUP,
    "accounts": ACCOUNTS_GROUP,
}
PROGRAMME = {"instruction"}
MEMBERSHIPS = {"instruction", "accounts"}
ACCOUNTS = {"accounts"}
READERS = {"consultation", "instruction"}  # who reads the programme's records
ALL_READERS = {"consultation", "instruction", "accounts"}
NOBODY: set[str] = set()
# The rows whose change the walk looks for: the programme's records, their histories,
# accounts and second-factor devices.
WATCHED = [
    LabelApplication,
    Label,
    Opinion,
    ApplicationEvent,
    CommitteeSession,
    MissionRequest,
    MissionProposal,
    Mission,
    MissionEvent,
    BudgetLine,
    MissionReport,
    ReportEvent,
    Membership,
    User,
    TOTPDevice,
    StaticDevice,
    Reminder,
    OutboxMessage,
]
_days = itertools.count(40)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staff():
    """One DAECT staff account per group (and one in none), second factor given."""
    ensure_groups()
    accounts = {}
    for key, group in GROUPS.items():
        user = UserFactory(role=User.Role.DAECT, is_staff=True, last_name=f"Agent {key}")
        if group:
            user.groups.add(Group.objects.get(name=group))
        accounts[key] = user
    return accounts


def fingerprint(*extra) -> dict:
    models = [*WATCHED, *extra]
    # last_login moves when signing in, which is not what an action changes.
    return {
        m._meta.label: list(m._base_manager.order_by("pk").values())
        if m is not User
        else list(User.objects.order_by("pk").values(*_user_fields()))
        for m in models
    }


def _user_fields() -> list[str]:
    return [f.attname for f in User._meta.concrete_fields if f.name != "last_login"]


# --- The objects, each in a state where the action applies. ----------------------------


def _now():
    return timezone.now()


def submitted():
    return complete_application(state=LabelApplication.State.SUBMITTED, submitted_at=_now()), {}


def in_review():
    return complete_application(state=LabelApplication.State.IN_REVIEW, submitted_at=_now())


def committee(deadline_in: int = 10):
    day = timezone.localdate() + timedelta(days=next(_days))
    return CommitteeSessionFactory(date=day, application_deadline=day - timedelta(days=5))


def late_committee():
    day = timezone.localdate() + timedelta(days=next(_days))
    return CommitteeSessionFactory(
        date=day, application_deadline=timezone.localdate() - timedelta(days=1)
    )


def with_data(build: Callable, **data) -> Callable:
    """`build()`'s object with the POST data; a callable value is called with the object."""

    def make():
        built = build()
        obj = built[0] if isinstance(built, tuple) else built
        return obj, {k: (v(obj) if callable(v) else v) for k, v in data.items()}

    return make


def daect_colleague(_obj) -> int:
    return UserFactory(role=User.Role.DAECT).pk


def new_committee(_obj) -> int:
    return committee().pk


def new_late_committee(_obj) -> int:
    return late_committee().pk


def submitted_need():
    return MissionRequestFactory(state=MissionRequest.State.SUBMITTED, submitted_at=_now())


def qualified_need():
    return MissionRequestFactory(state=MissionRequest.State.QUALIFIED, submitted_at=_now())


def accepted_proposal():
    return MissionProposalFactory(
        state=MissionProposal.State.ACCEPTED,
        request__state=MissionRequest.State.MATCHED,
        answered_at=_now(),
    )


def planned_mission():
    mission = MissionFactory()
    mission.experts.add(UserFactory(role=User.Role.EXPERT))
    return mission


def mission_in(state):
    return lambda: MissionFactory(state=state)


def mission_on_its_dates(state):
    """A mission whose departure and return have come: the calendar lets it move."""
    today = timezone.localdate()
    return lambda: MissionFactory(
        state=state,
        departure_date=today - timedelta(days=10),
        return_date=today,
    )


def assigned(build):
    """The record, given to a DAECT instructor (so that "assign to nobody" changes it)."""

    def make():
        built = build()
        obj = built[0] if isinstance(built, tuple) else built
        obj.assigned_to = UserFactory(role="daect")
        obj.save(update_fields=["assigned_to"])
        return built

    return make


def failed_outbox_message():
    return OutboxMessage.objects.create(
        name="accounts/invitation",
        to=["agent@example.fr"],
        subject="Invitation",
        body="Bonjour",
        status=OutboxMessage.Status.FAILED,
    )


def report_in(state, **kwargs):
    return lambda: MissionReportFactory(state=state, submitted_at=_now(), **kwargs)


def pending_membership():
    return MembershipFactory()


def member_with_device():
    user = MembershipFactory(state="active").user
    TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    return user


def archived(build):
    def make():
        obj = build()
        obj = obj[0] if isinstance(obj, tuple) else obj
        type(obj)._base_manager.filter(pk=obj.pk).update(archived_at=_now())
        return obj

    return make


def closed_application():
    return complete_application(state=LabelApplication.State.REFUSED, submitted_at=_now())


def not_given_opinion():
    return Opinion.objects.create(
        application=in_review(),
        requested_from=UserFactory(role=User.Role.DAECT),
        requested_by=UserFactory(role=User.Role.DAECT),
    )


def failed_reminder():
    mission = MissionFactory()
    user = UserFactory()
    return Reminder.objects.create(
        kind="reports.report_due",
        content_type=ContentType.objects.get_for_model(Mission),
        object_id=mission.pk,
        step="d-14",
        due_on=timezone.localdate(),
        recipient_key=f"user:{user.pk}",
        recipient=user,
        email=user.email,
        status=Reminder.Status.FAILED,
    )


# --- The buttons of the objects' pages. -------------------------------------------------

M = {
    "application": LabelApplication,
    "label": Label,
    "need": MissionRequest,
    "proposal": MissionProposal,
    "mission": Mission,
    "report": MissionReport,
    "membership": Membership,
}


@dataclass
class Button:
    model: type
    action: str
    build: Callable
    allowed: set[str] = field(default_factory=lambda: PROGRAMME)
    changes: bool = True  # an invitation only sends an e-mail


MS, RS = Mission.State, MissionReport.State
BUTTONS = [
    Button(LabelApplication, "start_review", submitted),
    Button(LabelApplication, "request_info", with_data(submitted, reason="Précisez les dates.")),
    Button(
        LabelApplication,
        "request_opinion",
        with_data(in_review, requested_from=daect_colleague, question="Votre avis ?"),
    ),
    Button(LabelApplication, "schedule", with_data(in_review, committee=new_committee)),
    Button(LabelApplication, "grant", with_data(in_review, reason="")),
    Button(LabelApplication, "refuse", with_data(in_review, reason="Hors programme.")),
    Button(Label, "suspend", with_data(LabelFactory, reason="Enquête en cours.")),
    Button(
        Label, "reinstate", with_data(lambda: LabelFactory(state=Label.State.SUSPENDED), reason="")
    ),
    Button(Label, "revoke", with_data(LabelFactory, reason="Fraude avérée.")),
    Button(MissionRequest, "qualify", submitted_need),
    Button(MissionRequest, "propose", qualified_need),
    Button(MissionRequest, "send_back", with_data(submitted_need, reason="Précisez.")),
    Button(MissionRequest, "decline", with_data(submitted_need, reason="Hors programme.")),
    Button(MissionProposal, "confirm", accepted_proposal),
    Button(
        Mission,
        "plan",
        with_data(
            MissionFactory,
            departure_date=lambda _: (timezone.localdate() + timedelta(days=100)).isoformat(),
            return_date=lambda _: (timezone.localdate() + timedelta(days=110)).isoformat(),
            place="Dakar",
        ),
    ),
    Button(Mission, "confirm", planned_mission),
    Button(Mission, "start", mission_on_its_dates(MS.CONFIRMED)),
    Button(Mission, "mark_returned", mission_on_its_dates(MS.UNDER_WAY)),
    Button(Mission, "cancel", with_data(MissionFactory, reason="Crise sanitaire.")),
    Button(
        MissionReport, "request_revision", with_data(report_in(RS.SUBMITTED), reason="Ajoutez.")
    ),
    Button(
        MissionReport, "accept", with_data(report_in(RS.SUBMITTED), rating="3", evaluation="Bien.")
    ),
    Button(MissionReport, "publish", with_data(report_in(RS.ACCEPTED), with_file="")),
    Button(
        MissionReport,
        "unpublish",
        with_data(report_in(RS.ACCEPTED, is_published=True, published_at=_now()), reason=""),
    ),
    Button(Membership, "confirm", pending_membership, MEMBERSHIPS),
    Button(Membership, "refuse", with_data(pending_membership, reason="Inconnu."), MEMBERSHIPS),
    Button(User, "invite", member_with_device, ACCOUNTS, changes=False),
    Button(User, "reset_second_factor", member_with_device, ACCOUNTS),
    Button(User, "anonymise", member_with_device, ACCOUNTS),
]


def _build(build: Callable):
    built = build()
    return built if isinstance(built, tuple) else (built, {})


def _admin_url(obj, view: str, *args) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=args)


def test_every_button_of_every_page_has_a_case():
    declared = {
        (model, action.name)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ObjectActionsMixin)
        for action in model_admin.object_actions
    }
    assert declared == {(b.model, b.action) for b in BUTTONS}


@pytest.mark.parametrize("button", BUTTONS, ids=[f"{b.model.__name__}-{b.action}" for b in BUTTONS])
def test_each_group_sees_and_uses_only_its_buttons(client, staff, button):
    for group, user in staff.items():
        obj, data = _build(button.build)
        client.force_login(user)
        url = _admin_url(obj, "object_action", obj.pk, button.action)
        page = client.get(_admin_url(obj, "change", obj.pk))
        allowed = group in button.allowed
        is_link = button.action == "propose"
        shown = (reverse("missions:request_matching", args=[obj.pk]) if is_link else url) in (
            page.content.decode() if page.status_code == 200 else ""
        )
        assert shown == allowed, f"{group}: button shown={shown}"
        if is_link:
            continue
        before = fingerprint()
        response = client.post(url, data)
        if allowed:
            assert response.status_code == 302, f"{group}: {response.status_code}"
            assert response["Location"] == _admin_url(obj, "change", obj.pk)
            assert fingerprint() != before or not button.changes, f"{group}: nothing changed"
        else:
            assert response.status_code == 403, f"{group}: {response.status_code}"
            assert fingerprint() == before, f"{group}: the database changed"


@pytest.mark.parametrize("action", ["reset_second_factor", "anonymise"])
def test_an_account_administrator_cannot_touch_a_back_office_account(client, staff, action):
    colleague = staff["instruction"]
    TOTPDevice.objects.get_or_create(user=colleague, confirmed=True, defaults={"name": "App"})
    client.force_login(staff["accounts"])
    url = _admin_url(colleague, "object_action", colleague.pk, action)
    assert url not in client.get(_admin_url(colleague, "change", colleague.pk)).content.decode()
    before = fingerprint()
    assert client.post(url).status_code == 403
    assert fingerprint() == before


def test_accepting_a_late_dossier_is_a_right_of_its_own(client, staff):
    """Someone who schedules but may not accept late dossiers cannot force one in."""
    scheduler = UserFactory(role=User.Role.DAECT, is_staff=True)
    scheduler.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_labelapplication", "schedule_application"])
    )
    application = in_review()
    late = late_committee()
    client.force_login(scheduler)
    url = _admin_url(application, "object_action", application.pk, "schedule")
    assert "accept_late" not in client.get(url).content.decode()
    before = fingerprint()

    response = client.post(url, {"committee": late.pk, "accept_late": "on"})

    assert response.status_code == 403
    assert fingerprint() == before


def test_an_instructor_accepts_a_late_dossier(client, staff):
    application = in_review()
    late = late_committee()
    client.force_login(staff["instruction"])
    url = _admin_url(application, "object_action", application.pk, "schedule")
    client.post(url, {"committee": late.pk, "accept_late": "on"})
    application.refresh_from_db()
    assert application.state == LabelApplication.State.SCHEDULED
    assert application.accepted_late


# --- The list actions. ------------------------------------------------------------------


@dataclass
class ListAction:
    model: type
    action: str
    build: Callable
    allowed: set[str]
    data: dict = field(default_factory=dict)
    changes: bool = True  # exports and the personal-data download only read


def _exports(model, build, allowed):
    return [
        ListAction(model, name, build, allowed, changes=False)
        for name in ("export_csv", "export_xlsx")
    ]


def _never(model, build, *names):
    """Actions of the superuser only (deleting): no group may."""
    return [ListAction(model, name, build, NOBODY, {"post": "yes"}) for name in names]


A = {"apply": "1"}
LIST_ACTIONS = [
    ListAction(LabelApplication, "start_review", submitted, PROGRAMME),
    ListAction(
        LabelApplication, "schedule", in_review, PROGRAMME, {**A, "committee": new_committee}
    ),
    ListAction(LabelApplication, "request_info", submitted, PROGRAMME, {**A, "reason": "Précisez"}),
    ListAction(LabelApplication, "grant", in_review, PROGRAMME, {**A, "reason": ""}),
    ListAction(LabelApplication, "refuse", in_review, PROGRAMME, {**A, "reason": "Hors programme"}),
    ListAction(LabelApplication, "archive_selected", closed_application, PROGRAMME),
    ListAction(LabelApplication, "restore_selected", archived(closed_application), PROGRAMME),
    *_exports(LabelApplication, in_review, READERS),
    ListAction(Label, "suspend", LabelFactory, PROGRAMME, {**A, "reason": "Enquête"}),
    ListAction(
        Label, "reinstate", lambda: LabelFactory(state=Label.State.SUSPENDED), PROGRAMME, {**A}
    ),
    ListAction(Label, "revoke", LabelFactory, PROGRAMME, {**A, "reason": "Fraude"}),
    ListAction(Label, "archive_selected", LabelFactory, PROGRAMME),
    ListAction(Label, "restore_selected", archived(LabelFactory), PROGRAMME),
    *_exports(Label, LabelFactory, READERS),
    ListAction(Opinion, "remind", not_given_opinion, PROGRAMME),
    *_never(Opinion, not_given_opinion, "delete_selected"),
    *_never(CommitteeSession, committee, "delete_selected"),
    ListAction(MissionRequest, "qualify", submitted_need, PROGRAMME),
    ListAction(MissionRequest, "send_back", submitted_need, PROGRAMME, {**A, "reason": "Précisez"}),
    ListAction(MissionRequest, "decline", submitted_need, PROGRAMME, {**A, "reason": "Non"}),
    ListAction(MissionRequest, "archive_selected", submitted_need, PROGRAMME),
    ListAction(MissionRequest, "restore_selected", archived(submitted_need), PROGRAMME),
    *_exports(MissionRequest, submitted_need, READERS),
    ListAction(MissionProposal, "confirm", accepted_proposal, PROGRAMME),
    *_exports(MissionProposal, accepted_proposal, READERS),
    ListAction(Mission, "confirm", planned_mission, PROGRAMME),
    ListAction(Mission, "start", mission_on_its_dates(MS.CONFIRMED), PROGRAMME),
    ListAction(Mission, "mark_returned", mission_on_its_dates(MS.UNDER_WAY), PROGRAMME),
    ListAction(Mission, "cancel", MissionFactory, PROGRAMME, {**A, "reason": "Crise"}),
    ListAction(Mission, "archive_selected", MissionFactory, PROGRAMME),
    ListAction(Mission, "restore_selected", archived(MissionFactory), PROGRAMME),
    *_exports(Mission, MissionFactory, READERS),
    ListAction(
        MissionReport,
        "request_revision",
        report_in(RS.SUBMITTED),
        PROGRAMME,
        {**A, "reason": "Ajoutez"},
    ),
    ListAction(
        MissionReport,
        "accept",
        report_in(RS.SUBMITTED),
        PROGRAMME,
        {**A, "rating": "3", "evaluation": "Bien"},
    ),
    ListAction(MissionReport, "publish", report_in(RS.ACCEPTED), PROGRAMME),
    ListAction(MissionReport, "publish_with_file", report_in(RS.ACCEPTED), PROGRAMME),
    ListAction(
        MissionReport,
        "unpublish",
        report_in(RS.ACCEPTED, is_published=True, published_at=_now()),
        PROGRAMME,
        {**A},
    ),
    ListAction(MissionReport, "archive_selected", report_in(RS.SUBMITTED), PROGRAMME),
    ListAction(MissionReport, "restore_selected", archived(report_in(RS.SUBMITTED)), PROGRAMME),
    *_exports(MissionReport, report_in(RS.SUBMITTED), READERS),
    ListAction(Membership, "confirm", pending_membership, MEMBERSHIPS),
    ListAction(Membership, "refuse", pending_membership, MEMBERSHIPS, {**A, "reason": "Inconnu"}),
    *_exports(Membership, pending_membership, ALL_READERS),
    *_never(Membership, pending_membership, "delete_selected"),
    ListAction(User, "send_invitation", member_with_device, ACCOUNTS, changes=False),
    ListAction(User, "reset_second_factor", member_with_device, ACCOUNTS),
    ListAction(User, "export_personal_data", member_with_device, ACCOUNTS, changes=False),
    ListAction(User, "anonymise_accounts", member_with_device, ACCOUNTS, {"confirm": "yes"}),
    *_exports(User, member_with_device, ALL_READERS),
    ListAction(Reminder, "resend", failed_reminder, PROGRAMME, changes=False),
    ListAction(OutboxMessage, "send_again", failed_outbox_message, PROGRAMME),
    ListAction(Opinion, "withdraw", not_given_opinion, PROGRAMME, {**A, "reason": "Plus utile"}),
    *(
        case
        for model, build in [
            (LabelApplication, submitted),
            (MissionRequest, submitted_need),
            (Mission, mission_in(MS.CONFIRMED)),
            (MissionReport, report_in(RS.SUBMITTED)),
        ]
        for case in (
            ListAction(model, "assign_to_me", build, PROGRAMME),
            ListAction(model, "assign_to", assigned(build), PROGRAMME, {**A, "agent": "none"}),
        )
    ),
    *_exports(Reminder, failed_reminder, READERS),
]
# The organisations' and taxonomies' lists: read by all, deleted by none.
LIST_ACTIONS += [
    *_exports(Collectivity, CollectivityFactory, ALL_READERS),
    *_never(Collectivity, CollectivityFactory, "delete_selected"),
    *_exports(Embassy, EmbassyFactory, ALL_READERS),
]
# Third-party admins (groups, lockout records, DSFR settings) and the taxonomies act on
# rows no group may touch: their only actions are a superuser's deletions.
THIRD_PARTY = {"auth", "axes", "dsfr"}


def _superuser_actions() -> set[tuple[type, str]]:
    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    return {
        (model, name)
        for model, model_admin in admin.site._registry.items()
        for name in model_admin.get_actions(request)
    }


def test_every_list_action_has_a_case_or_belongs_to_the_superuser():
    covered = {(case.model, case.action) for case in LIST_ACTIONS}
    uncovered = {
        (model._meta.label, name)
        for model, name in _superuser_actions() - covered
        if not (model._meta.app_label in THIRD_PARTY or name == "delete_selected")
    }
    assert uncovered == set()


def test_no_group_holds_a_right_to_delete_or_to_change_groups_and_permissions():
    ensure_groups()
    held = Permission.objects.filter(group__name__in=list(filter(None, GROUPS.values())))
    assert not held.filter(codename__startswith="delete_").exists()
    assert not held.filter(content_type__app_label__in=["auth", "axes", "otp_totp"]).exists()


def _post_data(case: ListAction, obj) -> dict:
    data = {k: (v(obj) if callable(v) else v) for k, v in case.data.items()}
    return {"action": case.action, "_selected_action": [obj.pk], **data}


def _list_params():
    for case in LIST_ACTIONS:
        yield pytest.param(case, id=f"{case.model.__name__}-{case.action}")


@pytest.mark.parametrize("case", list(_list_params()))
def test_each_group_runs_only_its_list_actions(client, staff, case):
    for group, user in staff.items():
        obj = case.build()
        obj = obj[0] if isinstance(obj, tuple) else obj
        client.force_login(user)
        url = _admin_url(obj, "changelist")
        listing = client.get(url)
        allowed = group in case.allowed
        offered = listing.status_code == 200 and (
            f'value="{case.action}"' in listing.content.decode()
        )
        assert offered == allowed, f"{group}: offered={offered}"
        data = _post_data(case, obj)
        before = fingerprint(case.model)
        response = client.post(url, data)
        if not allowed:
            assert response.status_code == 403, f"{group}: {response.status_code}"
            assert fingerprint(case.model) == before, f"{group}: the database changed"
        elif case.changes:
            assert response.status_code in (200, 302), f"{group}: {response.status_code}"
            assert fingerprint(case.model) != before, f"{group}: nothing changed"
        else:
            assert response.status_code in (200, 302), f"{group}: {response.status_code}"
