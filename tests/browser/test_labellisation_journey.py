"""Lyon applies for a label; DAECT asks for more, schedules and grants; anyone can verify it."""

import io
import re

import pytest
from pypdf import PdfWriter

from expect.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from expect.organisations.models import Theme
from labellisation.models import Label

pytestmark = pytest.mark.usefixtures("demo")
APPLICATIONS = "/admin/labellisation/labelapplication/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _letter(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "deliberation.pdf"
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def _draft_and_submit(visitor, tmp_path):
    page = visitor.sign_in(f"referent@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.goto("/candidatures/nouvelle/")
    page.get_by_label("Thématique", exact=True).select_option(label="Santé")
    page.get_by_label("Description de l’expertise").fill("Centres de santé municipaux.")
    visitor.click("Créer le brouillon et continuer")
    page.get_by_role("combobox", name="Pays").fill("Sénégal")
    page.keyboard.press("Enter")  # The first country of the combobox's list.
    page.get_by_label("Collectivité partenaire").fill("Commune de Saint-Louis")
    page.get_by_label("Année de début").fill("2016")
    visitor.click("Enregistrer et continuer")
    visitor.sign_out()

    # The draft is resumed later, from the dashboard.
    visitor.sign_in(f"referent@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.click("Santé", role="link")
    visitor.click("Modifier la candidature", role="link")
    visitor.click("3. Experts proposés", role="link")
    page.get_by_label("Nom", exact=True).fill("Sophie Lefèvre")
    page.get_by_label("Fonction").fill("Médecin de santé publique")
    page.get_by_label("Adresse électronique").fill("sophie.lefevre@mairie-lyon.example.fr")
    visitor.click("Enregistrer et continuer")
    page.get_by_label("Type de document").select_option("commitment_letter")
    page.locator("input[type=file]").set_input_files(_letter(tmp_path))
    visitor.click("Ajouter le document")
    visitor.click("Continuer", role="link")
    page.get_by_text("Au nom de la collectivité").click()
    visitor.click("Enregistrer et continuer")
    page.get_by_role("button", name="Déposer la candidature").click()
    visitor.check_zoom_and_reflow()
    page = visitor.click("Oui, déposer")
    assert "Déposée" in page.content()
    visitor.sign_out()


def test_a_label_is_applied_for_reviewed_granted_and_verified(visitor, tmp_path):
    _draft_and_submit(visitor, tmp_path)

    visitor.sign_in(f"daect@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.admin_action(APPLICATIONS, "Santé", "Commencer l’instruction")
    page = visitor.admin_action(APPLICATIONS, "Santé", "Demander des compléments")
    page.locator("#id_reason").fill("Précisez le nombre de centres et leur public.")
    visitor.click("Confirmer")
    visitor.sign_out()

    page = visitor.sign_in(f"referent@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.click("Santé", role="link")
    assert "Précisez le nombre de centres" in page.content()
    page.get_by_label("Commentaire (facultatif)").fill("Cinq centres, 40 000 patients par an.")
    visitor.click("Envoyer la candidature complétée")
    visitor.sign_out()

    visitor.sign_in(f"daect@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.admin_action(APPLICATIONS, "Santé", "Commencer l’instruction")
    visitor.admin_action(APPLICATIONS, "Santé", "Inscrire à un comité de sélection")
    visitor.click("Inscrire")
    page = visitor.admin_action(APPLICATIONS, "Santé", "Accorder le label")
    visitor.click("Confirmer")
    visitor.sign_out()

    label = Label.objects.get(theme__slug="sante")
    page = visitor.sign_in(f"referent@{DEMO_DOMAIN}", DEMO_PASSWORD)
    assert label.valid_until.strftime("%d/%m/%Y") in page.content()
    certificate = page.request.get(visitor.base_url + f"/labels/{label.pk}/certificat.pdf")
    assert certificate.ok and certificate.body().startswith(b"%PDF")
    visitor.sign_out()

    page = visitor.goto("/labels/verifier/")
    page.get_by_label("Code de vérification").fill(label.verification_code.lower())
    page = visitor.click("Vérifier")
    assert re.search(r"authentique|valide", page.content())
    assert "Lyon" in page.content()


def test_a_visitor_finds_lyon_in_the_catalogue_by_theme(visitor):
    page = visitor.goto("/catalogue/")
    # The menu counts each theme's collectivities ("… (2)"): chosen by its value.
    governance = Theme.objects.get(slug="gouvernance-locale-decentralisation")
    page.get_by_label("Thématique").select_option(str(governance.pk))
    page = visitor.click("Filtrer")
    assert "Lyon" in page.content()
    visitor.click("Lyon (69)", role="link")
    assert visitor.page.get_by_role("heading", level=1).inner_text().startswith("Lyon")
