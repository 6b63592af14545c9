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
from expect.core import desk, events
from expect.core.models import Event, ScanState
from missions.models import Mission

from . import emails
from .models import EmbassyComment, MissionReport, ReportAnnex

State = MissionReport.State
MState = Mission.State
Verb = Event.Verb
VERBS = {
    State.SUBMITTED: Verb.REPORT_SUBMITTED,
    State.REVISION_REQUESTED: Verb.REPORT_REVISION_REQUESTED,
    State.ACCEPTED: Verb.REPORT_ACCEPTED,
}
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


def _move(
    report: MissionReport,
    by: User,
    to: str,
    allowed: tuple[str, ...],
    comment: str = "",
    fields: tuple[str, ...] = (),
) -> Event:
    return events.transition(
        report,
        by=by,
        to=to,
        allowed_from=allowed,
        verb=VERBS[to],
        state_message=_("This is not possible while the report is “%(state)s”."),
        comment=comment,
        fields=fields,
    )


def _lock(report: MissionReport) -> MissionReport:
    """The mission, then its report: the lock order of missions.services."""
    mission_id = MissionReport.objects.values_list("mission_id", flat=True).get(pk=report.pk)
    Mission.objects.select_for_update(of=("self",)).get(pk=mission_id)
    return (
        MissionReport.objects.select_for_update(of=("self",))
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
    # A file the antivirus found infected was deleted: it is missing.
    if not report.file or report.scan_state == ScanState.INFECTED:
        missing.append(_("the report as a PDF file"))
    return missing


@transaction.atomic
def report_submit(*, report: MissionReport, by: User) -> MissionReport:
    """Hand in the report: once, by one expert of the team; a late one is accepted and marked."""
    report = _lock(report)
    check_editable(report, by)
    return_date = report.mission.return_date
    if return_date is None or return_date > timezone.localdate():
        raise _refuse(
            _("The report is handed in after the return from the mission (%(date)s).")
            % {"date": return_date.strftime("%d/%m/%Y") if return_date else "—"},
            "before_return",
        )
    missing = missing_for_submission(report)
    if missing:
        raise _refuse(
            _("The report is incomplete. Still missing: %(items)s.")
            % {"items": "; ".join(missing)},
            "incomplete",
        )
    report.submitted_by, report.submitted_at = by, timezone.now()
    report.is_late = report.due_on is not None and timezone.localdate() > report.due_on
    _move(
        report,
        by,
        State.SUBMITTED,
        MissionReport.OPEN_STATES,
        fields=("submitted_by", "submitted_at", "is_late"),
    )
    _set_mission_state(report.mission, MState.REPORT_SUBMITTED)
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
    _move(report, by, State.REVISION_REQUESTED, (State.SUBMITTED,), reason)
    _set_mission_state(report.mission, MState.REPORT_DUE)
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
    report.rating, report.evaluation = rating, evaluation
    report.evaluated_at = timezone.now()
    _move(
        report,
        by,
        State.ACCEPTED,
        (State.SUBMITTED,),
        evaluation,
        fields=("rating", "evaluation", "evaluated_at"),
    )
    _set_mission_state(report.mission, MState.CLOSED)
    transaction.on_commit(partial(emails.report_accepted, report))
    return report


@transaction.atomic
def report_publish(*, report: MissionReport, by: User, with_file: bool = False) -> MissionReport:
    """Capitalisation: an accepted report enters the public library."""
    _require_daect(by)
    report = _lock(report)
    _check_state(report, State.ACCEPTED)
    publish_file = with_file and bool(report.file)
    if report.is_published and report.publish_file == publish_file:
        return report  # already published so: nothing happens, nothing is recorded
    report.is_published, report.publish_file = True, publish_file
    report.published_at = report.published_at or timezone.now()
    report.save(update_fields=["is_published", "publish_file", "published_at"])
    events.record(report, verb=Verb.REPORT_PUBLISHED, by=by)
    return report


@transaction.atomic
def report_unpublish(*, report: MissionReport, by: User, reason: str = "") -> MissionReport:
    _require_daect(by)
    report = _lock(report)
    if not report.is_published:
        raise _refuse(_("This report is not published."), "not_published")
    report.is_published = False
    report.save(update_fields=["is_published"])
    events.record(report, verb=Verb.REPORT_UNPUBLISHED, by=by, comment=reason)
    return report


@transaction.atomic
def report_save_draft(
    *, report: MissionReport, by: User, content: dict[str, str], upload=None
) -> MissionReport:
    """Save the experts' draft: the structured fields and, if given, a new report PDF.

    Locked and checked here: a submission at the same moment wins, and the state is
    never written back from a stale copy. A replaced file leaves the storage once the
    save is committed.
    """
    report = _lock(report)
    check_editable(report, by)
    fields = [name for name in MissionReport.CONTENT_FIELDS if name in content]
    for name in fields:
        setattr(report, name, content[name])
    old_file = report.file.name
    if upload is not None:  # a CheckedUpload: the disarmed, scanned copy
        report.file, report.file_name = upload.file, upload.name
        for name, value in upload.scan_fields.items():
            setattr(report, name, value)
        fields += ["file", "file_name", *upload.scan_fields]
    report.save(update_fields=fields)
    if upload is not None and old_file:
        transaction.on_commit(partial(report.file.storage.delete, old_file))
    return report


@transaction.atomic
def annex_add(*, report: MissionReport, by: User, upload) -> ReportAnnex:
    """An expert adds an annex (a checked, disarmed PDF or image: a CheckedUpload) while
    the report can be changed."""
    report = _lock(report)
    check_editable(report, by)
    return ReportAnnex.objects.create(
        report=report,
        content_type=upload.content_type,
        uploaded_by=by,
        **upload.document_fields(),
    )


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


def report_assign(*, report: MissionReport, by: User, to: User | None) -> MissionReport:
    """Give the report to a DAECT instructor (or to nobody); its history says who did."""
    return desk.assign(report, by=by, to=to)
