"""Abstract building blocks shared by the domain apps' models."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .limits import SHORT_TEXT
from .references import format_reference


def assigned_to_field() -> models.ForeignKey:
    """The `assigned_to` field of a record: a DAECT agent, or nobody yet."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"role": "daect"},
        verbose_name=_("instructor"),
    )


def random_upload_path(instance: UploadedDocument, filename: str) -> str:
    # Random names: the original name is kept in the database, never trusted on disk.
    return f"{instance.UPLOAD_DIR}/{secrets.token_urlsafe(16)}"


class ScanState(models.TextChoices):
    CLEAN = "clean", _("Scanned, no virus found")
    PENDING = "pending", _("Awaiting analysis")
    INFECTED = "infected", _("Infected, removed")
    # Scanning is disabled (a local run without ClamAV), or the file predates it.
    UNSCANNED = "unscanned", _("Not scanned")


class ScannedFile(models.Model):
    """A model whose `file` is scanned for viruses before anyone may download it.

    An upload is scanned as it arrives; when the scanner cannot answer, the file is kept
    but held (« en attente d'analyse ») until the task expect.core.tasks.scan_held_uploads
    scans it. "Not scanned" files are usable only while scanning is disabled
    (settings.CLAMAV_URL empty): once a scanner is configured, they are held too.
    """

    scan_state = models.CharField(
        _("antivirus"), max_length=10, choices=ScanState.choices, default=ScanState.UNSCANNED
    )
    scanned_at = models.DateTimeField(_("scanned on"), null=True, blank=True)
    # The signature found, or what the disarm removed from the file, for DAECT to read.
    scan_detail = models.CharField(_("analysis details"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def is_held(self) -> bool:
        """Kept but not usable yet: waiting for the antivirus."""
        if self.scan_state == ScanState.UNSCANNED:
            return bool(settings.CLAMAV_URL)
        return self.scan_state == ScanState.PENDING

    @property
    def is_downloadable(self) -> bool:
        return self.scan_state in (ScanState.CLEAN, ScanState.UNSCANNED) and not self.is_held

    @property
    def scan_label(self) -> str:
        return ScanState.PENDING.label if self.is_held else self.get_scan_state_display()


class UploadedDocument(ScannedFile):
    """A file someone uploaded, stored under a random name and served only through a view
    that checks permissions. Subclasses set UPLOAD_DIR and link it to their object."""

    UPLOAD_DIR = "documents"

    file = models.FileField(_("file"), upload_to=random_upload_path)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded on"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class EventQuerySet(models.QuerySet):
    def public(self) -> EventQuerySet:
        """What the object's owner (applicant, embassy, team) may read."""
        return self.filter(is_public=True)

    def timeline(self) -> EventQuerySet:
        return self.select_related("actor").order_by("at", "pk")


class EventManager(models.Manager):
    """The events about one kind of object, for the proxies of the domain apps."""

    subject = ""

    @classmethod
    def about(cls, subject: str, queryset_class: type = EventQuerySet) -> EventManager:
        manager_class = type(
            f"{subject.title()}EventManager",
            (cls.from_queryset(queryset_class),),
            {"subject": subject},
        )
        return manager_class()

    def get_queryset(self):
        return super().get_queryset().filter(**{f"{self.subject}__isnull": False})


class Event(models.Model):
    """One line of an object's timeline: who did what, when, from which state to which.

    The one shape of history for applications, labels, needs, proposals, missions and
    reports (pretalx's ActivityLog is the model). Each row reads as a sentence
    (`sentence`, `text`), the same in the admin, the portal and the e-mails.

    Why one nullable foreign key per object rather than a generic relation: the set of
    objects with a timeline is small and closed; real foreign keys keep the database's
    integrity (an event cannot point at nothing, a deleted draft takes its events
    along), allow joins and subqueries (the reminder rules find "the last request for
    information" of each object with one subquery), and give every object the same
    `obj.events` accessor. An event of an object is also an event of the objects it
    belongs to (a mission's event carries its need, a report's its mission, a label's
    its application), so a need's page shows its whole life in one query. The foreign
    keys name the domain models by string: `expect.core` imports no domain app.
    """

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("State change")
        CHANGE = "change", _("Change")
        MESSAGE = "message", _("Message")
        NOTE = "note", _("Internal note")

    class Verb(models.TextChoices):
        # Applications and labels (labellisation).
        APPLICATION_SUBMITTED = "application.submitted", _("Application submitted")
        APPLICATION_RESUBMITTED = "application.resubmitted", _("Application resubmitted")
        APPLICATION_REVIEW_STARTED = "application.review_started", _("Review started")
        APPLICATION_INFO_REQUESTED = "application.info_requested", _("More information requested")
        APPLICATION_SCHEDULED = "application.scheduled", _("Scheduled for a committee")
        APPLICATION_GRANTED = "application.granted", _("Label granted")
        APPLICATION_REFUSED = "application.refused", _("Application refused")
        APPLICATION_WITHDRAWN = "application.withdrawn", _("Application withdrawn")
        APPLICATION_MESSAGE = "application.message", _("Message")
        APPLICATION_NOTE = "application.note", _("Internal note")
        OPINION_REQUESTED = "application.opinion_requested", _("Opinion requested")
        OPINION_GIVEN = "application.opinion_given", _("Opinion given")
        OPINION_WITHDRAWN = "application.opinion_withdrawn", _("Request for an opinion withdrawn")
        LABEL_SUSPENDED = "label.suspended", _("Label suspended")
        LABEL_REINSTATED = "label.reinstated", _("Label reinstated")
        LABEL_REVOKED = "label.revoked", _("Label revoked")
        LABEL_EXPIRED = "label.expired", _("Label expired")
        # Needs, proposals and missions (missions).
        REQUEST_SUBMITTED = "request.submitted", _("Need submitted")
        REQUEST_QUALIFIED = "request.qualified", _("Need qualified")
        REQUEST_SENT_BACK = "request.sent_back", _("More information requested on the need")
        REQUEST_DECLINED = "request.declined", _("Need declined")
        REQUEST_PROPOSED = "request.proposed", _("Need proposed to collectivities")
        REQUEST_MATCHED = "request.matched", _("Need accepted by a collectivity")
        REQUEST_CANCELLED = "request.cancelled", _("Need cancelled")
        PROPOSAL_MADE = "proposal.made", _("Mission proposed")
        PROPOSAL_ACCEPTED = "proposal.accepted", _("Proposal accepted")
        PROPOSAL_DECLINED = "proposal.declined", _("Proposal declined")
        MISSION_CREATED = "mission.created", _("Need turned into a mission")
        MISSION_DATES_SET = "mission.dates_set", _("Mission dates set")
        MISSION_DATES_CHANGED = "mission.dates_changed", _("Mission dates changed")
        MISSION_TEAM_CHANGED = "mission.team_changed", _("Mission team changed")
        MISSION_CONFIRMED = "mission.confirmed", _("Mission confirmed")
        MISSION_STARTED = "mission.started", _("Mission under way")
        MISSION_RETURNED = "mission.returned", _("Back from the mission")
        MISSION_CANCELLED = "mission.cancelled", _("Mission cancelled")
        # Reports (reports).
        REPORT_SUBMITTED = "report.submitted", _("Report handed in")
        REPORT_REVISION_REQUESTED = "report.revision_requested", _("Revision requested")
        REPORT_ACCEPTED = "report.accepted", _("Report accepted")
        REPORT_PUBLISHED = "report.published", _("Report published")
        REPORT_UNPUBLISHED = "report.unpublished", _("Report withdrawn from the library")
        # Memberships of a collectivity (accounts).
        MEMBERSHIP_CONFIRMED = "membership.confirmed", _("Membership confirmed")
        MEMBERSHIP_REFUSED = "membership.refused", _("Membership refused")
        # Any object of the instructor's desk.
        ASSIGNED = "assigned", _("Assignment to an instructor")

    verb = models.CharField(_("what happened"), max_length=40, choices=Verb.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TRANSITION)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("on"), default=timezone.now, db_index=True)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=SHORT_TEXT)
    is_public = models.BooleanField(
        _("seen by the owner"),
        default=True,
        help_text=_("Shown on the portal to the applicant, the embassy or the team."),
    )
    # What the sentence needs besides the actor: dates as ISO strings, names.
    data = models.JSONField(_("details"), default=dict, blank=True)

    application = models.ForeignKey(
        "labellisation.LabelApplication",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("application"),
    )
    label = models.ForeignKey(
        "labellisation.Label",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("label"),
    )
    request = models.ForeignKey(
        "missions.MissionRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("need"),
    )
    proposal = models.ForeignKey(
        "missions.MissionProposal",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("proposal"),
    )
    mission = models.ForeignKey(
        "missions.Mission",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("mission"),
    )
    report = models.ForeignKey(
        "reports.MissionReport",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("report"),
    )

    membership = models.ForeignKey(
        "accounts.Membership",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("membership"),
    )

    objects = EventQuerySet.as_manager()

    # The objects an event can be about, most specific first.
    SUBJECTS = ("report", "label", "proposal", "mission", "request", "application", "membership")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="note") | Q(is_public=False),
                name="core_event_notes_are_internal",
            ),
            # A change that does not change the state is not a transition.
            models.CheckConstraint(
                condition=~Q(kind="transition") | ~Q(from_state=models.F("to_state")),
                name="core_event_transition_changes_state",
            ),
            models.CheckConstraint(
                condition=Q(application__isnull=False)
                | Q(label__isnull=False)
                | Q(request__isnull=False)
                | Q(proposal__isnull=False)
                | Q(mission__isnull=False)
                | Q(report__isnull=False)
                | Q(membership__isnull=False),
                name="core_event_is_about_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.when} — {self.sentence}"

    @property
    def subject(self) -> str:
        """The name of the object the event is about ("mission", "request"…)."""
        return next(name for name in self.SUBJECTS if getattr(self, f"{name}_id"))

    @property
    def sentence(self) -> str:
        from .events import sentence

        return sentence(self)

    @property
    def text(self) -> str:
        """The sentence followed by the comment, as the timeline and e-mails show it."""
        from .events import text

        return text(self)

    @property
    def when(self) -> str:
        from .events import format_moment

        return format_moment(self.at)


class Referenced(models.Model):
    """An object with a reference people quote (see `expect.core.references`).

    The reference is written in the transaction that inserts the row, from its
    primary key: unique without a counter, and known as soon as `save()` returns.
    """

    REFERENCE_PREFIX: str = ""
    REFERENCE_WIDTH: int = 6

    reference = models.CharField(
        _("reference"), max_length=24, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            if self.reference is None:
                self.reference = format_reference(
                    self.REFERENCE_PREFIX, self.REFERENCE_WIDTH, self.pk
                )
                type(self)._base_manager.filter(pk=self.pk).update(reference=self.reference)


class SavedFilterQuerySet(models.QuerySet):
    def of(self, user) -> SavedFilterQuerySet:
        return self.filter(owner=user)


class SavedFilter(models.Model):
    """A back-office list as an instructor filtered it, saved under a name to reopen."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_filters",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=100)
    path = models.CharField(_("list"), max_length=200)
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created on"), default=timezone.now)

    objects = SavedFilterQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "path", "name"],
                name="one_saved_filter_name_per_list",
                violation_error_message=_("You already saved a filter of this list by that name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path
