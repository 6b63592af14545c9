"""A visitor reads the programme in figures: France by région and département, the world
by country, the years; every chart with its table, axe-clean and within the CSP."""

import datetime

from django.utils import timezone

from expect.organisations.models import Region
from reports.models import MissionReport
from tests.labellisation.test_catalogue import labelled
from tests.missions.factories import MissionFactory
from tests.organisations.factories import CollectivityFactory
from tests.reports.factories import MissionReportFactory


def _programme() -> None:
    aura = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
    brittany = Region.objects.create(code="53", name="Bretagne")
    for region, departement in ((aura, "69"), (aura, "69"), (aura, "38"), (brittany, "29")):
        labelled(CollectivityFactory(region=region, department_code=departement))
    labelled(CollectivityFactory(region=None, department_code="974"))
    for n, country in enumerate(("SN", "SN", "ML", "MA", "VN")):
        mission = MissionFactory(
            proposal__request__country=country,
            departure_date=timezone.localdate() - datetime.timedelta(days=380 * n),
        )
        MissionReportFactory(
            mission=mission,
            state=MissionReport.State.SUBMITTED,
            submitted_at=timezone.now() - datetime.timedelta(days=380 * n),
            is_late=n % 2 == 1,
        )


def test_a_visitor_reads_the_maps_and_the_years_of_the_programme(visitor):
    _programme()
    page = visitor.goto("/chiffres/")
    maps = page.locator("svg.expect-map")
    assert maps.count() == 3
    for n in range(3):
        assert maps.nth(n).is_visible()
        assert maps.nth(n).get_attribute("role") == "img"
    # The colour is not alone: the région map prints its numbers, each map has a legend
    # and a table.
    assert page.locator("svg.expect-map").first.locator("text.expect-map__mark").count() == 2
    assert page.locator("ul.expect-map__legend").count() == 3
    world_table = page.get_by_role("table", name="Missions par pays")
    assert world_table.get_by_role("row", name="Sénégal 2").is_visible()
    # The years: one column chart a measure, each with its table.
    assert page.locator("svg.expect-trend").count() == 5
    missions = page.get_by_role("table", name="Missions (par année de départ)")
    assert missions.get_by_role("row", name=f"{timezone.localdate().year} 1").is_visible()
    page.screenshot(path="var/figures-page.png", full_page=True)
    visitor.check_zoom_and_reflow()


def test_a_visitor_goes_from_a_report_to_its_collectivity_and_back(visitor):
    from tests.labellisation.test_collectivity_page import answered, done_mission, published

    collectivity = CollectivityFactory(
        name="Villeurbanne",
        public_contact_service="Direction des relations internationales",
        public_contact_email="ri@villeurbanne.fr",
        publish_contact=True,
    )
    labelled(collectivity)
    mission = done_mission(collectivity, proposal__request__country="SN")
    report = published(mission)
    answered(mission, usefulness=4)
    visitor.goto(f"/bibliotheque/{report.pk}/")
    page = visitor.click(str(collectivity), role="link")
    assert page.get_by_role("link", name="ri@villeurbanne.fr").is_visible()
    assert page.get_by_text("Utilité : 4/5").is_visible()
    visitor.check_zoom_and_reflow()
    page = visitor.click("Lire le rapport de la mission (Sénégal)", role="link")
    assert page.url.endswith(f"/bibliotheque/{report.pk}/")
