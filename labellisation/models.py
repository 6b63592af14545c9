"""Label applications, selection committees and labels.

State changes are made by the functions of `labellisation.services` only.
"""

from __future__ import annotations

import secrets
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from expect.core.addresses import EmailAddress
from expect.core.archive import Archivable, ArchivableQuerySet, AuditTrail
from expect.core.formats import de_name
from expect.core.limits import LONG_TEXT, SHORT_TEXT
from expect.core.models import Event, EventManager, Referenced, UploadedDocument, assigned_to_field
from expect.organisations.models import Collectivity, Language, Theme

LABEL_VALIDITY = relativedelta(years=3)


class CommitteeSessionQuerySet(models.QuerySet):
    def open_on(self, day: date) -> CommitteeSessionQuerySet:
        """Sessions still taking applications on that day, the nearest first."""
        return self.filter(application_deadline__gte=day).order_by("application_deadline")


class CommitteeSession(models.Model):
    """A selection committee: it decides the applications on its agenda."""

    date = models.DateField(_("date"), unique=True)
    application_deadline = models.DateField(_("application deadline"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="committees",
        verbose_name=_("members"),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=SHORT_TEXT)
    quorum = models.PositiveSmallIntegerField(
        _("quorum"),
        default=1,
        help_text=_("How many members must be present for the committee to decide."),
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"role": "daect"},
        verbose_name=_("chair"),
        help_text=_("The DAECT agent who records the decisions and signs the minutes."),
    )

    objects = CommitteeSessionQuerySet.as_manager()
    history = AuditTrail(m2m_fields=[members])

    class Meta:
        ordering = ["-date"]
        verbose_name = _("selection committee")
        verbose_name_plural = _("selection committees")
        constraints = [
            models.CheckConstraint(
                condition=Q(application_deadline__lte=models.F("date")),
                name="committee_deadline_before_date",
                violation_error_message=_(
                    "The application deadline must come before the committee."
                ),
            ),
            models.CheckConstraint(
                condition=Q(quorum__gte=1), name="committee_quorum_at_least_one"
            ),
        ]

    def __str__(self) -> str:
        return _("Committee of %(date)s") % {"date": self.date.strftime("%d/%m/%Y")}

    def has_met(self, today: date) -> bool:
        """Decisions of the session are recorded from the day it meets, never before."""
        return today >= self.date

    def present_count(self) -> int:
        return self.attendances.filter(status=Attendance.Status.PRESENT).count()


class Verdict(models.TextChoices):
    """What a committee decides on a dossier of its agenda."""

    GRANT = "grant", _("Grant")
    REFUSE = "refuse", _("Refuse")
    POSTPONE = "postpone", _("Postpone to the next committee")


class Attendance(models.Model):
    """Whether a member of a committee attended its session."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    session = models.ForeignKey(
        CommitteeSession,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("committee"),
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("member"),
    )
    status = models.CharField(_("attendance"), max_length=8, choices=Status.choices)

    history = AuditTrail()

    class Meta:
        ordering = ["member__last_name", "member__first_name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"],
                name="one_attendance_per_member",
                violation_error_message=_("This member's attendance is already recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_status_display()}"

    def clean(self) -> None:
        super().clean()
        if (
            self.session_id
            and self.member_id
            and not self.session.members.filter(pk=self.member_id).exists()
        ):
            raise ValidationError(
                {"member": _("Only a member of this committee has an attendance.")}
            )


class LabelApplicationQuerySet(ArchivableQuerySet):
    def open(self) -> LabelApplicationQuerySet:
        return self.exclude(state__in=LabelApplication.CLOSED_STATES)

    def overdue(self, today: date) -> LabelApplicationQuerySet:
        """Late: still undecided although the committee it was put on has met."""
        return self.filter(state__in=LabelApplication.OPINION_STATES, committee__date__lt=today)

    def to_review(self) -> LabelApplicationQuerySet:
        """Submitted or resubmitted, waiting for DAECT (dashboard, digest and admin link)."""
        return self.filter(
            state__in=[LabelApplication.State.SUBMITTED, LabelApplication.State.RESUBMITTED]
        )

    def visible_to(self, user) -> LabelApplicationQuerySet:
        """DAECT sees every dossier; a member, those of their own collectivity."""
        if user.is_daect:
            return self
        collectivity = user.collectivity
        if collectivity is None:
            return self.none()
        return self.filter(collectivity=collectivity)


class LabelApplication(Referenced, Archivable):
    """A collectivity's application (dossier de candidature) for a label on one theme."""

    REFERENCE_PREFIX = "EXPE-CT-"  # the number the applicant quotes to DAECT
    REFERENCE_WIDTH = 6

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", pgettext_lazy("application state", "Submitted")
        IN_REVIEW = "in_review", _("In review")
        INFO_REQUESTED = "info_requested", _("More information requested")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        SCHEDULED = "scheduled", _("Scheduled for a committee")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    CLOSED_STATES = (State.GRANTED, State.REFUSED, State.WITHDRAWN)
    # Opinions are asked, given and withdrawn between the submission and the decision.
    OPINION_STATES = (State.SUBMITTED, State.IN_REVIEW, State.RESUBMITTED, State.SCHEDULED)
    # The applicant edits the dossier only in these states; it is frozen otherwise.
    EDITABLE_STATES = (State.DRAFT, State.INFO_REQUESTED)

    collectivity = models.ForeignKey(
        Collectivity,
        on_delete=models.PROTECT,
        related_name="label_applications",
        verbose_name=_("collectivity"),
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="label_applications", verbose_name=_("theme")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    expertise = models.TextField(
        _("description of the expertise"), blank=True, max_length=LONG_TEXT
    )
    territory_actions = models.TextField(
        _("actions on its own territory"), blank=True, max_length=LONG_TEXT
    )
    commitment = models.BooleanField(
        _("commitment to work with the Ministry on proposed missions"), default=False
    )
    committee = models.ForeignKey(
        CommitteeSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("committee"),
    )
    accepted_late = models.BooleanField(
        _("accepted after the deadline"),
        default=False,
        help_text=_("DAECT put the dossier on this committee's agenda although it came late."),
    )
    decision_reason = models.TextField(
        _("reason of the decision"), blank=True, max_length=SHORT_TEXT
    )
    decision_session = models.ForeignKey(
        CommitteeSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("decided by the committee"),
        help_text=_("Empty for a rolling decision, taken outside a committee."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    assigned_to = assigned_to_field()

    objects = LabelApplicationQuerySet.as_manager()
    history = AuditTrail(excluded_fields=["reference"])

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="application_created_idx"),
            models.Index(fields=["submitted_at"], name="application_submitted_idx"),
            # The DAECT dashboard counts what waits on whom, state by state.
            models.Index(
                fields=["state", "assigned_to"],
                condition=Q(archived_at__isnull=True),
                name="application_desk_idx",
            ),
        ]
        verbose_name = _("label application")
        verbose_name_plural = _("label applications")
        permissions = [
            ("review_application", "Can start the review of an application"),
            ("request_information", "Can ask an applicant for more information"),
            ("request_opinion", "Can ask someone for an opinion on an application"),
            ("schedule_application", "Can schedule an application for a committee"),
            (
                "accept_late_application",
                "Can accept an application filed after a committee's deadline",
            ),
            ("grant_label", "Can grant a label"),
            ("refuse_application", "Can refuse an application"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["collectivity", "theme"],
                # A draft its owner discarded (archived) no longer holds the theme.
                condition=~Q(state__in=["granted", "refused", "withdrawn"])
                & Q(archived_at__isnull=True),
                name="one_open_application_per_theme",
                violation_error_message=_(
                    "Your collectivity already has an application in progress on this theme."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.collectivity} — {self.theme}"

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES and not self.is_archived


class CooperationProject(models.Model):
    """Earlier decentralised cooperation that shows the expertise."""

    application = models.ForeignKey(
        LabelApplication, on_delete=models.CASCADE, related_name="projects"
    )
    country = CountryField(_("country"))
    partner = models.CharField(_("partner authority"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("from (year)"))
    end_year = models.PositiveSmallIntegerField(_("to (year)"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT)

    class Meta:
        ordering = ["-start_year"]
        verbose_name = _("cooperation project")
        verbose_name_plural = _("cooperation projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=models.F("start_year")),
                name="project_years_in_order",
                violation_error_message=_("The last year cannot come before the first."),
            ),
            models.CheckConstraint(
                condition=Q(start_year__gte=1950, start_year__lte=2100),
                name="project_start_year_plausible",
                violation_error_message=_("Give the year with four digits."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.country.name})"


class ProposedExpert(models.Model):
    """An agent the collectivity proposes to send on missions."""

    application = models.ForeignKey(
        LabelApplication, on_delete=models.CASCADE, related_name="experts"
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200)
    email = EmailAddress(_("e-mail address"))
    languages = models.ManyToManyField(Language, blank=True, verbose_name=_("languages"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("proposed expert")
        verbose_name_plural = _("proposed experts")

    def __str__(self) -> str:
        return f"{self.name}, {self.position}"


class ApplicationEvent(Event):
    """The timeline of dossiers and their labels: a view on the one `Event` table.

    Kept under its former name for the callers that query applications' events only
    (the reminder rules); new code uses `application.events` or `Event`.
    """

    objects = EventManager.about("application")

    class Meta:
        proxy = True
        verbose_name = _("history entry")
        verbose_name_plural = _("history")


def _verification_code() -> str:
    # 10 characters from an alphabet without look-alikes, grouped for reading aloud.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


class LabelQuerySet(ArchivableQuerySet):
    def current(self) -> LabelQuerySet:
        return self.filter(state__in=Label.CURRENT_STATES)

    def visible_to(self, user) -> LabelQuerySet:
        """DAECT sees every label; a confirmed member, those of their collectivity."""
        if user.is_daect:
            return self
        membership = user.active_membership
        return (
            self.filter(collectivity_id=membership.collectivity_id) if membership else self.none()
        )

    def valid_on(self, day: date) -> LabelQuerySet:
        """Labels in force that day; an archived label is out of the portal's lists."""
        return self.unarchived().filter(
            state=Label.State.ACTIVE, granted_on__lte=day, valid_until__gte=day
        )


class Label(Archivable):
    """The EXPE-CT label of a collectivity on a theme, valid three years to the day."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    CURRENT_STATES = (State.ACTIVE, State.SUSPENDED)

    collectivity = models.ForeignKey(
        Collectivity,
        on_delete=models.PROTECT,
        related_name="labels",
        verbose_name=_("collectivity"),
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="labels", verbose_name=_("theme")
    )
    application = models.ForeignKey(
        LabelApplication,
        on_delete=models.PROTECT,
        related_name="labels",
        verbose_name=_("application"),
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.ACTIVE)
    granted_on = models.DateField(_("granted on"))
    valid_until = models.DateField(_("valid until"))
    verification_code = models.CharField(
        _("verification code"),
        max_length=11,
        unique=True,
        default=_verification_code,
        editable=False,
    )
    state_reason = models.TextField(_("reason"), blank=True, max_length=SHORT_TEXT)

    objects = LabelQuerySet.as_manager()
    history = AuditTrail()

    class Meta:
        ordering = ["-granted_on"]
        indexes = [
            models.Index(fields=["-granted_on", "-id"], name="label_granted_idx"),
            # Labels in force (catalogue, figures, matching): by collectivity and theme.
            models.Index(
                fields=["collectivity", "theme", "valid_until"],
                condition=Q(state="active", archived_at__isnull=True),
                name="label_in_force_idx",
            ),
        ]
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        permissions = [
            ("suspend_label", "Can suspend a label"),
            ("reinstate_label", "Can lift the suspension of a label"),
            ("revoke_label", "Can revoke a label"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["collectivity", "theme"],
                condition=Q(state__in=["active", "suspended"]),
                name="one_current_label_per_theme",
                violation_error_message=_("This collectivity already holds a label on this theme."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("granted_on")),
                name="label_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collectivity} — {self.theme}"

    def is_valid_on(self, day: date) -> bool:
        return self.state == self.State.ACTIVE and self.granted_on <= day <= self.valid_until


class Attachment(UploadedDocument):
    """A PDF attached to a dossier."""

    UPLOAD_DIR = "labellisation"

    class Kind(models.TextChoices):
        COMMITMENT_LETTER = "commitment_letter", _("Signed commitment letter or deliberation")
        SUPPORTING = "supporting", _("Supporting document")

    application = models.ForeignKey(
        LabelApplication, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta(UploadedDocument.Meta):
        ordering = ["kind", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class OpinionQuerySet(models.QuerySet):
    def active(self) -> OpinionQuerySet:
        """Opinions still asked: DAECT did not withdraw them."""
        return self.filter(withdrawn_at__isnull=True)

    def awaited(self) -> OpinionQuerySet:
        """Asked, not withdrawn, not yet given, on a dossier not yet decided."""
        return self.active().filter(
            given_at__isnull=True, application__state__in=LabelApplication.OPINION_STATES
        )


class Opinion(models.Model):
    """An opinion DAECT asks on a dossier (committee member, thematic desk, embassy)."""

    class Recommendation(models.TextChoices):
        FAVOURABLE = "favourable", _("Favourable")
        RESERVED = "reserved", _("Reserved")
        UNFAVOURABLE = "unfavourable", _("Unfavourable")

    class Conflict(models.TextChoices):
        NONE = "none", _("I declare no conflict of interest with this application")
        DECLARED = "declared", _("I have a conflict of interest")

    application = models.ForeignKey(
        LabelApplication,
        on_delete=models.CASCADE,
        related_name="opinions",
        verbose_name=_("application"),
    )
    requested_from = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="opinions_requested",
        verbose_name=_("asked of"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asked by"),
    )
    requested_at = models.DateTimeField(_("asked on"), default=timezone.now)
    question = models.TextField(_("question"), blank=True, max_length=SHORT_TEXT)
    recommendation = models.CharField(
        _("recommendation"), max_length=12, choices=Recommendation.choices, blank=True
    )
    text = models.TextField(_("opinion"), blank=True, max_length=LONG_TEXT)
    given_at = models.DateTimeField(_("given on"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    conflict = models.CharField(
        _("conflict of interest"), max_length=10, choices=Conflict.choices, blank=True
    )
    conflict_details = models.TextField(
        _("conflict of interest declared"), blank=True, max_length=SHORT_TEXT
    )
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    objects = OpinionQuerySet.as_manager()
    history = AuditTrail()

    class Meta:
        ordering = ["requested_at"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requested_from"],
                # A withdrawn request does not stop DAECT from asking the person again.
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_opinion_per_person",
                violation_error_message=_("This person was already asked for an opinion."),
            ),
            models.CheckConstraint(
                condition=~Q(conflict="declared") | ~Q(conflict_details=""),
                name="declared_conflict_is_described",
                violation_error_message=_("Describe the conflict of interest."),
            ),
            models.CheckConstraint(
                condition=Q(given_at__isnull=True) | ~Q(recommendation=""),
                name="given_opinion_has_recommendation",
            ),
        ]

    def __str__(self) -> str:
        # "Avis d’Élodie Martin": de_name elides « de » before a vowel.
        return _("Opinion %(of_person)s") % {"of_person": de_name(self.requested_from)}

    @property
    def is_given(self) -> bool:
        return self.given_at is not None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
