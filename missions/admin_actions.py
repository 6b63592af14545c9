"""The decisions DAECT takes from a need's, a proposal's or a mission's page in the back office.

Each calls the service of `services.py`; its message says what happened and what
comes next. The list actions of `admin.py` call the same services under the same
permissions.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expect.core.admin_actions import ActionForm, ObjectAction, reason_form

from . import services
from .models import Mission, MissionProposal, MissionRequest

RState = MissionRequest.State
MState = Mission.State
# As the services: a need is moved back or declined before it is proposed.
SENDABLE_BACK = (RState.SUBMITTED, RState.QUALIFIED)
PLANNABLE = (MState.PLANNED, MState.CONFIRMED)
CANCELLABLE = (MState.PLANNED, MState.CONFIRMED, MState.UNDER_WAY)


def _date(day) -> str:
    return day.strftime("%d/%m/%Y")


def _qualify(request, need, data) -> str:
    services.request_qualify(need=need, by=request.user)
    return _("The need is qualified. Next: propose it to labelled collectivities (“Propose”).")


def _send_back(request, need, data) -> str:
    services.request_send_back(need=need, by=request.user, reason=data["reason"])
    return _(
        "The need was sent back to the embassy, told by e-mail; it comes back as “Submitted” "
        "once completed."
    )


def _decline(request, need, data) -> str:
    services.request_decline(need=need, by=request.user, reason=data["reason"])
    return _("The need was declined; the embassy was told by e-mail, with the reason.")


NEED_ACTIONS = [
    ObjectAction(
        name="qualify",
        label=gettext_lazy("Qualify the need"),
        permission="qualify_need",
        when=lambda need: need.state == RState.SUBMITTED,
        run=_qualify,
    ),
    ObjectAction(
        name="propose",
        label=gettext_lazy("Propose to labelled collectivities"),
        permission="propose_need",
        when=lambda need: need.state in MissionRequest.PROPOSABLE_STATES,
        link=lambda need: reverse("missions:request_matching", args=[need.pk]),
    ),
    ObjectAction(
        name="send_back",
        label=gettext_lazy("Send back for more information"),
        permission="send_back_need",
        when=lambda need: need.state in SENDABLE_BACK,
        run=_send_back,
        form=reason_form(gettext_lazy("Information needed (shown to the embassy)")),
    ),
    ObjectAction(
        name="decline",
        label=gettext_lazy("Decline the need"),
        permission="decline_need",
        when=lambda need: need.state in SENDABLE_BACK,
        run=_decline,
        form=reason_form(gettext_lazy("Reason (shown to the embassy)")),
        confirm=True,
    ),
]


def _confirm_proposal(request, proposal, data) -> str:
    mission = services.proposal_confirm(proposal=proposal, by=request.user)
    return _(
        "The mission with %(collectivity)s is created and the other proposals are closed; "
        "the collectivities were told by e-mail. Next: set the mission's dates and budget."
    ) % {"collectivity": mission.collectivity}


PROPOSAL_ACTIONS = [
    ObjectAction(
        name="confirm",
        label=gettext_lazy("Confirm: turn the need into a mission"),
        permission="confirm_proposal",
        when=lambda p: (
            p.state == MissionProposal.State.ACCEPTED and p.request.state == RState.MATCHED
        ),
        run=_confirm_proposal,
        confirm=True,
        help=gettext_lazy("The other proposals of this need are closed."),
    ),
]


class PlanForm(ActionForm):
    departure_date = forms.DateField(
        label=gettext_lazy("Departure"), widget=forms.DateInput(attrs={"type": "date"})
    )
    return_date = forms.DateField(
        label=gettext_lazy("Return"), widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200)

    def __init__(self, data=None, *, obj, user, **kwargs):
        initial = {
            "departure_date": obj.departure_date,
            "return_date": obj.return_date,
            "place": obj.place,
        }
        super().__init__(data, obj=obj, user=user, initial=initial, **kwargs)

    def clean(self):
        cleaned = super().clean()
        departure, return_ = cleaned.get("departure_date"), cleaned.get("return_date")
        if departure and return_ and return_ < departure:
            self.add_error(
                "return_date", ValidationError(_("The return cannot come before the departure."))
            )
        return cleaned


def _plan(request, mission, data) -> str:
    mission = services.mission_plan(
        mission=mission,
        by=request.user,
        departure=data["departure_date"],
        return_=data["return_date"],
        place=data["place"],
    )
    mission.refresh_from_db(fields=["report_due_on"])
    return _(
        "Dates saved: from %(departure)s to %(return)s in %(place)s; the report will be due "
        "on %(due)s. The budget lines are typed on this page."
    ) % {
        "departure": _date(mission.departure_date),
        "return": _date(mission.return_date),
        "place": mission.place,
        "due": _date(mission.report_due_on),
    }


def _confirm_mission(request, mission, data) -> str:
    services.mission_confirm(mission=mission, by=request.user)
    return _("The mission is confirmed. Mark it “under way” when the team leaves.")


def _start(request, mission, data) -> str:
    services.mission_start(mission=mission, by=request.user)
    return _("The mission is under way. Mark it “returned” when the team is back.")


def _mark_returned(request, mission, data) -> str:
    mission = services.mission_mark_returned(mission=mission, by=request.user)
    return _("The team is back: its report is due on %(due)s at the latest.") % {
        "due": _date(mission.report_due_on) if mission.report_due_on else "—"
    }


def _cancel(request, mission, data) -> str:
    services.mission_cancel(mission=mission, by=request.user, reason=data["reason"])
    return _("The mission is cancelled.")


MISSION_ACTIONS = [
    ObjectAction(
        name="plan",
        label=gettext_lazy("Set the dates and place"),
        permission="plan_mission",
        when=lambda m: m.state in PLANNABLE,
        run=_plan,
        form=PlanForm,
    ),
    ObjectAction(
        name="confirm",
        label=gettext_lazy("Confirm the mission"),
        permission="confirm_mission",
        when=lambda m: m.state == MState.PLANNED,
        run=_confirm_mission,
    ),
    ObjectAction(
        name="start",
        label=gettext_lazy("Mark as under way"),
        permission="follow_mission",
        when=lambda m: m.state == MState.CONFIRMED,
        run=_start,
    ),
    ObjectAction(
        name="mark_returned",
        label=gettext_lazy("Mark as returned"),
        permission="follow_mission",
        when=lambda m: m.state == MState.UNDER_WAY,
        run=_mark_returned,
    ),
    ObjectAction(
        name="cancel",
        label=gettext_lazy("Cancel the mission"),
        permission="cancel_mission",
        when=lambda m: m.state in CANCELLABLE,
        run=_cancel,
        form=reason_form(gettext_lazy("Reason of the cancellation")),
        confirm=True,
    ),
]
