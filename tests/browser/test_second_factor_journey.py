"""DAECT staff set up their authenticator app at their first sign-in, then give its code."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from expect.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from tests.accounts.factories import PASSWORD, UserFactory


def test_a_new_daect_agent_sets_up_the_app_and_keeps_backup_codes(visitor, transactional_db):
    UserFactory(email="nouvel.agent@example.fr", role="daect", is_staff=True, is_superuser=True)

    page = visitor.sign_in("nouvel.agent@example.fr", PASSWORD)

    assert page.url.endswith("/tableau-de-bord/")
    assert TOTPDevice.objects.get(user__email="nouvel.agent@example.fr").confirmed
    page = visitor.goto("/admin/")
    assert page.url.endswith("/admin/")


@pytest.mark.usefixtures("demo")
def test_without_the_code_the_back_office_stays_closed(visitor):
    visitor.goto("/compte/connexion/")
    visitor.page.get_by_label("Adresse électronique").fill(f"daect@{DEMO_DOMAIN}")
    visitor.page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page = visitor.click("Se connecter")
    assert "/compte/double-authentification/" in page.url

    page = visitor.goto("/admin/")

    assert "/compte/double-authentification/" in page.url


@pytest.mark.usefixtures("demo")
def test_a_member_finds_the_security_settings_on_the_profile(visitor):
    visitor.sign_in(f"membre@{DEMO_DOMAIN}", DEMO_PASSWORD)

    page = visitor.goto("/compte/profil/")
    with page.expect_navigation():
        page.locator('main a[href="/compte/double-authentification/activer/"]').click()
    visitor.check_accessibility()

    assert "/compte/double-authentification/activer/" in page.url
    assert page.locator("main svg title").count() == 1
