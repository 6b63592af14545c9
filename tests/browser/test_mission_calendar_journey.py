"""The embassy in Dakar relays a need with its terms of reference; Lyon reads the brief
before accepting; the mission follows its calendar; the foreign partner gives its opinion
through its secret link, and everyone reads it on the mission page."""

import datetime
import io
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfWriter

from expect.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from expect.organisations.models import Collectivity
from missions import tasks
from missions.models import Mission, MissionRequest

pytestmark = pytest.mark.usefixtures("demo")
PARTNER = "Commune de Matam"
CONTACT = "maire@matam.sn"
LINK = re.compile(r"https?://[^/\s]+(/avis-partenaire/[^/\s]+/)")


def _date(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _pdf() -> dict:
    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return {
        "name": "Termes de référence.pdf",
        "mimeType": "application/pdf",
        "buffer": buffer.getvalue(),
    }


def _on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9)), tick=False)


def _embassy_relays_a_need_with_its_brief(visitor) -> MissionRequest:
    page = visitor.sign_in(f"ambassade@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.goto("/besoins/nouveau/")
    page.locator("#id_country").select_option("SN")
    page.locator("#id_partner_name").fill(PARTNER)
    page.locator("#id_partner_kind").select_option("municipality")
    page.locator("#id_partner_place").fill("Matam")
    page.locator("#id_theme").select_option(label="Gouvernance locale et décentralisation")
    page.locator("#id_description").fill("Mettre en place un état civil numérique.")
    page.locator("#id_expected_results").fill("Un registre numérique ouvert au public.")
    page.locator("#id_period_start").fill(_date(60).isoformat())
    page.locator("#id_period_end").fill(_date(120).isoformat())
    page.locator("#id_duration_days").fill("8")
    page.locator("#id_working_language").select_option("fr")
    page.locator("#id_partner_contact_name").fill("Aminata Diop")
    page.locator("#id_partner_contact_email").fill(CONTACT)
    page.locator("#id_partner_language").select_option("fr")
    visitor.click(_("Create the draft"))
    page.locator("#id_file").set_input_files(_pdf())
    visitor.click(_("Add the document"))
    visitor.click(_("Submit the need"))
    visitor.sign_out()
    return MissionRequest.objects.get(partner_name=PARTNER)


def test_the_brief_the_calendar_and_the_partner_s_voice(visitor):
    need = _embassy_relays_a_need_with_its_brief(visitor)
    lyon = Collectivity.objects.get(siren="216901231")
    document = need.attachments.get()

    visitor.sign_in(f"daect@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.admin_action("/admin/missions/missionrequest/", PARTNER, _("Qualify the need"))
    page = visitor.goto(f"/besoins/{need.pk}/correspondances/")
    page.locator(f"#collectivity-{lyon.pk}").check(force=True)
    # Sending proposals asks first, in a modal.
    page.get_by_role("button", name=_("Propose the need to the ticked collectivities")).click()
    visitor.click(_("Yes, send the proposals"))
    visitor.sign_out()

    # Lyon reads the brief, and downloads the terms of reference, before accepting.
    page = visitor.sign_in(f"referent@{DEMO_DOMAIN}", DEMO_PASSWORD)
    proposal = need.proposals.get()
    page = visitor.goto(f"/propositions/{proposal.pk}/")
    link = page.get_by_role("link", name=re.compile("Termes de référence.pdf"))
    accept = page.get_by_role("button", name=_("Accept the proposal"), exact=True)
    assert link.bounding_box()["y"] < accept.bounding_box()["y"]
    download = page.request.get(visitor.base_url + f"/besoins/{need.pk}/documents/{document.pk}/")
    assert download.ok and download.body().startswith(b"%PDF")
    page.get_by_label("Sophie Lefèvre").check(force=True)
    visitor.click(_("Accept the proposal"))
    visitor.sign_out()

    visitor.sign_in(f"daect@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.goto(f"/besoins/{need.pk}/correspondances/")
    page.get_by_role("button", name=f"{_('Confirm')} — {lyon}", exact=True).first.click()
    visitor.click(_("Yes, confirm the mission"))
    mission = Mission.objects.get(request=need)
    departure, back = _date(70), _date(78)
    page = visitor.goto(f"/admin/missions/mission/{mission.pk}/change/")
    page.locator("#id_departure_date").fill(departure.isoformat())
    page.locator("#id_return_date").fill(back.isoformat())
    page.locator("#id_place").fill("Matam")
    visitor.click(_("Save"), role="button")
    visitor.admin_action("/admin/missions/mission/", mission.pk, _("Confirm the mission"))
    # Under way today? Refused: the team leaves in 70 days.
    page = visitor.admin_action("/admin/missions/mission/", mission.pk, _("Mark as under way"))
    refusal = _("The mission cannot be under way before its departure date (%(date)s).") % {
        "date": departure.strftime("%d/%m/%Y")
    }
    assert refusal in page.content()
    mission.refresh_from_db()
    assert mission.state == Mission.State.CONFIRMED
    visitor.sign_out()

    # The calendar moves the mission, on its dates only.
    for day, state in [
        (departure - datetime.timedelta(days=1), Mission.State.CONFIRMED),
        (departure, Mission.State.UNDER_WAY),
        (back - datetime.timedelta(days=1), Mission.State.UNDER_WAY),
        (back, Mission.State.RETURNED),
    ]:
        with _on(day):
            tasks.advance_on_calendar()
        mission.refresh_from_db()
        assert mission.state == state

    # Three weeks after the return, the partner is asked; it answers through its link.
    with _on(back + datetime.timedelta(days=21)):
        tasks.what_followed()
    [message] = [m for m in mail.outbox if CONTACT in m.to]
    path = LINK.search(message.body).group(1)
    page = visitor.goto(path)
    page.locator("#id_need_met_0").check(force=True)
    page.locator("#id_usefulness_4").check(force=True)
    page.locator("#id_rating_expertise_4").check(force=True)
    page.locator("#id_next_steps").fill("Former les agents des autres communes.")
    visitor.click(_("Send my answers"))
    assert _("Your answers were received. Thank you for your time.") in page.content()
    page = visitor.goto(path)  # the link served once
    assert _("Your answers were already received") in page.content()

    visitor.sign_in(f"ambassade@{DEMO_DOMAIN}", DEMO_PASSWORD)
    page = visitor.goto(f"/missions/{mission.pk}/")
    assert "Former les agents des autres communes." in page.content()
    assert lyon.name in page.content()
