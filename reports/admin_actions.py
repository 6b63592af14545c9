"""The decisions DAECT takes from a report's page in the back office.

Each calls the service of `services.py`; its message says what happened and what
comes next. The list actions of `admin.py` call the same services under the same
permissions.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expect.core.admin_actions import ActionForm, ObjectAction, reason_form

from . import services
from .forms import AcceptForm
from .models import MissionReport

State = MissionReport.State


class AcceptActionForm(ActionForm, AcceptForm):
    """The rating and the evaluation of the list action's page, on the report's own."""


class PublishForm(ActionForm):
    with_file = forms.BooleanField(
        label=gettext_lazy("Publish the report file (PDF) as well"), required=False
    )


def _request_revision(request, report, data) -> str:
    services.report_request_revision(report=report, by=request.user, reason=data["reason"])
    return _(
        "A revision was requested; the experts were told by e-mail. The report comes back as "
        "“Submitted” once they hand it in again."
    )


def _accept(request, report, data) -> str:
    report = services.report_accept(
        report=report, by=request.user, rating=data["rating"], evaluation=data["evaluation"]
    )
    return _(
        "The report is accepted (rating: %(rating)s) and the mission closed; the experts were "
        "told by e-mail. Next: publish it in the library if it is worth sharing."
    ) % {"rating": report.get_rating_display()}


def _publish(request, report, data) -> str:
    services.report_publish(report=report, by=request.user, with_file=data["with_file"])
    return _("The report is published in the public library.")


def _unpublish(request, report, data) -> str:
    services.report_unpublish(report=report, by=request.user, reason=data["reason"])
    return _("The report is withdrawn from the public library.")


REPORT_ACTIONS = [
    ObjectAction(
        name="request_revision",
        label=gettext_lazy("Request a revision"),
        permission="evaluate_report",
        when=lambda r: r.state == State.SUBMITTED,
        run=_request_revision,
        form=reason_form(gettext_lazy("What must be revised (shown to the experts)")),
    ),
    ObjectAction(
        name="accept",
        label=gettext_lazy("Accept with a rating"),
        permission="evaluate_report",
        when=lambda r: r.state == State.SUBMITTED,
        run=_accept,
        form=AcceptActionForm,
        confirm=True,
        help=gettext_lazy("Accepting closes the mission."),
    ),
    ObjectAction(
        name="publish",
        label=gettext_lazy("Publish in the library"),
        permission="publish_report",
        when=lambda r: r.state == State.ACCEPTED and not r.is_published,
        run=_publish,
        form=PublishForm,
    ),
    ObjectAction(
        name="unpublish",
        label=gettext_lazy("Withdraw from the library"),
        permission="publish_report",
        when=lambda r: r.is_published,
        run=_unpublish,
        form=reason_form(gettext_lazy("Comment (optional)"), required=False),
    ),
]
