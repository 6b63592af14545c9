"""Who may act on needs, proposals and missions. Each rule is a small predicate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from expect.accounts.models import User

if TYPE_CHECKING:
    from .models import MissionRequest


def is_member_of(user: User, collectivity_id: int) -> bool:
    """A confirmed member (not an expert) of the collectivity."""
    if not user.is_authenticated:
        return False
    membership = user.active_membership
    return bool(
        membership
        and user.role == User.Role.MEMBER
        and membership.collectivity_id == collectivity_id
    )


def need_change_refusal(user: User, need: MissionRequest) -> str | None:
    """Why the user may not change this need, or None if they may.

    Only an agent of the embassy that relays the need changes it, while it is a
    draft or sent back for more information (and not discarded).
    """
    if not (user.is_embassy_agent and need.embassy_id == user.embassy_id):
        return _("Only the agents of the embassy that relays this need can change it.")
    if not need.is_editable:
        return _(
            "This need was submitted to DAECT: it can no longer be changed, unless DAECT "
            "asks for more information."
        )
    return None


def can_change_need(user: User, need: MissionRequest) -> bool:
    """An agent of the embassy that relays the need, while it is a draft or sent back."""
    return need_change_refusal(user, need) is None


# The proposals that let a collectivity read the brief of a need: still open, or
# accepted by it (and, once DAECT confirms, the mission's team reads it too).
BRIEF_PROPOSAL_STATES = ("open", "accepted", "confirmed")


def can_read_brief(user: User, need: MissionRequest) -> bool:
    """The need's description and documents (terms of reference).

    DAECT reads every brief; an embassy agent, those of its countries. The confirmed
    members of a collectivity read it while a proposal to it is open (or once it
    accepted); the experts it named and the team of the mission afterwards. Never
    another collectivity, nor one whose proposal was declined or closed.
    """
    if not user.is_authenticated:
        return False
    if user.is_daect:
        return True
    if user.is_embassy_agent:
        return user.embassy.covers(str(need.country))
    if need.mission_set_for(user).exists():
        return True
    proposals = need.proposals.filter(state__in=BRIEF_PROPOSAL_STATES)
    membership = user.active_membership
    if membership and user.role == User.Role.MEMBER:
        open_to_us = proposals.filter(collectivity_id=membership.collectivity_id)
        if need.state in need.CLOSED_STATES:
            open_to_us = open_to_us.exclude(state="open")
        if open_to_us.exists():
            return True
    return proposals.exclude(state="open").filter(experts=user).exists()


def history_subjects(user: User) -> tuple[str, ...]:
    """Which parts of a need's history a person reads on a mission or need page.

    DAECT reads it all. The embassy reads the need's and the mission's steps, never
    the proposals: they name the other collectivities approached and quote their
    confidential reasons. The collectivity's side reads the mission's steps only.
    """
    if user.is_daect:
        return ("request", "proposal", "mission")
    if user.is_embassy_agent:
        return ("request", "mission")
    return ("mission",)


def can_relay_feedback(user: User, mission) -> bool:
    """The embassy of the mission's country (or DAECT) records the partner's answers."""
    if user.is_daect:
        return True
    return bool(user.is_embassy_agent and user.embassy.covers(str(mission.request.country)))


def can_answer_follow_up(user: User, follow_up) -> bool:
    """A confirmed member of the collectivity that carried out the mission."""
    return is_member_of(user, follow_up.mission.collectivity_id)
