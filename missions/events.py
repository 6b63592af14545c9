"""Who hears of the events of needs, proposals and missions (see
`expect.notifications.events`).

Sent by `missions.emails` and not repeated here: the need sent back or declined
(to the embassy), the need turned into a mission (to the team, the collectivity and
the embassy), the proposal made (to the collectivity) and answered (to DAECT).
The embassy learns that a collectivity answered, never which one nor its reason:
those notices do not show the event's sentence.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from expect.accounts.models import Membership, User
from expect.core.models import Event
from expect.core.pdf import render_pdf
from expect.notifications.emails import absolute_url
from expect.notifications.events import EventNotice, notice

from .models import Mission, MissionRequest

Verb = Event.Verb


def embassy_agents(need: MissionRequest) -> list[User]:
    return list(need.embassy.agents.filter(is_active=True))


def collectivity_members(mission: Mission) -> list[User]:
    memberships = Membership.objects.active().filter(
        collectivity_id=mission.collectivity_id, user__role=User.Role.MEMBER
    )
    return [m.user for m in memberships.select_related("user")]


def team(mission: Mission) -> list[User]:
    return list(mission.experts.all())


def _need_url(event: Event) -> str:
    return absolute_url(reverse("missions:request_detail", args=[event.request_id]))


@notice
class NeedProgress(EventNotice):
    kind = "missions.event_need_progress"
    label = _("Your need is qualified, proposed to collectivities or accepted by one")
    roles = (User.Role.EMBASSY,)
    verbs = (Verb.REQUEST_QUALIFIED, Verb.REQUEST_PROPOSED, Verb.REQUEST_MATCHED)
    headline = _("Your need moved on")

    def recipients(self, event: Event):
        return embassy_agents(event.request)

    def subject_of(self, event: Event):
        return event.request

    def url(self, event: Event) -> str:
        return _need_url(event)


@notice
class ProposalAnswered(EventNotice):
    kind = "missions.event_proposal_answered"
    label = _("A collectivity answered the proposal of your need")
    roles = (User.Role.EMBASSY,)
    verbs = (Verb.PROPOSAL_ACCEPTED, Verb.PROPOSAL_DECLINED)
    headline = _("A collectivity answered the proposal of your need")
    todo = _("DAECT chooses the collectivity and will tell you when the mission is decided.")
    show_sentence = False  # it names the collectivity and quotes its reason

    def recipients(self, event: Event):
        return embassy_agents(event.request)

    def subject_of(self, event: Event):
        return event.request

    def url(self, event: Event) -> str:
        return _need_url(event)


class MissionNotice(EventNotice):
    roles = (User.Role.MEMBER, User.Role.EMBASSY)

    def recipients(self, event: Event):
        mission = event.mission
        return [*team(mission), *collectivity_members(mission), *embassy_agents(mission.request)]

    def subject_of(self, event: Event):
        return event.mission

    def url(self, event: Event) -> str:
        return absolute_url(reverse("missions:mission_detail", args=[event.mission_id]))

    def details(self, event: Event):
        mission = event.mission
        lines = []
        if mission.departure_date and mission.return_date:
            lines.append(
                (
                    _("Dates"),
                    _("from %(start)s to %(end)s")
                    % {
                        "start": date_format(mission.departure_date, "d/m/Y"),
                        "end": date_format(mission.return_date, "d/m/Y"),
                    },
                )
            )
        if mission.place:
            lines.append((_("Place"), mission.place))
        names = ", ".join(e.get_full_name() or e.email for e in mission.experts.all())
        lines.append((_("Team"), names or "—"))
        total = number_format(mission.total_budget, 2, force_grouping=True)
        lines.append((_("Budget financed by the Ministry"), f"{total} €"))
        return lines

    def attachments(self, event: Event):
        return [calendar_file(event.mission)]


def calendar_file(mission: Mission) -> tuple[str, bytes, str]:
    """The mission's dates as an all-day event, for the recipient's calendar."""
    calendar = Calendar()
    calendar.add("prodid", "-//MEAE DAECT//EXPE-CT//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    item = CalendarEvent()
    item.add("uid", f"mission-{mission.pk}@expe-ct")
    item.add("dtstamp", timezone.now())
    item.add("dtstart", mission.departure_date)
    item.add("dtend", mission.return_date + timedelta(days=1))
    item.add("summary", f"{mission.reference} — {mission}")
    if mission.place:
        item.add("location", mission.place)
    item.add("url", absolute_url(reverse("missions:mission_detail", args=[mission.pk])))
    calendar.add_component(item)
    return (f"{mission.reference}.ics", calendar.to_ical(), "text/calendar")


def sheet_file(mission: Mission) -> tuple[str, bytes, str]:
    """The mission sheet (travel order's annex), as the portal serves it."""
    days = (mission.return_date - mission.departure_date).days + 1
    context = {
        "mission": mission,
        "need": mission.request,
        "reference": mission.reference,
        "duration_days": days,
        "issued_on": timezone.localdate(),
    }
    pdf = render_pdf("missions/pdf/mission_sheet.html", context)
    return (f"fiche-mission-{mission.reference}.pdf", pdf, "application/pdf")


@notice
class MissionConfirmed(MissionNotice):
    kind = "missions.event_mission_confirmed"
    label = _("A mission is confirmed (with its sheet and its dates for your calendar)")
    verbs = (Verb.MISSION_CONFIRMED,)
    headline = _("The mission is confirmed")
    todo = _("The mission sheet is attached for the travel order; add the dates to your calendar.")

    def attachments(self, event: Event):
        return [sheet_file(event.mission), calendar_file(event.mission)]


@notice
class MissionChanged(MissionNotice):
    kind = "missions.event_mission_changed"
    label = _("The dates or the team of a confirmed mission change")
    verbs = (Verb.MISSION_DATES_CHANGED, Verb.MISSION_TEAM_CHANGED)
    headline = _("The mission changed")

    def applies(self, event: Event) -> bool:
        # Before the confirmation, the dates and the team are a draft of DAECT's.
        return event.mission.state == Mission.State.CONFIRMED

    todo = _("Check the new dates and team; the attached calendar file replaces the former one.")
