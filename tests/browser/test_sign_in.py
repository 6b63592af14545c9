"""Every demo account signs in and reaches the dashboard of its role."""

import pytest

from expect.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD

pytestmark = pytest.mark.usefixtures("demo")


@pytest.mark.parametrize(
    ("account", "expected"),
    [
        ("daect", "Demandes d’adhésion en attente de la DAECT"),
        ("referent", "Lyon (69)"),
        ("membre", "Lyon (69)"),
        ("expert", "Rapports de mission"),
        ("ambassade", "Ambassade de France au Sénégal"),
    ],
)
def test_each_role_signs_in_and_sees_its_dashboard(visitor, account, expected):
    page = visitor.sign_in(f"{account}@{DEMO_DOMAIN}", DEMO_PASSWORD)
    assert page.url.endswith("/tableau-de-bord/")
    assert page.get_by_role("heading", level=1).inner_text() == "Tableau de bord"
    assert expected in page.content()


def test_the_home_page_presents_the_programme(visitor):
    page = visitor.goto("/")
    assert "EXPE-CT" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_role("link", name="Accessibilité : non conforme").count() == 1


def test_a_wrong_password_is_refused_clearly(visitor):
    page = visitor.sign_in(f"membre@{DEMO_DOMAIN}", "pas-le-bon")
    assert "/compte/connexion/" in page.url
    assert page.get_by_role("alert").count() >= 1
    # Titled as what happened: nothing was to be "saved".
    assert "La connexion a échoué" in page.content()
    assert "Le formulaire n’a pas pu être enregistré" not in page.content()
    visitor.check_zoom_and_reflow()
