"""Needs of foreign authorities, proposals to labelled collectivities, and missions.

State changes are made by the functions of `missions.services` only.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from expect.core.archive import Archivable, ArchivableQuerySet, AuditTrail
from expect.core.limits import LONG_TEXT, SHORT_TEXT
from expect.core.models import (
    Event,
    EventManager,
    EventQuerySet,
    Referenced,
    UploadedDocument,
    assigned_to_field,
)
from expect.organisations.models import Collectivity, Embassy, Language, Theme

REPORT_DELAY = relativedelta(months=2)


def report_due_date(return_date: date) -> date:
    """Two calendar months after the return, clamped to the month's end (31/12 → 28/02)."""
    return return_date + REPORT_DELAY


class MissionRequestQuerySet(ArchivableQuerySet):
    def overdue(self, today: date) -> MissionRequestQuerySet:
        """Late: the desired period has begun and the need is not yet a mission."""
        return self.filter(state__in=MissionRequest.IN_PROGRESS_STATES, period_start__lt=today)

    def visible_to(self, user) -> MissionRequestQuerySet:
        """DAECT sees every need; an embassy agent, those of their embassy's countries."""
        if user.is_daect:
            return self
        if user.is_embassy_agent:
            return self.filter(country__in=[c.code for c in user.embassy.countries])
        return self.none()


class MissionRequest(Referenced, Archivable):
    """A need (besoin) of a foreign local authority, relayed by a French embassy."""

    REFERENCE_PREFIX = "EXPE-CT-B-"  # B for "besoin"
    REFERENCE_WIDTH = 5

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", pgettext_lazy("need state", "Submitted")
        INFO_REQUESTED = "info_requested", _("More information requested")
        QUALIFIED = "qualified", _("Qualified")
        DECLINED = "declined", pgettext_lazy("need state", "Declined")
        PROPOSED = "proposed", _("Proposed to collectivities")
        MATCHED = "matched", _("Accepted by a collectivity")
        MISSION = "mission", _("Turned into a mission")
        CANCELLED = "cancelled", pgettext_lazy("need state", "Cancelled")

    class PartnerKind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        INTERMUNICIPAL = "intermunicipal", _("Grouping of municipalities")
        PROVINCE = "province", _("Province, department or county")
        REGION = "region", _("Region or federated state")
        OTHER = "other", _("Other local authority")

    class PartnerLanguage(models.TextChoices):
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")
        VERY_URGENT = "very_urgent", _("Very urgent")

    CLOSED_STATES = (State.DECLINED, State.MISSION, State.CANCELLED)
    # Handed to DAECT and not yet closed: the steps of the instructor's queue.
    IN_PROGRESS_STATES = (State.SUBMITTED, State.QUALIFIED, State.PROPOSED, State.MATCHED)
    EDITABLE_STATES = (State.DRAFT, State.INFO_REQUESTED)
    # The states in which DAECT proposes the need to labelled collectivities.
    PROPOSABLE_STATES = (State.QUALIFIED, State.PROPOSED, State.MATCHED)

    embassy = models.ForeignKey(
        Embassy,
        on_delete=models.PROTECT,
        related_name="mission_requests",
        verbose_name=_("embassy"),
    )
    country = CountryField(_("country"))
    partner_name = models.CharField(_("foreign partner authority"), max_length=200)
    partner_kind = models.CharField(
        _("kind of partner authority"), max_length=16, choices=PartnerKind.choices
    )
    partner_place = models.CharField(_("region or city"), max_length=200)
    # Who answers, a few weeks after the return, whether the need was met (missions.feedback).
    partner_contact_name = models.CharField(
        _("partner's contact: name"), max_length=200, blank=True
    )
    partner_contact_email = models.EmailField(_("partner's contact: e-mail"), blank=True)
    partner_language = models.CharField(
        _("partner's contact: language"),
        max_length=2,
        choices=PartnerLanguage.choices,
        default=PartnerLanguage.FRENCH,
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="mission_requests", verbose_name=_("theme")
    )
    description = models.TextField(_("description of the need"), max_length=LONG_TEXT)
    expected_results = models.TextField(_("expected results"), max_length=LONG_TEXT)
    period_start = models.DateField(_("desired period: from"))
    period_end = models.DateField(_("desired period: to"))
    duration_days = models.PositiveSmallIntegerField(_("duration (days)"))
    working_language = models.ForeignKey(
        Language, on_delete=models.PROTECT, related_name="+", verbose_name=_("working language")
    )
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    decision_reason = models.TextField(_("reason"), blank=True, max_length=SHORT_TEXT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    assigned_to = assigned_to_field()

    objects = MissionRequestQuerySet.as_manager()
    history = AuditTrail(excluded_fields=["reference"])

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="request_created_idx"),
            models.Index(fields=["submitted_at"], name="request_submitted_idx"),
            # An embassy sees the needs and missions of its countries.
            models.Index(fields=["country"], name="request_country_idx"),
            models.Index(
                fields=["state", "assigned_to"],
                condition=Q(archived_at__isnull=True),
                name="request_desk_idx",
            ),
        ]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        permissions = [
            ("qualify_need", "Can qualify a need"),
            ("send_back_need", "Can send a need back for more information"),
            ("decline_need", "Can decline a need"),
            ("propose_need", "Can propose a need to labelled collectivities"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="request_period_in_order",
                violation_error_message=_("The desired period ends before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(duration_days__gte=1, duration_days__lte=90),
                name="request_duration_1_to_90_days",
                violation_error_message=_("A mission lasts from 1 to 90 days."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner_name} ({self.country.name}) — {self.theme}"

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES and not self.is_archived

    def mission_set_for(self, user) -> MissionQuerySet:
        """The need's mission if the user is on its team or a member of its collectivity."""
        on_team = Q(experts=user)
        membership = user.active_membership
        if membership is not None and user.role == "member":
            on_team |= Q(collectivity_id=membership.collectivity_id)
        return Mission.objects.filter(on_team, request=self)


class RequestAttachment(UploadedDocument):
    """A document the embassy attaches to a need."""

    UPLOAD_DIR = "missions"

    request = models.ForeignKey(
        MissionRequest, on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta(UploadedDocument.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class MissionProposal(models.Model):
    """A need proposed to one labelled collectivity, which answers before a deadline."""

    class State(models.TextChoices):
        OPEN = "open", _("Awaiting an answer")
        ACCEPTED = "accepted", pgettext_lazy("proposal state", "Accepted")
        DECLINED = "declined", pgettext_lazy("proposal state", "Declined")
        CONFIRMED = "confirmed", _("Confirmed by DAECT")
        CLOSED = "closed", pgettext_lazy("proposal state", "Closed")

    request = models.ForeignKey(
        MissionRequest,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("need"),
    )
    collectivity = models.ForeignKey(
        Collectivity,
        on_delete=models.PROTECT,
        related_name="mission_proposals",
        verbose_name=_("collectivity"),
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    response_deadline = models.DateField(_("answer before"))
    message = models.TextField(_("message from DAECT"), blank=True, max_length=SHORT_TEXT)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed on"), default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    answer_reason = models.TextField(_("reason"), blank=True, max_length=SHORT_TEXT)
    experts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="proposals_as_expert",
        verbose_name=_("experts named"),
    )

    history = AuditTrail(m2m_fields=[experts])

    class Meta:
        ordering = ["-proposed_at"]
        indexes = [models.Index(fields=["-proposed_at", "-id"], name="proposal_proposed_idx")]
        verbose_name = _("mission proposal")
        verbose_name_plural = _("mission proposals")
        permissions = [
            ("confirm_proposal", "Can confirm an accepted proposal (the need becomes a mission)"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "collectivity"],
                name="one_proposal_per_collectivity",
                violation_error_message=_("This need was already proposed to this collectivity."),
            ),
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(state="confirmed"),
                name="one_confirmed_proposal_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} → {self.collectivity}"

    def is_late(self, today: date | None = None) -> bool:
        return (today or timezone.localdate()) > self.response_deadline


class MissionQuerySet(ArchivableQuerySet):
    def current(self) -> MissionQuerySet:
        return self.exclude(state__in=[Mission.State.CLOSED, Mission.State.CANCELLED])

    def completed(self) -> MissionQuerySet:
        """Done: the team came back to France (what follows, report and evaluation, is
        paperwork). An archived mission leaves the public lists."""
        return self.unarchived().filter(state__in=Mission.BACK_STATES)

    def overdue(self, today: date) -> MissionQuerySet:
        """Late: back in France, the report's due date passed and no report handed in."""
        return self.filter(
            state__in=[Mission.State.RETURNED, Mission.State.REPORT_DUE],
            report_due_on__lt=today,
        )

    def visible_to(self, user) -> MissionQuerySet:
        """DAECT: all; embassy: its countries; members: their collectivity's; experts: theirs."""
        if user.is_daect:
            return self
        if not user.is_authenticated:
            return self.none()
        if user.is_embassy_agent:
            return self.filter(request__country__in=[c.code for c in user.embassy.countries])
        # Experts see the missions they are on, even after leaving the collectivity. A
        # subquery rather than a join: no duplicate rows, hence no DISTINCT over the list.
        teams = Mission.experts.through.objects.filter(user=user).values("mission")
        on_team = Q(pk__in=teams)
        membership = user.active_membership
        if membership is not None:
            on_team |= Q(collectivity_id=membership.collectivity_id)
        return self.filter(on_team)

    # "Report due" and "report overdue", defined once: the dashboards, the admin filters,
    # the programme figures, the DAECT digest and the reminder rules all call these.
    def report_due(self, today: date) -> MissionQuerySet:
        """The report is awaited: the team is back (by its state, or by the calendar when
        the state has not followed) and the report is not handed in yet, whatever its date."""
        back = Q(state__in=Mission.REPORT_BACK_STATES) | Q(return_date__lte=today)
        return self.unarchived().filter(
            back, state__in=Mission.REPORT_AWAITED_STATES, report_due_on__isnull=False
        )

    def report_overdue(self, today: date) -> MissionQuerySet:
        """Awaited and past its due date."""
        return self.report_due(today).filter(report_due_on__lt=today)


class Mission(Referenced, Archivable):
    """A short expertise mission abroad, financed by the Ministry."""

    REFERENCE_PREFIX = "EXPE-CT-M-"  # quoted on the travel order and to DAECT
    REFERENCE_WIDTH = 5

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CONFIRMED = "confirmed", pgettext_lazy("mission state", "Confirmed")
        UNDER_WAY = "under_way", _("Under way")
        RETURNED = "returned", _("Returned")
        REPORT_DUE = "report_due", _("Report due")
        REPORT_SUBMITTED = "report_submitted", _("Report submitted")
        CLOSED = "closed", pgettext_lazy("mission state", "Closed")
        CANCELLED = "cancelled", pgettext_lazy("mission state", "Cancelled")

    # The team is back in France: the report can be written, the mission counts as done.
    BACK_STATES = (State.RETURNED, State.REPORT_DUE, State.REPORT_SUBMITTED, State.CLOSED)
    # The report is awaited from the return (or the return date) until it is handed in,
    # and again once DAECT sends it back (the mission is then "report due" again).
    REPORT_BACK_STATES = (State.RETURNED, State.REPORT_DUE)
    REPORT_AWAITED_STATES = (State.CONFIRMED, State.UNDER_WAY, *REPORT_BACK_STATES)

    request = models.OneToOneField(
        MissionRequest, on_delete=models.PROTECT, related_name="mission", verbose_name=_("need")
    )
    proposal = models.OneToOneField(
        MissionProposal,
        on_delete=models.PROTECT,
        related_name="mission",
        verbose_name=_("proposal"),
    )
    collectivity = models.ForeignKey(
        Collectivity,
        on_delete=models.PROTECT,
        related_name="missions",
        verbose_name=_("collectivity"),
    )
    experts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="missions", verbose_name=_("team of experts")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PLANNED
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    departure_date = models.DateField(_("departure"), null=True, blank=True)
    return_date = models.DateField(_("return"), null=True, blank=True)
    report_due_on = models.DateField(_("report due on"), null=True, blank=True, editable=False)
    assigned_to = assigned_to_field()
    cancel_reason = models.TextField(
        _("reason of the cancellation"), blank=True, max_length=SHORT_TEXT
    )
    created_at = models.DateTimeField(_("created on"), default=timezone.now)

    objects = MissionQuerySet.as_manager()
    history = AuditTrail(m2m_fields=[experts], excluded_fields=["reference"])

    class Meta:
        ordering = ["-departure_date", "-created_at"]
        indexes = [
            models.Index(
                fields=["-departure_date", "-created_at", "-id"], name="mission_departure_idx"
            ),
            models.Index(
                fields=["state", "assigned_to"],
                condition=Q(archived_at__isnull=True),
                name="mission_desk_idx",
            ),
            # Reports due and overdue (dashboards, figures, reminders).
            models.Index(
                fields=["state", "report_due_on"],
                condition=Q(archived_at__isnull=True),
                name="mission_report_due_idx",
            ),
        ]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        permissions = [
            ("plan_mission", "Can plan the dates, place and budget of a mission"),
            ("confirm_mission", "Can confirm a mission"),
            ("follow_mission", "Can mark a mission as under way or returned"),
            ("cancel_mission", "Can cancel a mission"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(return_date__isnull=True)
                | Q(departure_date__isnull=True)
                | Q(return_date__gte=models.F("departure_date")),
                name="mission_returns_after_departure",
                violation_error_message=_("The return cannot come before the departure."),
            ),
        ]

    def __str__(self) -> str:
        return _("Mission of %(collectivity)s in %(country)s") % {
            "collectivity": self.collectivity,
            "country": self.request.country.name,
        }

    def save(self, *args, **kwargs) -> None:
        # The return date fixes the report deadline; it is never set by hand.
        self.report_due_on = report_due_date(self.return_date) if self.return_date else None
        if kwargs.get("update_fields") and "return_date" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "report_due_on"}
        super().save(*args, **kwargs)

    @property
    def is_back(self) -> bool:
        """The team is back in France: the report can be written."""
        return self.state in self.BACK_STATES

    @property
    def total_budget(self):
        return sum(line.amount for line in self.budget_lines.all())


class BudgetLine(models.Model):
    """A cost of the mission financed by the Ministry."""

    class Category(models.TextChoices):
        TRAVEL = "travel", _("Travel")
        ACCOMMODATION = "accommodation", _("Accommodation")
        PER_DIEM = "per_diem", _("Daily allowances")
        OTHER = "other", _("Other")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    label = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount (€)"), max_digits=9, decimal_places=2)

    history = AuditTrail()

    class Meta:
        ordering = ["category", "pk"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="budget_amount_positive",
                violation_error_message=_("An amount is positive."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.amount} €"


class MissionEventQuerySet(EventQuerySet):
    """Understands the former `subject=` filter ("request", "proposal", "mission")."""

    SUBJECT_FILTERS = {
        "request": {"proposal__isnull": True, "mission__isnull": True},
        "proposal": {"proposal__isnull": False},
        "mission": {"mission__isnull": False},
    }

    def filter(self, *args, subject: str | None = None, **kwargs):
        if subject is not None:
            kwargs.update(self.SUBJECT_FILTERS[subject])
        return super().filter(*args, **kwargs)


class MissionEvent(Event):
    """The timeline of needs, their proposals and missions: a view on the one `Event` table.

    Kept under its former name for the callers that query needs' events only (the
    reminder rules); new code uses `need.events`, `mission.events` or `Event`.
    """

    objects = EventManager.about("request", MissionEventQuerySet)

    class Meta:
        proxy = True
        verbose_name = _("history entry")
        verbose_name_plural = _("history")


from .feedback_models import CollectivityFollowUp, ExpertRosterEntry, PartnerFeedback  # noqa: E402

__all__ = [
    "BudgetLine",
    "CollectivityFollowUp",
    "ExpertRosterEntry",
    "Mission",
    "MissionEvent",
    "MissionProposal",
    "MissionRequest",
    "PartnerFeedback",
    "RequestAttachment",
    "report_due_date",
]
