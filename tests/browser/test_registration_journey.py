"""An agent of Lyon registers, confirms their address, and the referent lets them in."""

import re

import pytest
from django.core import mail

from expect.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD

pytestmark = pytest.mark.usefixtures("demo")
PASSWORD = "Coopération-Décentralisée-2026"


def _fill_registration(page, collectivity: str) -> None:
    page.get_by_label("Prénom").fill("Léa")
    page.get_by_label("Nom", exact=True).fill("Moreau")
    page.get_by_label("Adresse électronique").fill("lea.moreau@mairie-lyon.example.fr")
    page.get_by_label("Fonction").fill("Chargée de coopération")
    page.get_by_label("Votre collectivité", exact=False).first.fill(collectivity)
    page.get_by_text("Je certifie").click()  # the DSFR styles the label, not the box
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)


def test_an_agent_registers_and_is_confirmed_by_the_referent(visitor):
    visitor.goto("/compte/inscription/")
    _fill_registration(visitor.page, "69123")
    page = visitor.click("Créer mon compte")
    assert "lea.moreau@mairie-lyon.example.fr" in page.content()

    link = re.search(r"https?://[^/]+(/compte/confirmer/\S+/)", mail.outbox[-1].body).group(1)
    visitor.goto(link)
    page = visitor.click("Confirmer mon adresse électronique")
    assert "/compte/connexion/" in page.url

    page = visitor.sign_in("lea.moreau@mairie-lyon.example.fr", PASSWORD)
    assert "attend la confirmation" in page.content()
    # While the referent has not confirmed, the page says so rather than "Page introuvable".
    visitor.goto("/ma-collectivite/")
    assert "Votre rattachement attend d’être confirmé" in visitor.page.content()
    visitor.check_zoom_and_reflow()

    visitor.sign_out()
    visitor.sign_in(f"referent@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.goto("/ma-collectivite/membres/")
    visitor.click("Confirmer Léa Moreau")
    visitor.sign_out()

    page = visitor.sign_in("lea.moreau@mairie-lyon.example.fr", PASSWORD)
    visitor.goto("/ma-collectivite/")
    assert visitor.page.get_by_role("heading", level=1).inner_text() == "Lyon (69)"


def test_a_registration_with_a_bad_siren_shows_the_error_next_to_the_field(visitor):
    visitor.goto("/compte/inscription/")
    _fill_registration(visitor.page, "216901232")
    page = visitor.click("Créer mon compte")
    assert "Ce SIREN n’est pas valide" in page.content()
