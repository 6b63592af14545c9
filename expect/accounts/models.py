"""People of the portal: one user model for every role, signing in by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, DeviceManager

from expect.core.addresses import EmailAddress, canonical_email
from expect.core.archive import AuditTrail
from expect.core.limits import SHORT_TEXT
from expect.core.phones import PhoneField
from expect.organisations.models import Collectivity, Embassy


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=canonical_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True, role=User.Role.DAECT)
        extra.setdefault("email_confirmed_at", timezone.now())
        return self._create_user(email, password, **extra)

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        # Django's only lowers the domain; an address has one spelling (core/addresses.py).
        return canonical_email(email)

    def get_by_natural_key(self, username: str) -> User:
        return self.get(email=canonical_email(username))


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        MEMBER = "member", _("Collectivity member")
        EXPERT = "expert", _("Expert")
        EMBASSY = "embassy", _("Embassy agent")
        DAECT = "daect", _("DAECT staff")

    class Language(models.TextChoices):
        FR = "fr", "Français"
        EN = "en", "English"

    email = EmailAddress(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    position = models.CharField(_("position"), max_length=200, blank=True)
    phone = PhoneField(_("phone"), blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    embassy = models.ForeignKey(
        Embassy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agents",
        verbose_name=_("embassy"),
    )
    preferred_language = models.CharField(
        _("language of e-mails"), max_length=2, choices=Language.choices, default=Language.FR
    )
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin access"),
        default=False,
        help_text=_("Can sign in to the DAECT back office."),
    )
    date_joined = models.DateTimeField(_("joined on"), default=timezone.now)

    objects = UserManager()
    # The password hash is never copied; signing in (last_login alone) adds no row.
    history = AuditTrail(excluded_fields=["password", "last_login"])

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]
        # The admin list's order (Django adds "-pk" to make it total).
        indexes = [models.Index(fields=["last_name", "first_name", "-id"], name="user_name_idx")]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("invite_user", "Can send an invitation to choose a password"),
            ("export_personal_data", "Can export the personal data of an account"),
            ("anonymise_user", "Can anonymise the account of a departed person"),
            ("reset_second_factor", "Can reset the second factor of an account"),
        ]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=Q(role="embassy", embassy__isnull=False)
                | (~Q(role="embassy") & Q(embassy__isnull=True)),
                name="user_embassy_iff_embassy_role",
                violation_error_message=_(
                    "An embassy agent, and only an embassy agent, has an embassy."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = canonical_email(self.email)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def is_daect(self) -> bool:
        return self.is_active and (self.role == self.Role.DAECT or self.is_superuser)

    @property
    def is_embassy_agent(self) -> bool:
        return self.role == self.Role.EMBASSY and self.embassy_id is not None

    @property
    def active_membership(self) -> Membership | None:
        """The confirmed membership of a collectivity, if any (None while pending)."""
        membership = getattr(self, "membership", None)
        if membership is not None and membership.state == Membership.State.ACTIVE:
            return membership
        return None

    @property
    def collectivity(self) -> Collectivity | None:
        """The collectivity this user acts for, only once their membership is confirmed."""
        membership = self.active_membership
        return membership.collectivity if membership else None


class MembershipQuerySet(models.QuerySet):
    def pending(self) -> MembershipQuerySet:
        return self.filter(state=Membership.State.PENDING)

    def active(self) -> MembershipQuerySet:
        return self.filter(state=Membership.State.ACTIVE)

    def referents(self) -> MembershipQuerySet:
        return self.active().filter(is_referent=True, user__is_active=True)


class Membership(models.Model):
    """A person's belonging to a collectivity; it grants nothing until confirmed."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        ACTIVE = "active", _("Confirmed")
        REFUSED = "refused", _("Refused")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("user"),
    )
    collectivity = models.ForeignKey(
        Collectivity,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("collectivity"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    is_referent = models.BooleanField(
        _("referent"),
        default=False,
        help_text=_("The referent confirms the collectivity's new members."),
    )
    requested_at = models.DateTimeField(_("requested on"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason"), blank=True, max_length=SHORT_TEXT)

    objects = MembershipQuerySet.as_manager()
    history = AuditTrail()

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["-requested_at", "-id"], name="membership_requested_idx")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        permissions = [
            ("confirm_membership", "Can confirm a membership request"),
            ("refuse_membership", "Can refuse a membership request"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_referent=False) | Q(state="active"),
                name="membership_referent_is_active",
                violation_error_message=_("Only a confirmed member can be a referent."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.collectivity}"


class EmailChange(models.Model):
    """A person's request to sign in with another e-mail address.

    Applied only once both the new address and the current one have confirmed it, each
    through its own link; a newer request replaces it, and it is deleted once applied.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_change",
        verbose_name=_("user"),
    )
    new_email = EmailAddress(_("new e-mail address"))
    requested_at = models.DateTimeField(_("requested on"), default=timezone.now)
    new_confirmed_at = models.DateTimeField(_("confirmed by the new address on"), null=True)
    old_confirmed_at = models.DateTimeField(_("confirmed by the current address on"), null=True)

    class Meta:
        verbose_name = _("e-mail address change")
        verbose_name_plural = _("e-mail address changes")

    def __str__(self) -> str:
        return f"{self.user} → {self.new_email}"

    @property
    def is_confirmed(self) -> bool:
        return self.new_confirmed_at is not None and self.old_confirmed_at is not None


class ProConnectIdentityManager(DeviceManager):
    def devices_for_user(self, user, confirmed=None):
        # Not a second factor one could choose or give a code for: only a session that
        # ProConnect authenticated with several factors is verified by an identity.
        return self.none()


class ProConnectIdentity(Device):
    """The ProConnect identity (its `sub`) linked to an account: later sign-ins match it.

    Linked once, when the provider vouched for the e-mail address of an active account
    (expect/accounts/proconnect.py); the address may change afterwards, the link stays.
    A django-otp device, so that a session whose ProConnect sign-in used several factors
    is verified by it (django-otp keeps which device verified a session).
    """

    sub = models.CharField(_("ProConnect subject"), max_length=255, unique=True)
    issuer = models.URLField(_("issuer"), max_length=255)
    linked_at = models.DateTimeField(_("linked on"), default=timezone.now)

    objects = ProConnectIdentityManager()

    class Meta:
        ordering = ["-linked_at"]
        verbose_name = _("ProConnect identity")
        verbose_name_plural = _("ProConnect identities")

    def __str__(self) -> str:
        return f"{self.user} — {self.sub}"
