"""The decisions on a membership request or an account, from its page in the back office."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expect.core.admin_actions import ObjectAction, reason_form

from . import gdpr, second_factor, services
from .models import Membership, User
from .permissions import can_manage_account


def _confirm(request, membership, data) -> str:
    membership = services.membership_confirm(membership=membership, by=request.user)
    if membership.is_referent:
        return _(
            "%(person)s is confirmed as a member of %(collectivity)s, and its referent (the "
            "first confirmed member); an e-mail told them."
        ) % {"person": membership.user, "collectivity": membership.collectivity}
    return _("%(person)s is confirmed as a member of %(collectivity)s; an e-mail told them.") % {
        "person": membership.user,
        "collectivity": membership.collectivity,
    }


def _refuse(request, membership, data) -> str:
    services.membership_refuse(membership=membership, by=request.user, reason=data["reason"])
    return _("The request of %(person)s is refused; an e-mail told them.") % {
        "person": membership.user
    }


def _pending(membership: Membership) -> bool:
    return membership.state == Membership.State.PENDING


MEMBERSHIP_ACTIONS = [
    ObjectAction(
        name="confirm",
        label=gettext_lazy("Confirm the membership"),
        permission="confirm_membership",
        when=_pending,
        run=_confirm,
    ),
    ObjectAction(
        name="refuse",
        label=gettext_lazy("Refuse the request"),
        permission="refuse_membership",
        when=_pending,
        run=_refuse,
        form=reason_form(gettext_lazy("Reason (shown to the person)")),
        confirm=True,
    ),
]


def _reset_second_factor(request, user, data) -> str:
    second_factor.reset_devices(user)
    return _(
        "The second factor of %(person)s is reset: they will set up an authenticator app at "
        "their next sign-in."
    ) % {"person": user}


def _anonymise(request, user, data) -> str:
    gdpr.anonymise(user=user, by=request.user)
    return _(
        "The account is anonymised: its identity is replaced by placeholders and it can no "
        "longer sign in; the programme's records are kept."
    )


def _invite(request, user, data) -> str:
    services.invite(user)
    return _("An invitation to choose a password was sent to %(email)s.") % {"email": user.email}


def _may_anonymise(actor: User, user: User) -> bool:
    return can_manage_account(actor, user) and actor.pk != user.pk


USER_ACTIONS = [
    ObjectAction(
        name="invite",
        label=gettext_lazy("Send an invitation to choose a password"),
        permission="invite_user",
        when=lambda user: user.is_active,
        run=_invite,
    ),
    ObjectAction(
        name="reset_second_factor",
        label=gettext_lazy("Reset the second factor"),
        permission="reset_second_factor",
        when=second_factor.has_device,
        run=_reset_second_factor,
        allows=can_manage_account,
        confirm=True,
        help=gettext_lazy(
            "For a lost phone: the person's authenticator app and backup codes stop working."
        ),
    ),
    ObjectAction(
        name="anonymise",
        label=gettext_lazy("Anonymise the account"),
        permission="anonymise_user",
        when=lambda user: not gdpr.is_anonymised(user),
        run=_anonymise,
        allows=_may_anonymise,
        confirm=True,
        help=gettext_lazy(
            "For a departed person: name, e-mail address, phone and position are replaced by "
            "placeholders; the dossiers, missions and reports are kept."
        ),
    ),
]
