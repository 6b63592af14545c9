"""The report of a mission on the portal: the experts write and hand it in, the
embassy of the country comments it. DAECT evaluates it in the back office.

Every page is keyed by the mission, which has at most one report.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from expect.accounts.models import User
from expect.core.confirm import confirmation_required
from expect.core.downloads import document_download
from expect.core.uploads import tell_what_was_removed
from missions.models import Mission

from .. import services
from ..forms import AnnexForm, CommentForm, ReportForm
from ..models import MissionReport, ReportEvent


def can_view(user: User, mission: Mission) -> bool:
    """DAECT: every report; embassy: its countries'; members: their collectivity's;
    and the experts of the team, whatever their membership."""
    visible = Mission.objects.visible_to(user).filter(pk=mission.pk).exists()
    return visible or services.is_team_expert(user, mission)


def _mission(request: HttpRequest, mission_pk: int) -> Mission:
    """A mission whose report the user may read, else 404: nobody learns it exists."""
    missions = Mission.objects.select_related("collectivity", "request__theme", "request__embassy")
    mission = get_object_or_404(missions, pk=mission_pk)
    if not can_view(request.user, mission):
        raise Http404
    return mission


def _report(request: HttpRequest, mission_pk: int) -> MissionReport:
    mission = _mission(request, mission_pk)
    report = get_object_or_404(MissionReport, mission=mission)
    report.mission = mission  # already fetched with what the pages show
    return report


def _refusal(user: User, report: MissionReport) -> str | None:
    """Why the user may not change this report they can see, or None if they may."""
    try:
        services.check_editable(report, user)
    except (PermissionDenied, ValidationError) as error:
        return _message(error)
    return None


def _message(error: Exception) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])


def _forbidden(request: HttpRequest, text: str) -> HttpResponse:
    context = {"status": 403, "title": _("Access denied"), "text": text}
    return render(request, "core/error.html", context, status=403)


def _crumbs(title: str, mission: Mission, *, in_report: bool = False) -> dict:
    links = [
        {"url": reverse("missions:mission_list"), "title": _("Missions")},
        {"url": reverse("missions:mission_detail", args=[mission.pk]), "title": str(mission)},
    ]
    if in_report:
        url = reverse("reports:report_detail", args=[mission.pk])
        links.append({"url": url, "title": _("Mission report")})
    return {"title": title, "breadcrumb_data": {"links": links, "current": title}}


def _detail_url(mission_pk: int, anchor: str = "") -> str:
    return reverse("reports:report_detail", args=[mission_pk]) + anchor


def _events(user: User, report: MissionReport) -> list[ReportEvent]:
    events = report.events.timeline()
    if not user.is_daect:
        events = events.public()
    return list(events)


def _report_context(user: User, report: MissionReport) -> dict:
    editable = services.can_edit(user, report)
    commenting = services.can_comment(user, report)
    return {
        "annexes": report.annexes.all(),
        "events": _events(user, report),
        "comments": report.comments.select_related("author"),
        "can_edit": editable,
        "missing": services.missing_for_submission(report) if editable else [],
        "can_comment": commenting,
        "comment_form": CommentForm() if commenting else None,
    }


@login_required
@require_GET
def report_detail(request: HttpRequest, mission_pk: int) -> HttpResponse:
    mission = _mission(request, mission_pk)
    report = MissionReport.objects.filter(mission=mission).first()
    if report is not None:
        report.mission = mission
    user = request.user
    is_expert = services.is_team_expert(user, mission)
    is_back = mission.state in services.WRITABLE_MISSION_STATES
    # Before the draft exists, the deadline is already running: count it the same way.
    days_left = (report or MissionReport(mission=mission)).days_left()
    context = {
        "mission": mission,
        "report": report,
        "is_expert": is_expert,
        "is_back": is_back,
        "can_start": report is None and is_expert and is_back,
        "due_on": mission.report_due_on,
        "days_left": days_left,
        "days_late": -days_left if days_left is not None and days_left < 0 else None,
        **(_report_context(user, report) if report else {}),
        **_crumbs(_("Mission report"), mission),
    }
    return render(request, "reports/report_detail.html", context)


@login_required
@require_POST
def report_start(request: HttpRequest, mission_pk: int) -> HttpResponse:
    mission = _mission(request, mission_pk)
    try:
        services.report_start(mission=mission, by=request.user)
    except PermissionDenied as error:
        return _forbidden(request, _message(error))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reports:report_detail", mission_pk)
    messages.success(
        request, _("The draft of the report is ready. Any expert of the team can edit it.")
    )
    return redirect("reports:report_edit", mission_pk)


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, mission_pk: int) -> HttpResponse:
    report = _report(request, mission_pk)
    if refusal := _refusal(request.user, report):
        return _forbidden(request, refusal)
    form = ReportForm(request.POST or None, request.FILES or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_save_draft(
                report=report, by=request.user, content=form.content, upload=form.new_file
            )
        except (PermissionDenied, ValidationError) as error:
            return _forbidden(request, _message(error))
        messages.success(request, _("The draft is saved."))
        if checked := getattr(form, "checked", None):
            tell_what_was_removed(request, checked)
        return redirect("reports:report_detail", mission_pk)
    context = {
        "form": form,
        "report": report,
        "mission": report.mission,
        "annexes": report.annexes.select_related("uploaded_by"),
        "annex_form": AnnexForm(),
        **_crumbs(_("Edit the report"), report.mission, in_report=True),
    }
    return render(request, "reports/report_form.html", context)


@login_required
@require_POST
def report_annex_add(request: HttpRequest, mission_pk: int) -> HttpResponse:
    report = _report(request, mission_pk)
    if refusal := _refusal(request.user, report):
        return _forbidden(request, refusal)
    form = AnnexForm(request.POST, request.FILES, existing=report.annexes.all())
    if not form.is_valid():
        for message in form.errors.get("file", []):
            messages.error(request, message)
        return redirect(reverse("reports:report_edit", args=[mission_pk]) + "#annexes")
    try:
        annex = services.annex_add(
            report=report,
            by=request.user,
            upload=form.cleaned_data["file"],
        )
    except (PermissionDenied, ValidationError) as error:
        return _forbidden(request, _message(error))
    messages.success(request, _("The annex %(name)s is added.") % {"name": annex.original_name})
    tell_what_was_removed(request, form.cleaned_data["file"])
    return redirect(reverse("reports:report_edit", args=[mission_pk]) + "#annexes")


@login_required
@require_POST
def report_annex_delete(request: HttpRequest, mission_pk: int, annex_pk: int) -> HttpResponse:
    report = _report(request, mission_pk)
    if refusal := _refusal(request.user, report):
        return _forbidden(request, refusal)
    annex = get_object_or_404(report.annexes, pk=annex_pk)
    if page := confirmation_required(
        request,
        title=_("Remove %(name)s?") % {"name": annex.original_name},
        question=_("The document will be deleted for good."),
        confirm_label=_("Yes, remove it"),
        cancel_url=reverse("reports:report_edit", args=[mission_pk]) + "#annexes",
    ):
        return page
    try:
        services.annex_delete(annex=annex, by=request.user)
    except (PermissionDenied, ValidationError) as error:
        return _forbidden(request, _message(error))
    messages.success(request, _("The annex %(name)s is removed.") % {"name": annex.original_name})
    return redirect(reverse("reports:report_edit", args=[mission_pk]) + "#annexes")


@login_required
@require_GET
def report_annex(request: HttpRequest, mission_pk: int, annex_pk: int) -> HttpResponse:
    report = _report(request, mission_pk)
    annex = get_object_or_404(report.annexes, pk=annex_pk)
    return document_download(
        request, annex, filename=annex.original_name, content_type=annex.content_type
    )


@login_required
@require_GET
def report_file(request: HttpRequest, mission_pk: int) -> HttpResponse:
    report = _report(request, mission_pk)
    if not report.file:
        raise Http404
    return document_download(
        request, report, filename=report.file_name or "rapport.pdf", content_type="application/pdf"
    )


@login_required
@require_POST
def report_submit(request: HttpRequest, mission_pk: int) -> HttpResponse:
    report = _report(request, mission_pk)
    # Those who may hand it in confirm first; the others get the service's refusal.
    if _refusal(request.user, report) is None and (
        page := confirmation_required(
            request,
            title=_("Hand in the report?"),
            question=_(
                "The report is handed in once, for the whole team: it can then no longer be "
                "changed, unless DAECT asks for a revision."
            ),
            confirm_label=_("Yes, hand it in"),
            cancel_url=reverse("reports:report_detail", args=[mission_pk]),
        )
    ):
        return page
    try:
        services.report_submit(report=report, by=request.user)
    except PermissionDenied as error:
        return _forbidden(request, _message(error))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The report is handed in. DAECT and the embassy were told by e-mail.")
        )
    return redirect("reports:report_detail", mission_pk)


@login_required
@require_POST
def report_comment(request: HttpRequest, mission_pk: int) -> HttpResponse:
    report = _report(request, mission_pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        # Say what is wrong: an empty comment is not a comment too long.
        if not request.POST.get("text", "").strip():
            messages.error(request, _("The comment is empty: write it before sending it."))
        else:
            messages.error(request, _("The comment is too long: 5,000 characters at most."))
        return redirect(_detail_url(mission_pk, "#comments"))
    try:
        services.embassy_comment(report=report, by=request.user, text=form.cleaned_data["text"])
    except PermissionDenied as error:
        return _forbidden(request, _message(error))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your comment is sent to DAECT and to the experts."))
    return redirect(_detail_url(mission_pk, "#comments"))
