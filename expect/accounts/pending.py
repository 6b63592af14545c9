"""What a member whose membership waits for confirmation is told, on each of their pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Membership, User

# What the reminders promise (expect/accounts/reminders.py): the referent is reminded
# after REFERENT_DELAY days, DAECT after DAECT_DELAY days.
REFERENT_DELAY_DAYS = 3
DAECT_DELAY_DAYS = 7


def confirmers(membership: Membership) -> list[User]:
    """The collectivity's active referents, who confirm its new members (else DAECT)."""
    return [
        referent.user
        for referent in Membership.objects.referents()
        .filter(collectivity_id=membership.collectivity_id)
        .select_related("user")
        .exclude(user_id=membership.user_id)
    ]


def pending_page(
    request: HttpRequest, membership: Membership, title: str, **context
) -> HttpResponse:
    """The explanation a pending member gets instead of a page they cannot use yet."""
    context = {
        "membership": membership,
        "confirmers": confirmers(membership),
        "referent_delay": REFERENT_DELAY_DAYS,
        "daect_delay": DAECT_DELAY_DAYS,
        "title": title,
        "breadcrumb_data": {"current": title},
        **context,
    }
    return render(request, "accounts/pending_membership.html", context)
