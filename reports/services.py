"""The life of a mission report, in one place.

draft → submitted → (revision requested → submitted)* → accepted → published.
Submitting moves the mission to "report submitted"; accepting closes it.
Each function checks the actor and the state, locks the report and records the history.
"""

from __future__ import annotations

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expect.accounts.models import User
from missions.models import Mission

from . import emails
from .models import EmbassyComment, MissionReport, ReportAnnex, ReportEvent

State = MissionReport.State
MState = Mission.State
# A report can be written once the team is back in France.
WRITABLE_MISSION_STATES = (MState.RETURNED, MState.REPORT_DUE, MState.REPORT_SUBMITTED)


def is_team_expert(user: User, mission: Mission) -> bool:
    return mission.experts.filter(pk=user.pk).exists()


def can_edit(user: User, report: MissionReport) -> bool:
    """Any expert of the team edits the report until it is handed in (or sent back)."""
    return report.is_editable and is_team_expert(user, report.mission)


def can_comment(user: User, report: MissionReport) -> bool:
    """The embassy of the mission's country comments a handed-in report."""
    return (
        user.is_authenticated
        and user.is_embassy_agent
        and user.embassy.covers(report.mission.request.country.code)
        and report.state in (State.SUBMITTED, State.REVISION_REQUESTED, State.ACCEPTED)
    )


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _record(report: MissionReport, by: User, before: str, after: str, comment: str = "") -> None:
    ReportEvent.objects.create(
        report=report, actor=by, from_state=before, to_state=after, comment=comment
    )


def _lock(report: MissionReport) -> MissionReport:
    return (
        MissionReport.objects.select_for_update()
        .select_related("mission__request")
        .get(pk=report.pk)
    )


def _set_mission_state(mission: Mission, to: str) -> None:
    # A save, not an UPDATE, so that the mission's history keeps the change.
    mission.state = to
    mission.save(update_fields=["state"])


@transaction.atomic
def report_start(*, mission: Mission, by: User) -> MissionReport:
    """The first expert who opens the report creates its draft; the report is then due."""
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if not is_team_expert(by, mission):
        raise PermissionDenied(_("Only the experts of the mission write its report."))
    if mission.state not in WRITABLE_MISSION_STATES:
        raise _refuse(_("The report is written after the return from the mission."), "not_returned")
    report, created = MissionReport.objects.get_or_create(mission=mission)
    if created and mission.state == MState.RETURNED:
        _set_mission_state(mission, MState.REPORT_DUE)
    return report


def check_editable(report: MissionReport, by: User) -> None:
    if not is_team_expert(by, report.mission):
        raise PermissionDenied(_("Only the experts of the mission write its report."))
    if not report.is_editable:
        raise _refuse(_("This report was handed in: it can no longer be changed."), "frozen")


def missing_for_submission(report: MissionReport) -> list[str]:
    missing = []
    if not report.summary.strip():
        missing.append(_("the summary"))
    if not report.results.strip():
        missing.append(_("the results"))
    if not report.file:
        missing.append(_("the report as a PDF file"))
    return missing


@transaction.atomic
def report_submit(*, report: MissionReport, by: User) -> MissionReport:
    """Hand in the report: once, by one expert of the team; a late one is accepted and marked."""
    report = _lock(report)
    check_editable(report, by)
    missing = missing_for_submission(report)
    if missing:
        raise _refuse(
            _("The report is incomplete. Still missing: %(items)s.")
            % {"items": "; ".join(missing)},
            "incomplete",
        )
    before = report.state
    report.state, report.submitted_by, report.submitted_at = State.SUBMITTED, by, timezone.now()
    report.is_late = report.due_on is not None and timezone.localdate() > report.due_on
    report.save(update_fields=["state", "submitted_by", "submitted_at", "is_late"])
    _set_mission_state(report.mission, MState.REPORT_SUBMITTED)
    _record(report, by, before, State.SUBMITTED)
    transaction.on_commit(partial(emails.report_submitted, report))
    return report


def _require_daect(user: User) -> None:
    if not (user.is_authenticated and user.is_daect):
        raise PermissionDenied(_("Only DAECT evaluates reports."))


def _check_state(report: MissionReport, *allowed: str) -> None:
    if report.state not in allowed:
        raise _refuse(
            _("This is not possible while the report is “%(state)s”.")
            % {"state": report.get_state_display()},
            "invalid_transition",
        )


@transaction.atomic
def report_request_revision(*, report: MissionReport, by: User, reason: str) -> MissionReport:
    _require_daect(by)
    if not reason.strip():
        raise _refuse(_("Say what must be revised."), "reason_required")
    report = _lock(report)
    _check_state(report, State.SUBMITTED)
    report.state = State.REVISION_REQUESTED
    report.save(update_fields=["state"])
    _set_mission_state(report.mission, MState.REPORT_DUE)
    _record(report, by, State.SUBMITTED, State.REVISION_REQUESTED, reason)
    transaction.on_commit(partial(emails.report_revision_requested, report, reason))
    return report


@transaction.atomic
def report_accept(
    *, report: MissionReport, by: User, rating: int, evaluation: str = ""
) -> MissionReport:
    """Accept with a rating on the fixed scale; the mission is then closed."""
    _require_daect(by)
    if rating not in MissionReport.Rating.values:
        raise _refuse(_("Choose a rating from 1 to 4."), "rating")
    report = _lock(report)
    _check_state(report, State.SUBMITTED)
    report.state, report.rating, report.evaluation = State.ACCEPTED, rating, evaluation
    report.evaluated_at = timezone.now()
    report.save(update_fields=["state", "rating", "evaluation", "evaluated_at"])
    _set_mission_state(report.mission, MState.CLOSED)
    _record(report, by, State.SUBMITTED, State.ACCEPTED, evaluation)
    transaction.on_commit(partial(emails.report_accepted, report))
    return report


@transaction.atomic
def report_publish(*, report: MissionReport, by: User, with_file: bool = False) -> MissionReport:
    """Capitalisation: an accepted report enters the public library."""
    _require_daect(by)
    report = _lock(report)
    _check_state(report, State.ACCEPTED)
    report.is_published, report.publish_file = True, with_file and bool(report.file)
    report.published_at = report.published_at or timezone.now()
    report.save(update_fields=["is_published", "publish_file", "published_at"])
    _record(report, by, State.ACCEPTED, "published")
    return report


@transaction.atomic
def report_unpublish(*, report: MissionReport, by: User, reason: str = "") -> MissionReport:
    _require_daect(by)
    report = _lock(report)
    if not report.is_published:
        raise _refuse(_("This report is not published."), "not_published")
    report.is_published = False
    report.save(update_fields=["is_published"])
    _record(report, by, "published", report.state, reason)
    return report


@transaction.atomic
def annex_delete(*, annex: ReportAnnex, by: User) -> None:
    """An expert removes an annex while the report can still be changed."""
    report = _lock(annex.report)
    check_editable(report, by)
    annex.delete()
    transaction.on_commit(partial(annex.file.storage.delete, annex.file.name))


@transaction.atomic
def embassy_comment(*, report: MissionReport, by: User, text: str) -> EmbassyComment:
    if not can_comment(by, report):
        raise PermissionDenied(_("Only the embassy of the country comments this report."))
    if not text.strip():
        raise _refuse(_("The comment is empty."), "empty")
    comment = EmbassyComment.objects.create(report=report, author=by, text=text)
    transaction.on_commit(partial(emails.embassy_commented, comment))
    return comment
