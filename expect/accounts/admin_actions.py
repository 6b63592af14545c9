"""The decisions on a membership request, from its page in the back office."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expect.core.admin_actions import ObjectAction, reason_form

from . import services
from .models import Membership


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
