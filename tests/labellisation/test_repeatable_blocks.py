"""Cooperation projects and experts come in repeatable blocks: several saved at once, the
empty block to copy kept in the page, and meaningful countries only."""

import re

import pytest
from django.urls import reverse

from tests.labellisation.factories import CooperationProjectFactory, LabelApplicationFactory

pytestmark = pytest.mark.django_db


def _step(application, step):
    return reverse("labellisation:application_step", args=[application.pk, step])


def _projects(*countries: str) -> dict:
    data = {"projects-TOTAL_FORMS": str(len(countries)), "projects-INITIAL_FORMS": "0"}
    for index, country in enumerate(countries):
        data |= {
            f"projects-{index}-country": country,
            f"projects-{index}-partner": f"Partenaire {index}",
            f"projects-{index}-start_year": "2016",
        }
    return data


def test_three_projects_are_saved_in_one_go(client):
    draft = LabelApplicationFactory()
    client.force_login(draft.created_by)
    response = client.post(_step(draft, "cooperation"), _projects("SN", "MA", "VN"))
    assert response.status_code == 302
    assert sorted(p.country.code for p in draft.projects.all()) == ["MA", "SN", "VN"]


@pytest.mark.parametrize("country", ["FR", "AQ", "RE", "BV"])
def test_france_its_territories_and_uninhabited_lands_are_refused(client, country):
    draft = LabelApplicationFactory()
    client.force_login(draft.created_by)
    response = client.post(_step(draft, "cooperation"), _projects(country))
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not draft.projects.exists()


def test_the_page_keeps_an_empty_block_to_copy_and_no_delete_box_on_it(client):
    draft = LabelApplicationFactory()
    CooperationProjectFactory(application=draft)
    client.force_login(draft.created_by)
    page = client.get(_step(draft, "cooperation")).content.decode()
    assert "<template data-formset-empty>" in page
    assert 'name="projects-__prefix__-country"' in page
    assert 'name="projects-0-DELETE"' in page  # The saved project can be removed…
    assert 'name="projects-1-DELETE"' not in page  # …the empty block has nothing to remove.
    assert "__prefix__-DELETE" not in page
    assert "Ajouter un projet" in page


def test_the_country_list_is_a_combobox_without_france(client):
    draft = LabelApplicationFactory()
    client.force_login(draft.created_by)
    page = client.get(_step(draft, "cooperation")).content.decode()
    assert 'data-combobox="single"' in page
    assert '<option value="SN">Sénégal</option>' in page
    assert '<option value="FR">' not in page and '<option value="AQ">' not in page
    assert "Sélectionner une option" in page and "---------" not in page


def test_languages_are_a_multiple_combobox_that_works_as_a_plain_select(client):
    draft = LabelApplicationFactory()
    client.force_login(draft.created_by)
    page = client.get(_step(draft, "experts")).content.decode()
    assert 'data-combobox="multiple"' in page
    assert re.search(r'<select name="experts-0-languages"[^>]*\bmultiple\b', page)
    assert 'type="checkbox" name="experts-0-languages"' not in page
