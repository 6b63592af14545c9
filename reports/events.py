"""Who hears of the events of mission reports (see `expect.notifications.events`).

The experts of the team already receive the acceptance and the revision request
from `reports.emails`; these notices tell the rest of the collectivity and the
embassy, and everybody of the publication.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from expect.accounts.models import User
from expect.core.models import Event
from expect.notifications.emails import absolute_url
from expect.notifications.events import EventNotice, notice
from missions.events import collectivity_members, embassy_agents, team

Verb = Event.Verb


class ReportNotice(EventNotice):
    roles = (User.Role.MEMBER, User.Role.EMBASSY)

    def subject_of(self, event: Event):
        return event.report

    def url(self, event: Event) -> str:
        return absolute_url(reverse("reports:report_detail", args=[event.report.mission_id]))


@notice
class ReportDecided(ReportNotice):
    kind = "reports.event_decided"
    label = _("A mission report is accepted or sent back for revision")
    verbs = (Verb.REPORT_ACCEPTED, Verb.REPORT_REVISION_REQUESTED)
    headline = _("DAECT evaluated the mission report")

    def recipients(self, event: Event):
        mission = event.report.mission
        experts = {u.pk for u in team(mission)}
        others = [u for u in collectivity_members(mission) if u.pk not in experts]
        return [*others, *embassy_agents(mission.request)]


@notice
class ReportPublished(ReportNotice):
    kind = "reports.event_published"
    label = _("A mission report is published in the library")
    verbs = (Verb.REPORT_PUBLISHED,)
    headline = _("The mission report is published in the library")

    def recipients(self, event: Event):
        mission = event.report.mission
        return [*team(mission), *collectivity_members(mission), *embassy_agents(mission.request)]
