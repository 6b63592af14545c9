"""The import of the official list of collectivities from the shipped extract."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from expect.organisations.models import Collectivity, Region

Kind = Collectivity.Kind
LYON_SIREN = "216901231"
SAINT_ETIENNE_SIREN = "214202186"

pytestmark = pytest.mark.django_db


def import_collectivities() -> str:
    out = StringIO()
    call_command("import_collectivities", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {kind: Collectivity.objects.filter(kind=kind).count() for kind in Kind.values}


@pytest.fixture(scope="module", autouse=True)
def summary(django_db_setup, django_db_blocker):
    """Imports the list once for the module (it takes seconds), inside a transaction that
    is rolled back afterwards; each test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        # Typed in by hand before the first import: its SIREN but no INSEE code.
        Collectivity.objects.create(
            kind=Kind.COMMUNE,
            name="Ville de St Etienne",
            siren=SAINT_ETIENNE_SIREN,
            email="international@saint-etienne.fr",
        )
        output = import_collectivities()
        with django_db_blocker.block():
            yield output
        transaction.set_rollback(True)


def test_summary_and_counts(summary):
    assert "34 875 communes, 1 255 EPCI, 101 départements, 18 régions" in summary
    assert counts() == {
        "commune": 34_875,
        "epci": 1_255,
        "departement": 101,
        "region": 18,
        "overseas": 6,
        "elected_association": 0,
        "association": 0,
    }
    assert not Collectivity.objects.filter(imported=False).exists()
    assert Region.objects.count() == 18


def test_lyon():
    lyon = Collectivity.objects.get(kind=Kind.COMMUNE, insee_code="69123")
    assert (lyon.name, lyon.siren, lyon.department_code) == ("Lyon", LYON_SIREN, "69")
    assert lyon.region.name == "Auvergne-Rhône-Alpes"
    assert lyon.search_name == "lyon"
    assert lyon.population > 500_000


def test_departements_regions_and_overseas():
    ain = Collectivity.objects.get(kind=Kind.DEPARTEMENT, insee_code="01")
    assert (ain.name, ain.department_code, ain.region_id) == ("Ain", "01", "84")
    idf = Collectivity.objects.get(kind=Kind.REGION, insee_code="11")
    assert idf.name == idf.region.name == "Île-de-France"
    corse = Collectivity.objects.get(kind=Kind.DEPARTEMENT, insee_code="2A")
    assert corse.name == "Corse-du-Sud"
    spm = Collectivity.objects.get(kind=Kind.OVERSEAS, insee_code="975")
    assert (spm.name, spm.region) == ("Saint-Pierre-et-Miquelon", None)


def test_epci():
    metropole = Collectivity.objects.get(siren="200046977")
    assert (metropole.kind, metropole.name) == (Kind.EPCI, "Métropole de Lyon")
    assert (metropole.legal_form, metropole.region_id, metropole.department_code) == (
        "MET69",
        "84",
        "69",
    )
    assert metropole.insee_code is None
    st_etienne = Collectivity.objects.get(siren="244200770")
    assert (st_etienne.name, st_etienne.legal_form) == ("Saint-Étienne Métropole", "METRO")


def test_a_commune_typed_in_by_hand_is_completed_not_duplicated():
    commune = Collectivity.objects.get(siren=SAINT_ETIENNE_SIREN)
    assert (commune.name, commune.insee_code, commune.department_code) == (
        "Saint-Étienne",
        "42218",
        "42",
    )
    assert commune.imported
    assert commune.email == "international@saint-etienne.fr"


def test_search():
    found = list(Collectivity.objects.search("saint etienne")[:2])
    assert [c.siren for c in found] == [SAINT_ETIENNE_SIREN, "244200770"]
    assert [c.siren for c in Collectivity.objects.search("69123")] == [LYON_SIREN]
    assert [c.insee_code for c in Collectivity.objects.search("216 901 231")] == ["69123"]


def test_importing_again_restores_names_and_adds_nothing():
    Collectivity.objects.filter(siren=LYON_SIREN).update(name="Lugdunum", search_name="lugdunum")
    Region.objects.filter(code="84").update(name="Rhône-Alpes")
    before = counts()

    assert "(0 new)" in import_collectivities()

    assert counts() == before
    lyon = Collectivity.objects.get(siren=LYON_SIREN)
    assert (lyon.name, lyon.search_name) == ("Lyon", "lyon")
    assert Region.objects.get(code="84").name == "Auvergne-Rhône-Alpes"
    assert Region.objects.count() == 18
