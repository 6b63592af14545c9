"""With the keyboard only, Lyon's referent fills an application with three cooperation
projects and three experts without saving in between, picks countries and languages in the
combobox and submits after a confirmation; each page is checked at 100 % and 200 % zoom
and 320 pixels wide."""

import io
import re

import pytest
from pypdf import PdfWriter

from expect.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from expect.accounts.models import Membership
from expect.organisations.models import Collectivity
from labellisation.models import LabelApplication
from tests.accounts.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.usefixtures("demo")

PROJECTS = [
    ("Sénég", "Sénégal", "Commune de Saint-Louis", "2016"),
    ("maro", "Maroc", "Ville de Rabat", "2018"),
    ("viet", "Viêt Nam", "Province de Hué", "2020"),
]
EXPERTS = [
    ("Élodie Martin", "Architecte du patrimoine", "elodie.martin@mairie-lyon.example.fr", ["angl"]),
    ("Karim Benali", "Conservateur", "karim.benali@mairie-lyon.example.fr", ["arab", "angl"]),
    ("Yves Roux", "Ingénieur", "yves.roux@mairie-lyon.example.fr", ["espag"]),
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _letter(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / "deliberation.pdf"
    path.write_bytes(buffer.getvalue())
    return path


def _type(page, locator, text: str) -> None:
    locator.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def _press_and_go(visitor, locator):
    """Enter on a focused button or link, and the page it leads to (checked)."""
    locator.focus()
    with visitor.page.expect_navigation():
        visitor.page.keyboard.press("Enter")
    visitor.check_accessibility()
    visitor.check_content_security_policy()
    return visitor.page


def _choose_option(page, select, label: str) -> None:
    select.focus()
    for _ in range(40):
        if select.evaluate("s => s.selectedOptions[0].text") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{label} is not an option")


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement.id")


def _fill_project(page, index: int, search: str, country: str, partner: str, year: str) -> None:
    combobox = page.locator(f"#id_projects-{index}-country-search")
    assert _focused_id(page) == f"id_projects-{index}-country-search" or index == 0
    combobox.focus()
    page.keyboard.type(search)
    page.keyboard.press("Enter")
    assert combobox.input_value() == country
    _type(page, page.locator(f"#id_projects-{index}-partner"), partner)
    _type(page, page.locator(f"#id_projects-{index}-start_year"), year)


def _fill_expert(page, index: int, name, position, email, languages) -> None:
    _type(page, page.locator(f"#id_experts-{index}-name"), name)
    _type(page, page.locator(f"#id_experts-{index}-position"), position)
    _type(page, page.locator(f"#id_experts-{index}-email"), email)
    combobox = page.locator(f"#id_experts-{index}-languages-search")
    combobox.focus()
    for search in languages:
        page.keyboard.type(search)
        page.keyboard.press("Enter")
    chips = page.locator(f"#div_id_experts-{index}-languages .fr-tag--dismiss")
    assert chips.count() == len(languages)


def test_an_application_is_filled_and_submitted_with_the_keyboard_only(visitor, tmp_path):
    page = visitor.sign_in(f"referent@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.goto("/candidatures/nouvelle/")
    _choose_option(page, page.get_by_label("Thématique", exact=True), "Patrimoine")
    _type(page, page.get_by_label("Description de l’expertise"), "Restauration du Vieux-Lyon.")
    _press_and_go(visitor, page.get_by_role("button", name="Créer le brouillon et continuer"))

    # Step 2: three projects, added in place; the empty block asks for no « Supprimer » box.
    assert page.get_by_text("Supprimer", exact=True).count() == 0
    add = page.get_by_role("button", name="Ajouter un projet")
    for index, project in enumerate(PROJECTS):
        if index:
            add.focus()
            page.keyboard.press("Enter")
        _fill_project(page, index, *project)
    # France and Antarctica are no foreign cooperation.
    combobox = page.locator("#id_projects-0-country-search")
    combobox.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("fran")
    options = page.locator("[role=listbox]:visible [role=option]:visible")
    assert "France" not in options.all_inner_texts()
    page.keyboard.press("Escape")  # Closes the list; the country stays chosen.
    page.keyboard.press("Tab")  # Leaving the box puts its name back.
    assert combobox.input_value() == "Sénégal"
    # A fourth, empty block goes away without a question; the focus stays in the form.
    add.focus()
    page.keyboard.press("Enter")
    assert page.locator("[data-formset-form]:visible").count() == 4
    page.get_by_role("button", name="Retirer ce projet").nth(3).focus()
    page.keyboard.press("Enter")
    assert page.locator("[data-formset-form]:visible").count() == 3
    assert page.locator("#id_projects-TOTAL_FORMS").input_value() == "3"
    visitor.check_accessibility()
    visitor.check_zoom_and_reflow()
    _press_and_go(visitor, page.get_by_role("button", name="Enregistrer et continuer"))
    application = LabelApplication.objects.get(theme__slug="patrimoine")
    assert sorted(p.country.code for p in application.projects.all()) == ["MA", "SN", "VN"]

    # Step 3: three experts and their languages, chosen in the combobox.
    add = page.get_by_role("button", name="Ajouter un expert")
    for index, expert in enumerate(EXPERTS):
        if index:
            add.focus()
            page.keyboard.press("Enter")
            assert _focused_id(page) == f"id_experts-{index}-name"
        _fill_expert(page, index, *expert)
    # Backspace in the empty box takes the last language back, then it is chosen again.
    page.locator("#id_experts-1-languages-search").focus()
    page.keyboard.press("Backspace")
    assert page.locator("#div_id_experts-1-languages .fr-tag--dismiss").count() == 1
    page.keyboard.type("angl")
    page.keyboard.press("Enter")
    visitor.check_accessibility()
    visitor.check_zoom_and_reflow()
    _press_and_go(visitor, page.get_by_role("button", name="Enregistrer et continuer"))
    experts = {e.name: e for e in application.experts.prefetch_related("languages")}
    assert set(experts) == {name for name, *_rest in EXPERTS}
    assert {lang.code for lang in experts["Karim Benali"].languages.all()} == {"ar", "en"}

    # Step 4 and 5: the signed letter, the commitment.
    _choose_option(
        page, page.get_by_label("Type de document"), "Lettre d’engagement signée ou délibération"
    )
    page.locator("input[type=file]").set_input_files(_letter(tmp_path))
    _press_and_go(visitor, page.get_by_role("button", name="Ajouter le document"))
    _press_and_go(visitor, page.get_by_role("link", name="Continuer"))
    page.get_by_label(re.compile("Au nom de la collectivité")).focus()
    page.keyboard.press("Space")
    _press_and_go(visitor, page.get_by_role("button", name="Enregistrer et continuer"))

    # Submitting asks first, in a modal that axe checks too.
    page.get_by_role("button", name="Déposer la candidature").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Déposer la candidature ?")
    dialog.wait_for(state="visible")
    # The design system fades the modal in: axe reads its colours once it is opaque.
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    visitor.check_accessibility()
    visitor.check_zoom_and_reflow()
    page = _press_and_go(visitor, dialog.get_by_role("button", name="Oui, déposer"))
    application.refresh_from_db()
    assert application.state == LabelApplication.State.SUBMITTED
    assert "Déposée" in page.content()


def test_a_pending_member_is_told_who_confirms_and_prepares_a_draft(visitor):
    lyon = Collectivity.objects.get(memberships__user__email=f"referent@{DEMO_DOMAIN}")
    pending = MembershipFactory(collectivity=lyon, state=Membership.State.PENDING).user
    page = visitor.sign_in(pending.email, PASSWORD)
    for path in ("/ma-collectivite/", "/propositions/", "/candidatures/"):
        page = visitor.goto(path)
        assert "Votre rattachement attend d’être confirmé" in page.content()
        assert "Page introuvable" not in page.content()
        referent = Membership.objects.referents().get(collectivity=lyon).user
        assert referent.get_full_name() in page.content()
    visitor.check_zoom_and_reflow()
    visitor.click("Nouvelle candidature", role="link")
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Nouvelle candidature à la labellisation"
    )


def test_a_bad_phone_number_gets_a_clear_french_message(visitor):
    page = visitor.sign_in(f"referent@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.goto("/ma-collectivite/")
    page.locator("#id_phone").fill("abc")
    page = visitor.click("Enregistrer")
    assert "Saisissez un numéro de téléphone valide" in page.content()
    page.locator("#id_phone").fill("04 72 10 30 30")
    visitor.click("Enregistrer")
    lyon = Collectivity.objects.get(memberships__user__email=f"referent@{DEMO_DOMAIN}")
    assert lyon.phone.as_e164 == "+33472103030"


def test_the_statement_says_non_compliant_and_english_dates_are_british(visitor):
    page = visitor.goto("/accessibilite/")
    assert "non conforme" in page.content()
    assert "Schéma pluriannuel" in page.content()
    visitor.check_zoom_and_reflow()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": visitor.base_url}])
    page = visitor.goto("/accessibilite/")
    assert "non compliant" in page.content()
    assert re.search(r"\b01/12/2026\b", page.content())
