"""Who hears of the events of applications (see `expect.notifications.events`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from expect.accounts.models import Membership, User
from expect.core.models import Event
from expect.notifications.emails import absolute_url
from expect.notifications.events import EventNotice, notice

Verb = Event.Verb


def applicants(application) -> list[User]:
    """The confirmed members (experts excepted) of the applying collectivity."""
    memberships = Membership.objects.active().filter(
        collectivity_id=application.collectivity_id, user__role=User.Role.MEMBER
    )
    return [m.user for m in memberships.select_related("user")]


def daect_staff() -> list[User]:
    return list(User.objects.filter(role=User.Role.DAECT, is_active=True))


@notice
class ApplicationScheduled(EventNotice):
    """The applicant learns which committee will decide, and when."""

    kind = "labellisation.event_scheduled"
    label = _("Your application is scheduled for a selection committee")
    roles = (User.Role.MEMBER,)
    verbs = (Verb.APPLICATION_SCHEDULED,)
    headline = _("Your application is scheduled for a selection committee")
    todo = _("Nothing to do: DAECT will tell you the committee's decision.")

    def recipients(self, event: Event):
        return applicants(event.application)

    def subject_of(self, event: Event):
        return event.application

    def details(self, event: Event):
        committee = event.application.committee
        return [(_("Committee"), committee)] if committee else []

    def url(self, event: Event) -> str:
        return absolute_url(
            reverse("labellisation:application_detail", args=[event.application_id])
        )


@notice
class OpinionGiven(EventNotice):
    """DAECT learns that an opinion it asked for came back."""

    kind = "labellisation.event_opinion_given"
    label = _("An opinion you asked for was given")
    roles = (User.Role.DAECT,)
    verbs = (Verb.OPINION_GIVEN,)
    headline = _("An opinion was given on an application")
    todo = _("Read it on the dossier's page before the decision.")

    def recipients(self, event: Event):
        return daect_staff()

    def subject_of(self, event: Event):
        return event.application

    def url(self, event: Event) -> str:
        return absolute_url(
            reverse("admin:labellisation_labelapplication_change", args=[event.application_id])
        )
