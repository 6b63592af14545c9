import pytest
from django.core.management import call_command

from expect.accounts.models import Membership, User
from expect.organisations.models import Collectivity

pytestmark = pytest.mark.django_db


def test_it_creates_one_account_per_role_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    roles = set(
        User.objects.filter(email__endswith="@demo.expe-ct.fr").values_list("role", flat=True)
    )
    assert roles == {"daect", "member", "expert", "embassy"}
    assert User.objects.filter(email__endswith="@demo.expe-ct.fr").count() == 5
    daect = User.objects.get(email="daect@demo.expe-ct.fr")
    assert daect.is_staff and not daect.is_superuser
    assert set(daect.groups.values_list("name", flat=True)) == {
        "Instruction DAECT",
        "Administration des comptes",
    }
    assert daect.has_perm("labellisation.grant_label")
    assert daect.has_perm("accounts.anonymise_user")


def test_scale_generates_collectivities_with_a_referent_each():
    call_command("seed_demo", scale=30, verbosity=0)
    assert (
        Membership.objects.filter(user__email__startswith="scale-", is_referent=True).count() == 30
    )
    call_command("seed_demo", scale=30, verbosity=0)
    assert Membership.objects.filter(user__email__startswith="scale-").count() == 30
    assert Collectivity.objects.count() >= 30


def test_scale_fills_the_library_with_published_reports_of_closed_missions():
    from missions.models import Mission
    from reports.models import MissionReport

    call_command("seed_demo", scale=200, verbosity=0)
    published = MissionReport.objects.published()
    assert published.exists()
    assert not published.exclude(mission__state=Mission.State.CLOSED).exists()
