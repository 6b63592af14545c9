"""The three back-office groups, seeded after every migrate, and the first wave's group."""

import pytest
from django.contrib.auth.models import Group, Permission

from expect.accounts.groups import (
    ACCOUNTS_GROUP,
    CONSULTATION_GROUP,
    INSTRUCTION_GROUP,
    LEGACY_GROUP,
    ensure_groups,
)
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
PROGRAMME_ACTIONS = [
    "labellisation.grant_label",
    "labellisation.refuse_application",
    "labellisation.request_information",
    "labellisation.schedule_application",
    "labellisation.accept_late_application",
    "labellisation.suspend_label",
    "labellisation.revoke_label",
    "missions.qualify_need",
    "missions.propose_need",
    "missions.confirm_mission",
    "missions.plan_mission",
    "reports.evaluate_report",
    "reports.publish_report",
]
ACCOUNT_ACTIONS = [
    "accounts.export_personal_data",
    "accounts.anonymise_user",
    "accounts.reset_second_factor",
    "accounts.change_user",
]


def _member_of(group: str):
    ensure_groups()
    user = UserFactory(role="daect", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def _codes(group: str) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(group__name=group).select_related("content_type")
    }


def test_instruction_holds_every_programme_action_and_no_account_right():
    instructor = _member_of(INSTRUCTION_GROUP)
    assert all(instructor.has_perm(code) for code in PROGRAMME_ACTIONS)
    assert instructor.has_perm("accounts.confirm_membership")
    assert not any(instructor.has_perm(code) for code in ACCOUNT_ACTIONS)


def test_consultation_only_reads():
    ensure_groups()
    codes = _codes(CONSULTATION_GROUP)
    assert codes and all(code.split(".")[1].startswith("view_") for code in codes)


def test_account_administration_holds_the_account_rights_only():
    administrator = _member_of(ACCOUNTS_GROUP)
    assert all(administrator.has_perm(code) for code in ACCOUNT_ACTIONS)
    assert not any(administrator.has_perm(code) for code in PROGRAMME_ACTIONS)


def test_seeding_twice_changes_nothing():
    ensure_groups()
    before = {name: _codes(name) for name in (INSTRUCTION_GROUP, ACCOUNTS_GROUP)}
    ensure_groups()
    assert {name: _codes(name) for name in before} == before


def test_the_first_waves_daect_group_gives_way_to_the_two_working_groups():
    agent = UserFactory(role="daect", is_staff=True)
    agent.groups.add(Group.objects.create(name=LEGACY_GROUP))
    ensure_groups()
    assert set(agent.groups.values_list("name", flat=True)) == {INSTRUCTION_GROUP, ACCOUNTS_GROUP}
    assert not Group.objects.filter(name=LEGACY_GROUP).exists()
