"""A member of Lyon finds her deadlines from the dashboard, then chooses to receive the
reminders of mission proposals in a daily digest."""

import pytest
from django.utils.translation import gettext as _

from expect.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from expect.accounts.models import User
from expect.notifications.models import CalendarFeed, Preference
from missions.reminders import ProposalAwaited

pytestmark = pytest.mark.usefixtures("demo")
PROPOSAL = "missions.proposal_awaited"


def test_a_member_opens_her_deadlines_and_takes_a_reminder_in_the_daily_digest(visitor):
    page = visitor.sign_in(f"membre@{DEMO_DOMAIN}", DEMO_PASSWORD)
    assert page.get_by_role("heading", name=_("Upcoming deadlines")).is_visible()

    visitor.click(_("All my deadlines and the calendar"), role="link")
    member = User.objects.get(email=f"membre@{DEMO_DOMAIN}")
    feed = CalendarFeed.objects.get(user=member)
    assert page.locator("#feed-url").input_value().endswith(f"/calendrier/{feed.token}.ics")
    visitor.check_zoom_and_reflow()

    visitor.click(_("Choose which reminders I receive by e-mail"), role="link")
    group = page.get_by_role("group", name=str(ProposalAwaited.label))
    group.get_by_text(str(Preference.Mode.DIGEST.label), exact=True).click()
    visitor.click(_("Save my preferences"))
    assert page.get_by_text(_("Your notification preferences are saved.")).is_visible()
    assert page.locator('input[name="kind-missions-proposal_awaited"][value="digest"]').is_checked()
    assert Preference.objects.get(user=member, kind=PROPOSAL).mode == "digest"
