"""Mission reports: written by the experts, evaluated and capitalised by DAECT.

State changes are made by the functions of `reports.services` only.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from expect.core.archive import Archivable, ArchivableQuerySet, AuditTrail
from expect.core.limits import LONG_TEXT, SHORT_TEXT
from expect.core.models import (
    Event,
    EventManager,
    ScannedFile,
    UploadedDocument,
    assigned_to_field,
    random_upload_path,
)
from missions.models import Mission


class MissionReportQuerySet(ArchivableQuerySet):
    def published(self) -> MissionReportQuerySet:
        """In the public library; an archived report leaves it."""
        return self.unarchived().filter(is_published=True, state=MissionReport.State.ACCEPTED)

    def visible_to(self, user) -> MissionReportQuerySet:
        """DAECT: all; embassy: its countries; members and experts: their collectivity's."""
        return self.filter(mission__in=Mission.objects.visible_to(user))

    # The rules are `Mission.objects.report_due/report_overdue` (a report may not be
    # started yet: its mission is then the only row); these are the started reports.
    def due(self, today: date) -> MissionReportQuerySet:
        """Awaited (not handed in, or sent back) as of `today`."""
        return self.filter(
            state__in=MissionReport.OPEN_STATES, mission__in=Mission.objects.report_due(today)
        )

    def overdue(self, today: date) -> MissionReportQuerySet:
        """Awaited and past the due date as of `today`."""
        return self.filter(
            state__in=MissionReport.OPEN_STATES,
            mission__in=Mission.objects.report_overdue(today),
        )

    def to_evaluate(self) -> MissionReportQuerySet:
        """Handed in, waiting for DAECT's evaluation."""
        return self.filter(state=MissionReport.State.SUBMITTED)


class MissionReport(Archivable, ScannedFile):
    """The report of a mission, due two months after the return to France."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", pgettext_lazy("report state", "Submitted")
        REVISION_REQUESTED = "revision_requested", _("Revision requested")
        ACCEPTED = "accepted", pgettext_lazy("report state", "Accepted")

    class Rating(models.IntegerChoices):
        INSUFFICIENT = 1, _("1 — Insufficient")
        FAIR = 2, _("2 — Fair")
        GOOD = 3, _("3 — Good")
        EXCELLENT = 4, _("4 — Excellent")

    OPEN_STATES = (State.DRAFT, State.REVISION_REQUESTED)
    # The structured part, written by the experts: edited, searched and shown together.
    CONTENT_FIELDS = ("summary", "activities", "results", "recommendations", "follow_up", "lessons")
    UPLOAD_DIR = "reports"

    mission = models.OneToOneField(
        Mission, on_delete=models.PROTECT, related_name="report", verbose_name=_("mission")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    summary = models.TextField(_("summary"), blank=True, max_length=LONG_TEXT)
    activities = models.TextField(_("activities"), blank=True, max_length=LONG_TEXT)
    results = models.TextField(_("results"), blank=True, max_length=LONG_TEXT)
    recommendations = models.TextField(
        _("recommendations to the partner"), blank=True, max_length=LONG_TEXT
    )
    follow_up = models.TextField(_("follow-up proposed"), blank=True, max_length=LONG_TEXT)
    lessons = models.TextField(
        _("lessons for other collectivities"), blank=True, max_length=LONG_TEXT
    )
    file = models.FileField(_("report (PDF)"), upload_to=random_upload_path, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    is_late = models.BooleanField(_("handed in late"), default=False)
    rating = models.PositiveSmallIntegerField(
        _("rating"), choices=Rating.choices, null=True, blank=True
    )
    evaluation = models.TextField(_("DAECT evaluation"), blank=True, max_length=LONG_TEXT)
    evaluated_at = models.DateTimeField(_("evaluated on"), null=True, blank=True)
    assigned_to = assigned_to_field()
    is_published = models.BooleanField(_("published in the library"), default=False)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    publish_file = models.BooleanField(_("publish the file too"), default=False)
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    objects = MissionReportQuerySet.as_manager()
    history = AuditTrail()

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        indexes = [
            models.Index(
                fields=["-submitted_at", "-created_at", "-id"], name="report_submitted_idx"
            ),
            models.Index(
                fields=["state", "assigned_to"],
                condition=Q(archived_at__isnull=True),
                name="report_desk_idx",
            ),
            # The library's count, its newest-first pages and its facets read this
            # index alone, never the reports' texts.
            models.Index(
                # The mission as a key column rather than INCLUDE, which SQLite lacks.
                fields=["-published_at", "-id", "mission"],
                condition=Q(is_published=True, state="accepted", archived_at__isnull=True),
                name="report_library_order",
            ),
        ]
        verbose_name = _("mission report")
        verbose_name_plural = _("mission reports")
        permissions = [
            ("evaluate_report", "Can send back or accept a mission report"),
            ("publish_report", "Can publish or withdraw a report from the library"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(state="accepted"),
                name="only_accepted_reports_are_published",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=4),
                name="report_rating_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return _("Report: %(mission)s") % {"mission": self.mission}

    @property
    def due_on(self) -> date | None:
        return self.mission.report_due_on

    @property
    def is_editable(self) -> bool:
        return self.state in self.OPEN_STATES and not self.is_archived

    def days_left(self, today: date | None = None) -> int | None:
        """Days until the due date (negative when late)."""
        if self.due_on is None:
            return None
        return (self.due_on - (today or timezone.localdate())).days


class ReportAnnex(UploadedDocument):
    """An annex of a report: a PDF or an image."""

    UPLOAD_DIR = "reports"

    report = models.ForeignKey(MissionReport, on_delete=models.CASCADE, related_name="annexes")
    content_type = models.CharField(_("type"), max_length=40)

    class Meta(UploadedDocument.Meta):
        verbose_name = _("annex")
        verbose_name_plural = _("annexes")


class EmbassyComment(models.Model):
    """The comment of the embassy of the mission's country on the report."""

    report = models.ForeignKey(MissionReport, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"), max_length=SHORT_TEXT)
    at = models.DateTimeField(_("on"), default=timezone.now)

    class Meta:
        ordering = ["at"]
        verbose_name = _("embassy comment")
        verbose_name_plural = _("embassy comments")

    def __str__(self) -> str:
        return f"{self.author} — {self.at:%d/%m/%Y}"


class ReportEvent(Event):
    """The timeline of reports: a view on the one `Event` table, under its former name."""

    objects = EventManager.about("report")

    class Meta:
        proxy = True
        verbose_name = _("history entry")
        verbose_name_plural = _("history")


class Booklet(models.Model):
    """A capitalisation booklet (the PDF of the reports of a library filter), built by a task.

    One row per filter, language and generation of the library: the unique constraint
    is what makes any number of requests queue a single task, and a published or
    withdrawn report (a new generation) makes the next request ask for a new one.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    generation = models.BigIntegerField(_("library generation"))
    digest = models.CharField(_("filter fingerprint"), max_length=64)
    language = models.CharField(_("language"), max_length=8)
    params = models.JSONField(_("filter"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    file = models.FileField(_("file"), upload_to="booklets/", blank=True)
    file_name = models.CharField(_("file name"), max_length=120, blank=True)
    queued_at = models.DateTimeField(_("queued on"), default=timezone.now)
    built_at = models.DateTimeField(_("built on"), null=True, blank=True)

    class Meta:
        verbose_name = _("capitalisation booklet")
        verbose_name_plural = _("capitalisation booklets")
        constraints = [
            models.UniqueConstraint(
                fields=["generation", "digest", "language"], name="one_booklet_per_filter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.digest[:12]} ({self.language}, {self.generation})"
