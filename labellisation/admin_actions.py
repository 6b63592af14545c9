"""The decisions DAECT takes from an application's or a label's page in the back office.

Each calls the service of `services.py`; its message says what happened and what
comes next. The list actions of `admin.py` call the same services under the same
permissions.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expect.accounts.models import User
from expect.core.admin_actions import ActionForm, ObjectAction, reason_form

from . import services
from .models import CommitteeSession, Label, LabelApplication

State = LabelApplication.State
REVIEWABLE = (State.SUBMITTED, State.RESUBMITTED)
INFO_REQUESTABLE = (State.SUBMITTED, State.IN_REVIEW, State.RESUBMITTED)
SCHEDULABLE = (State.IN_REVIEW, State.RESUBMITTED)
DECIDABLE = (State.SCHEDULED, State.IN_REVIEW, State.RESUBMITTED)


def _date(day) -> str:
    return day.strftime("%d/%m/%Y")


class ScheduleForm(ActionForm):
    committee = forms.ModelChoiceField(
        label=gettext_lazy("Selection committee"),
        queryset=CommitteeSession.objects.none(),
        empty_label=None,
        error_messages={
            "required": gettext_lazy("Choose a committee."),
            "invalid_choice": gettext_lazy(
                "Choose a committee still to come: this one has met or does not exist."
            ),
        },
    )
    accept_late = forms.BooleanField(
        label=gettext_lazy("Accept the dossier although it came after the deadline"),
        required=False,
    )

    def __init__(self, data=None, *, obj, user, **kwargs):
        # Accepting a late dossier is a right of its own: without it the box is not
        # offered, and a forged one is refused (403), not silently ignored.
        may_accept_late = user.has_perm("labellisation.accept_late_application")
        if data is not None and data.get("accept_late") and not may_accept_late:
            raise PermissionDenied
        super().__init__(data, obj=obj, user=user, **kwargs)
        committees = CommitteeSession.objects.filter(date__gte=timezone.localdate()).order_by(
            "date"
        )
        self.fields["committee"].queryset = committees
        self.fields["committee"].label_from_instance = lambda c: (
            _("%(committee)s (applications until %(deadline)s)")
            % {"committee": c, "deadline": _date(c.application_deadline)}
        )
        if not may_accept_late:
            del self.fields["accept_late"]


class OpinionRequestForm(ActionForm):
    requested_from = forms.ModelChoiceField(
        label=gettext_lazy("Ask the opinion of"),
        queryset=User.objects.none(),
        help_text=gettext_lazy("DAECT staff, embassy agents and committee members."),
        error_messages={"required": gettext_lazy("Choose the person to ask.")},
    )
    question = forms.CharField(
        label=gettext_lazy("Question (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )

    def __init__(self, data=None, *, obj, user, **kwargs):
        super().__init__(data, obj=obj, user=user, **kwargs)
        # Never the applicant: nobody of the applying collectivity gives an opinion on it.
        people = (
            User.objects.filter(is_active=True)
            .filter(Q(role__in=[User.Role.DAECT, User.Role.EMBASSY]) | Q(committees__isnull=False))
            .exclude(membership__collectivity_id=obj.collectivity_id)
            .exclude(opinions_requested__application=obj)
            .exclude(pk=user.pk)
            .select_related("embassy")
            .distinct()
        )
        self.fields["requested_from"].queryset = people
        self.fields["requested_from"].label_from_instance = lambda p: (
            f"{p.get_full_name()} — {p.embassy or p.get_role_display()}"
        )


def _start_review(request, application, data) -> str:
    services.application_start_review(application=application, by=request.user)
    return _(
        "The review has started. Next: ask for more information or an opinion, or schedule "
        "the dossier for a committee."
    )


def _request_info(request, application, data) -> str:
    services.application_request_info(
        application=application, by=request.user, comment=data["reason"]
    )
    return _(
        "More information was requested; the collectivity was told by e-mail and can "
        "complete its dossier. It comes back as “Resubmitted” once it answers."
    )


def _request_opinion(request, application, data) -> str:
    opinion = services.opinion_request(
        application=application,
        by=request.user,
        of=data["requested_from"],
        question=data["question"],
    )
    return _(
        "An opinion was asked of %(person)s, who was told by e-mail; it will show on this "
        "dossier once given."
    ) % {"person": opinion.requested_from.get_full_name()}


def _schedule(request, application, data) -> str:
    application = services.application_schedule(
        application=application,
        by=request.user,
        committee=data["committee"],
        accept_late=data.get("accept_late", False),
    )
    return _(
        "The dossier is on the agenda of the committee of %(date)s. After the session, "
        "record the decision (grant or refuse) from this page."
    ) % {"date": _date(application.committee.date)}


def _grant(request, application, data) -> str:
    label = services.application_grant(
        application=application, by=request.user, reason=data["reason"]
    )
    return _("The label was granted until %(date)s; the collectivity was told by e-mail.") % {
        "date": _date(label.valid_until)
    }


def _refuse(request, application, data) -> str:
    services.application_refuse(application=application, by=request.user, reason=data["reason"])
    return _("The application was refused; the collectivity was told by e-mail, with the reason.")


APPLICATION_ACTIONS = [
    ObjectAction(
        name="start_review",
        label=gettext_lazy("Start the review"),
        permission="review_application",
        when=lambda a: a.state in REVIEWABLE,
        run=_start_review,
    ),
    ObjectAction(
        name="request_info",
        label=gettext_lazy("Ask for more information"),
        permission="request_information",
        when=lambda a: a.state in INFO_REQUESTABLE,
        run=_request_info,
        form=reason_form(
            gettext_lazy("Information needed (shown to the collectivity)"),
        ),
        help=gettext_lazy(
            "The dossier is reopened to the collectivity, which is told by e-mail and "
            "answers on the portal."
        ),
    ),
    ObjectAction(
        name="request_opinion",
        label=gettext_lazy("Ask for an opinion"),
        permission="request_opinion",
        when=lambda a: a.state in services.OPINION_STATES,
        run=_request_opinion,
        form=OpinionRequestForm,
        help=gettext_lazy("The person is told by e-mail and gives the opinion on the portal."),
    ),
    ObjectAction(
        name="schedule",
        label=gettext_lazy("Schedule for a committee"),
        permission="schedule_application",
        when=lambda a: a.state in SCHEDULABLE,
        run=_schedule,
        form=ScheduleForm,
    ),
    ObjectAction(
        name="grant",
        label=gettext_lazy("Grant the label"),
        permission="grant_label",
        when=lambda a: a.state in DECIDABLE,
        run=_grant,
        form=reason_form(gettext_lazy("Reason of the decision (optional)"), required=False),
        confirm=True,
        help=gettext_lazy("The label is valid three years; the collectivity is told by e-mail."),
    ),
    ObjectAction(
        name="refuse",
        label=gettext_lazy("Refuse the application"),
        permission="refuse_application",
        when=lambda a: a.state in DECIDABLE,
        run=_refuse,
        form=reason_form(gettext_lazy("Reason of the refusal (shown to the collectivity)")),
        confirm=True,
    ),
]


def _suspend(request, label, data) -> str:
    services.label_suspend(label=label, by=request.user, reason=data["reason"])
    return _("The label is suspended. Lift the suspension from this page once its reason is gone.")


def _reinstate(request, label, data) -> str:
    label = services.label_reinstate(label=label, by=request.user, reason=data["reason"])
    return _("The suspension is lifted: the label is active again until %(date)s.") % {
        "date": _date(label.valid_until)
    }


def _revoke(request, label, data) -> str:
    services.label_revoke(label=label, by=request.user, reason=data["reason"])
    return _("The label is revoked for good; a new application is needed to hold it again.")


LABEL_ACTIONS = [
    ObjectAction(
        name="suspend",
        label=gettext_lazy("Suspend the label"),
        permission="suspend_label",
        when=lambda label: label.state == Label.State.ACTIVE,
        run=_suspend,
        form=reason_form(gettext_lazy("Reason of the suspension")),
    ),
    ObjectAction(
        name="reinstate",
        label=gettext_lazy("Lift the suspension"),
        permission="reinstate_label",
        when=lambda label: label.state == Label.State.SUSPENDED,
        run=_reinstate,
        form=reason_form(gettext_lazy("Comment (optional)"), required=False),
    ),
    ObjectAction(
        name="revoke",
        label=gettext_lazy("Revoke the label"),
        permission="revoke_label",
        when=lambda label: label.state in Label.CURRENT_STATES,
        run=_revoke,
        form=reason_form(gettext_lazy("Reason of the revocation")),
        confirm=True,
    ),
]
