"""The embassy in Dakar relays a need; DAECT matches it to Lyon, which accepts: a mission."""

import datetime

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from expect.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from expect.organisations.models import Collectivity
from missions.models import Mission, MissionRequest, report_due_date

pytestmark = pytest.mark.usefixtures("demo")
PARTNER = "Commune de Podor"


def _date(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _embassy_submits_a_need(visitor) -> MissionRequest:
    page = visitor.sign_in(f"ambassade@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.goto("/besoins/nouveau/")
    page.locator("#id_country").select_option("SN")
    page.locator("#id_partner_name").fill(PARTNER)
    page.locator("#id_partner_kind").select_option("municipality")
    page.locator("#id_partner_place").fill("Podor, région de Saint-Louis")
    page.locator("#id_theme").select_option(label="Gouvernance locale et décentralisation")
    page.locator("#id_description").fill("Former les élus à la préparation du budget.")
    page.locator("#id_expected_results").fill("Un budget voté dans les délais.")
    page.locator("#id_period_start").fill(_date(60))
    page.locator("#id_period_end").fill(_date(120))
    page.locator("#id_duration_days").fill("8")
    page.locator("#id_working_language").select_option("fr")
    visitor.click(_("Create the draft"))
    visitor.click(_("Submit the need"))
    visitor.sign_out()
    need = MissionRequest.objects.get(partner_name=PARTNER)
    assert need.state == MissionRequest.State.SUBMITTED
    return need


def test_a_need_becomes_a_mission_with_its_report_due_date_and_sheet(visitor):
    need = _embassy_submits_a_need(visitor)
    lyon = Collectivity.objects.get(siren="216901231")

    visitor.sign_in(f"daect@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.admin_action("/admin/missions/missionrequest/", PARTNER, _("Qualify the need"))
    page = visitor.goto(f"/besoins/{need.pk}/correspondances/")
    assert _("The label stays valid over the whole desired period.") in page.content()
    page.locator(f"#collectivity-{lyon.pk}").check(force=True)  # the DSFR label covers the box
    visitor.page.get_by_role(
        "button", name=_("Propose the need to the ticked collectivities")
    ).click()
    visitor.click(_("Yes, send the proposals"))
    visitor.sign_out()

    page = visitor.sign_in(f"referent@{DEMO_DOMAIN}", DEMO_PASSWORD)
    proposal = need.proposals.get()
    visitor.goto(f"/propositions/{proposal.pk}/")
    page.get_by_label("Sophie Lefèvre").check(force=True)
    page.get_by_label("Karim Benali").check(force=True)
    visitor.click(_("Accept the proposal"))
    visitor.sign_out()

    visitor.sign_in(f"daect@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.goto(f"/besoins/{need.pk}/correspondances/")
    # Confirming the mission asks first, in a modal.
    visitor.page.get_by_role("button", name=f"{_('Confirm')} — {lyon}").click()
    visitor.click(_("Yes, confirm the mission"))
    mission = Mission.objects.get(request=need)
    assert set(mission.experts.values_list("email", flat=True)) == {
        f"expert@{DEMO_DOMAIN}",
        f"membre@{DEMO_DOMAIN}",
    }

    page = visitor.goto(f"/admin/missions/mission/{mission.pk}/change/")
    page.locator("#id_departure_date").fill(_date(70))
    page.locator("#id_return_date").fill(_date(78))
    page.locator("#id_place").fill("Podor")
    visitor.click(_("Save"), role="button")
    mission.refresh_from_db()
    expected = report_due_date(timezone.localdate() + datetime.timedelta(days=78))
    assert mission.report_due_on == expected

    page = visitor.goto(f"/missions/{mission.pk}/")
    assert expected.strftime("%d/%m/%Y") in page.content()
    visitor.check_zoom_and_reflow()
    sheet = page.request.get(visitor.base_url + f"/missions/{mission.pk}/fiche.pdf")
    assert sheet.ok and sheet.body().startswith(b"%PDF")


def test_an_embassy_cannot_relay_a_need_of_another_country(visitor):
    page = visitor.sign_in(f"ambassade@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.goto("/besoins/nouveau/")
    options = page.locator("#id_country option").evaluate_all("els => els.map(e => e.value)")
    assert "VN" not in options and "SN" in options
