"""A DAECT instructor takes Lyon's dossier from submission to label, all from its page.

No list action: more information, the applicant's answer on the portal, a colleague's
opinion, the committee, the grant — each a button of the dossier's page in the back
office, each coming back with a message that says what happened and what comes next.
"""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from expect.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from expect.accounts.models import User
from labellisation.models import Label, LabelApplication, Opinion
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.test_labellisation_journey import _draft_and_submit

pytestmark = pytest.mark.usefixtures("demo")
INSTRUCTOR = f"daect@{DEMO_DOMAIN}"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def colleague():
    """Another DAECT agent, with an authenticator app already set up."""
    user = UserFactory(
        role=User.Role.DAECT, first_name="Anne", last_name="Martin", email="anne.martin@example.fr"
    )
    TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    return user


def _dossier_page(visitor, application: LabelApplication):
    return visitor.goto(
        reverse("admin:labellisation_labelapplication_change", args=[application.pk])
    )


def _message(page) -> str:
    return page.locator("ul.messagelist").inner_text()


def test_an_instructor_takes_a_dossier_to_its_label_from_its_page(visitor, tmp_path, colleague):
    _draft_and_submit(visitor, tmp_path)
    application = LabelApplication.objects.get(theme__slug="sante")

    # More information, asked from the dossier's page.
    visitor.sign_in(INSTRUCTOR, DEMO_PASSWORD)
    _dossier_page(visitor, application)
    page = visitor.click("Demander des compléments…", role="link")
    page.get_by_label("Compléments demandés (communiqués à la collectivité)").fill(
        "Précisez le nombre de centres et leur public."
    )
    page = visitor.click("Demander des compléments")
    assert "Des compléments ont été demandés ; la collectivité a été prévenue" in _message(page)
    visitor.sign_out()

    # The applicant answers on the portal.
    page = visitor.sign_in(f"referent@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.click("Santé", role="link")
    assert "Précisez le nombre de centres" in page.content()
    page.get_by_label("Commentaire (facultatif)").fill("Cinq centres, 40 000 patients par an.")
    visitor.click("Envoyer la candidature complétée")
    visitor.sign_out()

    # An opinion, asked of a DAECT colleague, who gives it on the portal.
    visitor.sign_in(INSTRUCTOR, DEMO_PASSWORD)
    page = _dossier_page(visitor, application)
    assert "Redéposée" in page.content()
    page = visitor.click("Demander un avis…", role="link")
    page.get_by_label("Demander l’avis de").select_option(str(colleague.pk))
    page.get_by_label("Question (facultative)").fill("Le public visé est-il prioritaire ?")
    page = visitor.click("Demander un avis")
    assert "Un avis a été demandé à Anne Martin" in _message(page)
    visitor.sign_out()

    opinion = Opinion.objects.get(application=application)
    page = visitor.sign_in(colleague.email, PASSWORD)
    visitor.goto(reverse("labellisation:opinion_give", args=[opinion.pk]))
    page.locator("label[for=id_recommendation_0]").click()  # the DSFR radio is drawn by its label
    page.get_by_label("Votre avis").fill("Expertise solide et reconnue.")
    page.locator("label[for=id_conflict_0]").click()  # no conflict of interest
    page = visitor.click("Rendre mon avis")
    assert "votre avis est enregistré" in page.content()
    visitor.sign_out()

    # The committee, then the decision.
    visitor.sign_in(INSTRUCTOR, DEMO_PASSWORD)
    page = _dossier_page(visitor, application)
    assert "Expertise solide et reconnue." in page.content()
    page = visitor.click("Inscrire à un comité…", role="link")
    page = visitor.click("Inscrire à un comité")
    application.refresh_from_db()
    committee_day = application.committee.date.strftime("%d/%m/%Y")
    assert f"inscrit à l’ordre du jour du comité du {committee_day}" in _message(page)

    page = visitor.click("Accorder le label…", role="link")
    assert "Cette décision est définitive." in page.content()
    page = visitor.click("Accorder le label")
    label = Label.objects.get(application=application)
    assert (
        f"Le label a été accordé jusqu’au {label.valid_until:%d/%m/%Y} ; "
        "la collectivité a été prévenue par courriel."
    ) in _message(page)
    # Decided: nothing is left to decide on the page.
    assert page.get_by_role("link", name="Accorder le label…").count() == 0
