"""An expert hands in the report of Ziguinchor; the embassy comments; DAECT asks for a
revision, accepts and publishes it; a visitor finds it in the library and the booklet."""

import io

import pytest
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from expect.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from missions.models import Mission
from reports.models import Booklet, MissionReport
from reports.tasks import build_booklet

pytestmark = pytest.mark.usefixtures("demo")
REPORTS = "/admin/reports/missionreport/"
WORD = "cartographie"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _pdf(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / "rapport-ziguinchor.pdf"
    path.write_bytes(buffer.getvalue())
    return path


def _report_pk(mission) -> int:
    return MissionReport.objects.get(mission=mission).pk


def test_a_report_is_handed_in_revised_accepted_published_and_found(visitor, tmp_path):
    mission = Mission.objects.get(request__partner_name="Commune de Ziguinchor")
    url = f"/missions/{mission.pk}/rapport/"

    page = visitor.sign_in(f"expert@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.goto(url)
    visitor.click(_("Write the report"))
    visitor.goto(url + "modifier/")
    page.locator("#id_summary").fill(f"Appui à la {WORD} participative des quartiers.")
    page.locator("#id_results").fill("Une carte des besoins validée par le conseil.")
    page.locator("#id_file").set_input_files(_pdf(tmp_path))
    visitor.click(_("Save the draft"))
    visitor.goto(url)
    visitor.page.get_by_role("button", name=_("Hand in the report")).click()
    visitor.click(_("Yes, hand it in"))
    visitor.sign_out()

    page = visitor.sign_in(f"ambassade@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.goto(url)
    page.locator("textarea").first.fill("Le partenaire salue la qualité du travail.")
    visitor.click(_("Send the comment"))
    visitor.sign_out()

    visitor.sign_in(f"daect@{DEMO_DOMAIN}", DEMO_PASSWORD)
    page = visitor.admin_action(REPORTS, _report_pk(mission), _("Request a revision"))
    page.locator("#id_reason").fill("Ajoutez les recommandations au partenaire.")
    visitor.click(_("Confirm"))
    visitor.sign_out()

    page = visitor.sign_in(f"expert@{DEMO_DOMAIN}", DEMO_PASSWORD)
    visitor.goto(url + "modifier/")
    page.locator("#id_recommendations").fill("Publier la carte en ligne.")
    visitor.click(_("Save the draft"))
    visitor.goto(url)
    visitor.page.get_by_role("button", name=_("Hand in the report")).click()
    visitor.click(_("Yes, hand it in"))
    visitor.sign_out()

    visitor.sign_in(f"daect@{DEMO_DOMAIN}", DEMO_PASSWORD)
    page = visitor.admin_action(REPORTS, _report_pk(mission), _("Accept with a rating"))
    page.locator("select[name=rating]").select_option("4")
    visitor.click(_("Accept"))
    visitor.admin_action(
        REPORTS, _report_pk(mission), _("Publish in the library (without the file)")
    )
    visitor.sign_out()
    report = MissionReport.objects.get(mission=mission)
    assert report.state == MissionReport.State.ACCEPTED and report.is_published
    assert report.comments.count() == 1

    page = visitor.goto(f"/bibliotheque/?q={WORD}")
    assert "Ziguinchor" in page.content() or "Lyon" in page.content()
    visitor.check_zoom_and_reflow()
    theme = mission.request.theme_id
    # The booklet is prepared by the worker: the visitor is told so, then gets the file.
    waiting = visitor.goto(f"/bibliotheque/livret.pdf?theme={theme}")
    assert "en cours de préparation" in waiting.get_by_role("status").inner_text()
    for pending in Booklet.objects.filter(state=Booklet.State.PENDING):
        build_booklet(pending.pk)
    booklet = page.request.get(visitor.base_url + f"/bibliotheque/livret.pdf?theme={theme}")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(booklet.body())).pages)
    assert WORD in text
