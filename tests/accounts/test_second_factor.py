"""Two-step verification: required of DAECT staff and for the admin, optional for others."""

import re

import pytest
import time_machine
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from expect.accounts import second_factor
from expect.accounts.demo import DEMO_BACKUP_CODES, DEMO_PASSWORD, DEMO_TOTP_SECRET
from labellisation.views.committees import committee_detail
from tests.accounts.factories import PASSWORD, UserFactory
from tests.labellisation.factories import CommitteeSessionFactory

pytestmark = pytest.mark.django_db


def code_of(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in_with_password(client, user) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302


def open_enrolment_link(client, mailoutbox, user) -> None:
    """Follow the link e-mailed to a person who must set up a second factor."""
    [message] = [m for m in mailoutbox if m.to == [user.email] and "/activer/" in m.body]
    link = re.search(r"https?://\S+/double-authentification/activer/\S+/", message.body)
    response = client.get(link.group(0))
    assert response.status_code == 302


@pytest.fixture
def agent():
    """A DAECT agent who set up an authenticator app and has backup codes."""
    user = UserFactory(role="daect", is_staff=True)
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd2345")
    return user


def test_a_daect_agent_who_only_gave_the_password_is_asked_for_the_code(client, agent):
    sign_in_with_password(client, agent)

    response = client.get(reverse("core:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))


@pytest.mark.parametrize("path", ["/admin/", "/admin/accounts/user/", "/catalogue/"])
def test_without_the_code_no_page_opens_for_a_daect_agent(client, agent, path):
    sign_in_with_password(client, agent)

    response = client.get(path)

    assert response.status_code == 302
    assert reverse("accounts:otp_verify") in response["Location"]


def test_the_admin_refuses_a_staff_session_without_second_factor(agent):
    request = RequestFactory().get("/admin/")
    request.user = agent
    agent.is_verified = lambda: False
    from django.contrib import admin

    assert not admin.site.has_permission(request)
    agent.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_daect_pages_send_an_unverified_agent_to_the_code_page(agent):
    session = CommitteeSessionFactory()
    request = RequestFactory().get(f"/comites/{session.pk}/")
    request.user = agent
    agent.is_verified = lambda: False

    response = committee_detail(request, pk=session.pk)

    assert response.status_code == 302
    assert reverse("accounts:otp_verify") in response["Location"]


def test_the_code_of_the_app_opens_the_admin(client, agent):
    sign_in_with_password(client, agent)
    device = TOTPDevice.objects.get(user=agent)

    response = client.post(
        reverse("accounts:otp_verify"), {"code": code_of(device), "next": "/admin/"}
    )

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_backup_code_works_once(client, agent):
    sign_in_with_password(client, agent)
    response = client.post(reverse("accounts:otp_verify"), {"code": "ABCD 2345"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200

    client.logout()
    sign_in_with_password(client, agent)
    response = client.post(reverse("accounts:otp_verify"), {"code": "abcd2345"})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_a_used_code_cannot_be_replayed(client, agent):
    device = TOTPDevice.objects.get(user=agent)
    code = code_of(device)
    sign_in_with_password(client, agent)
    client.post(reverse("accounts:otp_verify"), {"code": code})
    client.logout()

    sign_in_with_password(client, agent)
    response = client.post(reverse("accounts:otp_verify"), {"code": code})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]


def test_wrong_codes_make_the_next_try_wait(client, agent):
    device = TOTPDevice.objects.get(user=agent)
    sign_in_with_password(client, agent)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        for _ in range(2):
            client.post(reverse("accounts:otp_verify"), {"code": "000000"})

        response = client.post(reverse("accounts:otp_verify"), {"code": code_of(device)})

    assert response.status_code == 200
    assert "patientez jusqu’à" in response.context["form"].errors["code"][0] or (
        "réessayez à partir de" in response.context["form"].errors["code"][0]
    )
    with time_machine.travel(now + timezone.timedelta(seconds=5), tick=False):
        response = client.post(reverse("accounts:otp_verify"), {"code": code_of(device)})
    assert response.status_code == 302


def test_one_wrong_code_is_called_a_wrong_code_not_too_many(client, agent):
    sign_in_with_password(client, agent)
    with time_machine.travel(timezone.now(), tick=False):
        response = client.post(reverse("accounts:otp_verify"), {"code": "000000"})
    error = response.context["form"].errors["code"][0]
    assert "Un code erroné a été saisi" in error
    assert "Trop de codes" not in error and "d’affilée" not in error


def test_several_wrong_codes_are_counted_in_the_message(client, agent):
    device = TOTPDevice.objects.get(user=agent)
    sign_in_with_password(client, agent)
    now = timezone.now()
    for seconds in (0, 5, 15):  # Each after the wait the previous one imposed.
        with time_machine.travel(now + timezone.timedelta(seconds=seconds), tick=False):
            response = client.post(reverse("accounts:otp_verify"), {"code": "000000"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 3
    assert "3 codes erronés d’affilée" in response.context["form"].errors["code"][0]


def test_a_daect_agent_without_device_sets_up_an_app_then_gets_ten_backup_codes(client, mailoutbox):
    agent = UserFactory(role="daect", is_staff=True)
    sign_in_with_password(client, agent)
    response = client.get(reverse("core:dashboard"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_enrol"))
    open_enrolment_link(client, mailoutbox, agent)
    response = client.get(reverse("accounts:otp_enrol"))
    page = response.content.decode()
    assert "<svg" in page and "<script" not in page.split("<main")[1].split("</main>")[0]
    secret = response.context["secret"]
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})+", secret)

    device = TOTPDevice.objects.get(user=agent, confirmed=False)
    response = client.post(
        reverse("accounts:otp_enrol"), {"code": code_of(device), "next": "/admin/"}, follow=True
    )

    codes = response.context["codes"]
    assert len(codes) == len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=agent).confirmed
    assert client.get("/admin/").status_code == 200
    # Shown once only.
    assert client.get(reverse("accounts:otp_backup_codes")).status_code == 302


def test_the_owner_is_told_by_e_mail_when_a_second_factor_is_set_up(client, mailoutbox):
    """Whoever knew the password could set one up: the owner hears of it at once."""
    agent = UserFactory(role="daect", is_staff=True)
    sign_in_with_password(client, agent)
    client.get(reverse("accounts:otp_enrol"))
    open_enrolment_link(client, mailoutbox, agent)
    client.get(reverse("accounts:otp_enrol"))
    device = TOTPDevice.objects.get(user=agent, confirmed=False)

    client.post(reverse("accounts:otp_enrol"), {"code": code_of(device)})

    [message] = [m for m in mailoutbox if "double authentification activée" in m.subject.lower()]
    assert message.to == [agent.email]
    assert "changez-le" in message.body


def test_a_wrong_first_code_enrols_nothing(client, mailoutbox):
    agent = UserFactory(role="daect", is_staff=True)
    sign_in_with_password(client, agent)
    client.get(reverse("accounts:otp_enrol"))
    open_enrolment_link(client, mailoutbox, agent)
    mailoutbox.clear()
    client.get(reverse("accounts:otp_enrol"))

    response = client.post(reverse("accounts:otp_enrol"), {"code": "123456"})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not second_factor.has_device(agent)
    assert not StaticDevice.objects.filter(user=agent).exists()
    assert client.get("/admin/").status_code == 302
    assert mailoutbox == []


def test_an_agent_with_a_device_cannot_enrol_another_before_giving_a_code(client, agent):
    sign_in_with_password(client, agent)

    response = client.get(reverse("accounts:otp_enrol"))

    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert not TOTPDevice.objects.filter(user=agent, confirmed=False).exists()


def test_a_member_may_turn_it_on_and_is_then_asked_at_each_sign_in(client, member):
    client.force_login(member)
    assert client.get(reverse("core:dashboard")).status_code == 200
    client.get(reverse("accounts:otp_enrol"))
    device = TOTPDevice.objects.get(user=member)
    client.post(reverse("accounts:otp_enrol"), {"code": code_of(device)})
    client.logout()

    sign_in_with_password(client, member)
    response = client.get(reverse("core:dashboard"))

    assert response["Location"].startswith(reverse("accounts:otp_verify"))


def test_a_member_may_turn_it_off_but_a_daect_agent_may_not(client, member, daect):
    client.force_login(member)
    client.get(reverse("accounts:otp_enrol"))
    client.post(
        reverse("accounts:otp_enrol"), {"code": code_of(TOTPDevice.objects.get(user=member))}
    )
    client.post(reverse("accounts:otp_disable"))
    assert not second_factor.has_device(member)

    client.force_login(daect)
    client.post(reverse("accounts:otp_disable"))
    assert second_factor.has_device(daect)


def test_turning_it_off_is_post_only(client, member):
    client.force_login(member)
    assert client.get(reverse("accounts:otp_disable")).status_code == 405


def test_daect_resets_the_devices_of_an_agent_who_lost_their_phone(client, daect, agent):
    client.force_login(daect)

    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [agent.pk]},
    )

    assert not second_factor.has_device(agent)
    assert not StaticToken.objects.filter(device__user=agent).exists()
    client.logout()
    sign_in_with_password(client, agent)
    assert reverse("accounts:otp_enrol") in client.get("/admin/")["Location"]


def test_the_admin_sign_in_form_leads_to_the_code_too(client, agent):
    response = client.post(
        reverse("admin:login"), {"username": agent.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_verify"))
    assert client.get("/admin/").status_code == 302


def test_new_backup_codes_replace_the_old_ones(client, agent):
    client.force_login(agent)

    response = client.post(reverse("accounts:otp_backup_codes"), follow=True)

    codes = response.context["codes"]
    assert len(codes) == 10
    tokens = set(StaticToken.objects.filter(device__user=agent).values_list("token", flat=True))
    assert tokens == set(codes)


def test_the_demo_daect_account_signs_in_with_the_documented_secret_and_codes(client):
    call_command("seed_demo", verbosity=0)
    device = TOTPDevice.objects.get(user__email="daect@demo.expe-ct.fr")
    from base64 import b32decode

    assert device.bin_key == b32decode(DEMO_TOTP_SECRET)
    client.post(
        reverse("accounts:login"),
        {"username": "daect@demo.expe-ct.fr", "password": DEMO_PASSWORD},
    )
    response = client.post(reverse("accounts:otp_verify"), {"code": DEMO_BACKUP_CODES[0]})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_back_office_link_shows_only_once_the_code_is_given(client, agent):
    sign_in_with_password(client, agent)
    code_page = client.get(reverse("accounts:otp_verify")).content.decode()
    assert 'href="/admin/"' not in code_page

    client.post(
        reverse("accounts:otp_verify"), {"code": code_of(TOTPDevice.objects.get(user=agent))}
    )
    assert 'href="/admin/"' in client.get(reverse("core:dashboard")).content.decode()


def test_the_password_alone_does_not_let_anyone_set_up_a_daect_agents_app(client, mailoutbox):
    """Enrolment of a required second factor goes through a link sent to the mailbox."""
    agent = UserFactory(role="daect", is_staff=True)
    sign_in_with_password(client, agent)

    page = client.get(reverse("accounts:otp_enrol")).content.decode()

    assert "<svg" not in page and "otp-secret" not in page
    assert agent.email in page
    assert not TOTPDevice.objects.filter(user=agent).exists()
    [message] = mailoutbox
    assert message.to == [agent.email]
    # A code posted without the link is not taken as an enrolment.
    client.post(reverse("accounts:otp_enrol"), {"code": "123456"})
    assert not TOTPDevice.objects.filter(user=agent).exists()


def test_the_link_can_be_sent_again_but_not_every_second(client, mailoutbox):
    agent = UserFactory(role="daect", is_staff=True)
    sign_in_with_password(client, agent)
    client.get(reverse("accounts:otp_enrol"))
    client.post(reverse("accounts:otp_enrol"))
    assert len(mailoutbox) == 1
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=61), tick=False):
        client.post(reverse("accounts:otp_enrol"))
    assert len(mailoutbox) == 2


def test_the_link_of_another_account_or_an_old_link_does_not_work(client, mailoutbox):
    other = UserFactory(role="daect", is_staff=True)
    sign_in_with_password(client, other)
    client.get(reverse("accounts:otp_enrol"))
    [message] = mailoutbox
    link = re.search(r"https?://\S+/double-authentification/activer/\S+/", message.body).group(0)
    client.logout()

    agent = UserFactory(role="daect", is_staff=True)
    sign_in_with_password(client, agent)
    assert client.get(link).status_code == 400
    assert "<svg" not in client.get(reverse("accounts:otp_enrol")).content.decode()

    client.logout()
    sign_in_with_password(client, other)
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=2), tick=False):
        assert client.get(link).status_code == 400
