"""What follows a mission: the foreign partner's feedback, the collectivity's follow-up
six and twelve months after the return, and the roster of each collectivity's experts.

Imported by `missions.models`; written by `missions.feedback` and `missions.roster` only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expect.core.limits import SHORT_TEXT
from expect.organisations.models import Collectivity, Language

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


def _rating(label):
    return models.PositiveSmallIntegerField(label, null=True, blank=True, validators=ONE_TO_FIVE)


class PartnerFeedbackQuerySet(models.QuerySet):
    def answered(self) -> PartnerFeedbackQuerySet:
        return self.filter(answered_at__isnull=False)


class PartnerFeedback(models.Model):
    """The foreign partner's word on a mission, asked by e-mail with a secret link.

    Only the SHA-256 of the link's token is kept: whoever reads the database cannot
    answer in the partner's name. The link expires, and serves one submission.
    """

    class NeedMet(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    class Via(models.TextChoices):
        LINK = "link", _("The partner, through the link")
        EMBASSY = "embassy", _("The embassy, relaying the partner")

    mission = models.OneToOneField(
        "missions.Mission",
        on_delete=models.CASCADE,
        related_name="partner_feedback",
        verbose_name=_("mission"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=2, default="fr")
    email = models.EmailField(_("sent to"), blank=True)
    sent_at = models.DateTimeField(_("asked on"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded on"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link valid until"))
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    answered_via = models.CharField(_("answered by"), max_length=8, choices=Via.choices, blank=True)
    relayed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("relayed by"),
    )
    need_met = models.CharField(
        _("was the need met?"), max_length=8, choices=NeedMet.choices, blank=True
    )
    usefulness = _rating(_("usefulness of the mission (1 to 5)"))
    rating_expertise = _rating(_("expertise of the French team (1 to 5)"))
    rating_organisation = _rating(_("organisation of the mission (1 to 5)"))
    next_steps = models.TextField(_("what next?"), blank=True, max_length=SHORT_TEXT)
    comment = models.TextField(_("comment"), blank=True, max_length=SHORT_TEXT)

    objects = PartnerFeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback of the foreign partner")
        verbose_name_plural = _("feedback of the foreign partners")
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(need_met=""),
                name="partner_feedback_answer_says_if_need_met",
            ),
        ]

    def __str__(self) -> str:
        return str(self.mission)

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class CollectivityFollowUp(models.Model):
    """What followed the mission, asked of the collectivity six and twelve months on."""

    class Step(models.TextChoices):
        SIX_MONTHS = "6m", _("Six months after the return")
        TWELVE_MONTHS = "12m", _("Twelve months after the return")

    mission = models.ForeignKey(
        "missions.Mission",
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("mission"),
    )
    step = models.CharField(_("step"), max_length=3, choices=Step.choices)
    asked_at = models.DateTimeField(_("asked on"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    continuing_cooperation = models.BooleanField(
        _("the cooperation with the partner goes on"), default=False
    )
    cooperation_agreement = models.BooleanField(
        _("a decentralised cooperation agreement was signed or is being prepared"), default=False
    )
    other_funding = models.BooleanField(_("other funding was obtained"), default=False)
    comment = models.TextField(
        _("what followed, in a few words"), blank=True, max_length=SHORT_TEXT
    )

    class Meta:
        ordering = ["mission", "step"]
        verbose_name = _("follow-up of the collectivity")
        verbose_name_plural = _("follow-ups of the collectivities")
        constraints = [
            models.UniqueConstraint(fields=["mission", "step"], name="one_follow_up_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.mission} — {self.get_step_display()}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class ExpertRosterEntry(models.Model):
    """One expert of a collectivity: proposed in a label application, named on a mission
    or invited to the portal. One entry per collectivity and e-mail address."""

    collectivity = models.ForeignKey(
        Collectivity,
        on_delete=models.CASCADE,
        related_name="expert_roster",
        verbose_name=_("collectivity"),
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"))
    languages = models.ManyToManyField(Language, blank=True, verbose_name=_("languages"))
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roster_entries",
        verbose_name=_("account"),
    )
    added_at = models.DateTimeField(_("added on"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("expert of the roster")
        verbose_name_plural = _("roster of experts")
        constraints = [
            models.UniqueConstraint(
                "collectivity",
                models.functions.Lower("email"),
                name="one_roster_entry_per_email",
                violation_error_message=_("This expert is already on the roster."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.position}" if self.position else self.name
