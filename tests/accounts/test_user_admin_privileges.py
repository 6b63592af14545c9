"""Only a superuser gives back-office access and rights; nobody else raises anyone's privileges.

An account administrator (« Administration des comptes ») changes people's names and
activity, never staff or superuser status, groups, individual permissions, the DAECT
role, nor an account that has back-office access (whose e-mail or password changed
would hand it over).
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from expect.accounts.groups import ACCOUNTS_GROUP, INSTRUCTION_GROUP, ensure_groups
from expect.accounts.models import User
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts_admin():
    ensure_groups()
    user = UserFactory(role=User.Role.DAECT, is_staff=True)
    user.groups.add(Group.objects.get(name=ACCOUNTS_GROUP))
    return user


def _change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def test_an_account_administrator_changes_a_members_name(client, accounts_admin):
    member = MembershipFactory(state="active").user
    client.force_login(accounts_admin)
    data = {**change_form_data(client.get(_change_url(member))), "last_name": "Nouveau"}
    response = client.post(_change_url(member), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.last_name == "Nouveau"


def test_the_privileged_fields_are_read_only_for_an_account_administrator(client, accounts_admin):
    member = MembershipFactory(state="active").user
    client.force_login(accounts_admin)
    form = client.get(_change_url(member)).context["adminform"].form
    assert not {"is_staff", "is_superuser", "groups", "user_permissions"} & set(form.fields)
    assert "daect" not in dict(form.fields["role"].choices)


def test_posting_privileges_anyway_changes_none_of_them(client, accounts_admin):
    member = MembershipFactory(state="active").user
    instruction = Group.objects.get(name=INSTRUCTION_GROUP)
    client.force_login(accounts_admin)
    data = {
        **change_form_data(client.get(_change_url(member))),
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [instruction.pk],
        "user_permissions": [Permission.objects.get(codename="grant_label").pk],
    }
    client.post(_change_url(member), data)
    member.refresh_from_db()
    assert not member.is_staff and not member.is_superuser
    assert not member.groups.exists() and not member.user_permissions.exists()


def test_an_account_administrator_cannot_raise_their_own_privileges(client, accounts_admin):
    client.force_login(accounts_admin)
    page = client.get(_change_url(accounts_admin))
    # Their own account has back-office access: read only, like every staff account.
    assert "adminform" not in page.context or not page.context["has_change_permission"]
    response = client.post(
        _change_url(accounts_admin),
        {"email": accounts_admin.email, "is_superuser": "on", "groups": [1]},
    )
    assert response.status_code == 403
    accounts_admin.refresh_from_db()
    assert not accounts_admin.is_superuser
    assert list(accounts_admin.groups.values_list("name", flat=True)) == [ACCOUNTS_GROUP]


def test_an_account_administrator_cannot_take_over_a_superuser(client, accounts_admin):
    boss = UserFactory(role=User.Role.DAECT, is_staff=True, is_superuser=True)
    client.force_login(accounts_admin)
    response = client.post(
        _change_url(boss), {"email": "pirate@example.fr", "first_name": "X", "last_name": "Y"}
    )
    assert response.status_code == 403
    password = reverse("admin:auth_user_password_change", args=[boss.pk])
    response = client.post(password, {"password1": "Pirate-123456!", "password2": "Pirate-123456!"})
    assert response.status_code == 403
    boss.refresh_from_db()
    assert boss.email != "pirate@example.fr"
    assert not boss.check_password("Pirate-123456!")


def test_an_account_administrator_cannot_give_the_daect_role(client, accounts_admin):
    member = MembershipFactory(state="active").user
    client.force_login(accounts_admin)
    data = {**change_form_data(client.get(_change_url(member))), "role": "daect"}
    response = client.post(_change_url(member), data)
    assert response.status_code == 200  # the form says the choice is not available
    member.refresh_from_db()
    assert member.role == User.Role.MEMBER


def test_a_superuser_gives_staff_status_and_a_group(client, daect):
    member = UserFactory(role=User.Role.DAECT)
    instruction = Group.objects.get_or_create(name=INSTRUCTION_GROUP)[0]
    client.force_login(daect)
    data = {
        **change_form_data(client.get(_change_url(member))),
        "is_staff": "on",
        "groups": [instruction.pk],
    }
    response = client.post(_change_url(member), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_staff
    assert list(member.groups.all()) == [instruction]


def test_an_account_administrator_cannot_anonymise_a_staff_account(client, accounts_admin):
    colleague = UserFactory(role=User.Role.DAECT, is_staff=True)
    client.force_login(accounts_admin)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "anonymise_accounts", "_selected_action": [colleague.pk], "confirm": "yes"},
    )
    colleague.refresh_from_db()
    assert colleague.is_active and colleague.is_staff
