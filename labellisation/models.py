"""Label applications, selection committees and labels.

State changes are made by the functions of `labellisation.services` only.
"""

from __future__ import annotations

import secrets
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from expect.core.addresses import EmailAddress
from expect.core.archive import Archivable, ArchivableQuerySet, AuditTrail
from expect.core.limits import LONG_TEXT, SHORT_TEXT
from expect.core.models import UploadedDocument
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
            )
        ]

    def __str__(self) -> str:
        return _("Committee of %(date)s") % {"date": self.date.strftime("%d/%m/%Y")}


class LabelApplicationQuerySet(ArchivableQuerySet):
    def open(self) -> LabelApplicationQuerySet:
        return self.exclude(state__in=LabelApplication.CLOSED_STATES)

    def visible_to(self, user) -> LabelApplicationQuerySet:
        """DAECT sees every dossier; a member, those of their own collectivity."""
        if user.is_daect:
            return self
        collectivity = user.collectivity
        if collectivity is None:
            return self.none()
        return self.filter(collectivity=collectivity)


class LabelApplication(Archivable):
    """A collectivity's application (dossier de candidature) for a label on one theme."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        INFO_REQUESTED = "info_requested", _("More information requested")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        SCHEDULED = "scheduled", _("Scheduled for a committee")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    CLOSED_STATES = (State.GRANTED, State.REFUSED, State.WITHDRAWN)
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)

    objects = LabelApplicationQuerySet.as_manager()
    history = AuditTrail()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("label application")
        verbose_name_plural = _("label applications")
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

    @property
    def reference(self) -> str:
        """The number the applicant quotes to DAECT."""
        return f"EXPE-CT-{self.pk:06d}"


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


class ApplicationEvent(models.Model):
    """The history of a dossier: state changes, messages and internal notes."""

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("State change")
        MESSAGE = "message", _("Message")
        NOTE = "note", _("Internal note")

    application = models.ForeignKey(
        LabelApplication, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("on"), default=timezone.now)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=SHORT_TEXT)
    is_public = models.BooleanField(_("seen by the applicant"), default=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="note") | Q(is_public=False),
                name="event_notes_are_internal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()}"

    @property
    def to_state_label(self) -> str:
        """The new state in words (label states are stored as "label:<state>")."""
        if self.to_state.startswith("label:"):
            return str(dict(Label.State.choices).get(self.to_state[6:], self.to_state))
        return str(dict(LabelApplication.State.choices).get(self.to_state, self.to_state))


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
        verbose_name = _("label")
        verbose_name_plural = _("labels")
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


class Opinion(models.Model):
    """An opinion DAECT asks on a dossier (committee member, thematic desk, embassy)."""

    class Recommendation(models.TextChoices):
        FAVOURABLE = "favourable", _("Favourable")
        RESERVED = "reserved", _("Reserved")
        UNFAVOURABLE = "unfavourable", _("Unfavourable")

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

    history = AuditTrail()

    class Meta:
        ordering = ["requested_at"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requested_from"],
                name="one_opinion_per_person",
                violation_error_message=_("This person was already asked for an opinion."),
            ),
            models.CheckConstraint(
                condition=Q(given_at__isnull=True) | ~Q(recommendation=""),
                name="given_opinion_has_recommendation",
            ),
        ]

    def __str__(self) -> str:
        return _("Opinion of %(person)s") % {"person": self.requested_from}

    @property
    def is_given(self) -> bool:
        return self.given_at is not None
