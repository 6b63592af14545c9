"""The e-mails of needs, proposals and missions, one function per message.

Templates: templates/emails/missions/<name>_subject.txt, <name>.txt, <name>.html.
Callers schedule these with transaction.on_commit.
"""

from __future__ import annotations

from django.urls import reverse

from expect.accounts.models import Membership, User
from expect.notifications.emails import absolute_url, daect_recipients, send

from .models import Mission, MissionProposal, MissionRequest


def _send_to(users, name: str, **context) -> None:
    for user in users:
        send(
            f"missions/{name}",
            [user.email],
            {"user": user, **context},
            language=user.preferred_language,
        )


def _members(collectivity_id: int) -> list[User]:
    memberships = (
        Membership.objects.active()
        .filter(collectivity_id=collectivity_id, user__role=User.Role.MEMBER, user__is_active=True)
        .select_related("user")
    )
    return [m.user for m in memberships]


def _embassy_agents(need: MissionRequest) -> list[User]:
    return list(need.embassy.agents.filter(is_active=True))


def _request_url(need: MissionRequest) -> str:
    return absolute_url(reverse("missions:request_detail", args=[need.pk]))


def request_submitted(need: MissionRequest) -> None:
    url = absolute_url(reverse("admin:missions_missionrequest_change", args=[need.pk]))
    send("missions/request_submitted", daect_recipients(), {"need": need, "url": url})


def request_sent_back(need: MissionRequest, reason: str) -> None:
    _send_to(
        _embassy_agents(need), "request_sent_back", need=need, reason=reason, url=_request_url(need)
    )


def request_declined(need: MissionRequest) -> None:
    _send_to(_embassy_agents(need), "request_declined", need=need, url=_request_url(need))


def proposal_made(proposal: MissionProposal) -> None:
    url = absolute_url(reverse("missions:proposal_detail", args=[proposal.pk]))
    _send_to(
        _members(proposal.collectivity_id),
        "proposal_made",
        proposal=proposal,
        need=proposal.request,
        url=url,
    )


def proposal_answered(proposal: MissionProposal) -> None:
    url = absolute_url(reverse("missions:request_matching", args=[proposal.request_id]))
    send(
        "missions/proposal_answered",
        daect_recipients(),
        {"proposal": proposal, "need": proposal.request, "url": url},
    )


def mission_created(mission: Mission, closed: list[MissionProposal]) -> None:
    """Tell the team, the collectivity and the embassy; thank the collectivities not chosen."""
    url = absolute_url(reverse("missions:mission_detail", args=[mission.pk]))
    people = {
        u.pk: u
        for u in [
            *_members(mission.collectivity_id),
            *mission.experts.all(),
            *_embassy_agents(mission.request),
        ]
    }
    _send_to(people.values(), "mission_created", mission=mission, need=mission.request, url=url)
    for proposal in closed:
        _send_to(
            _members(proposal.collectivity_id),
            "proposal_closed",
            proposal=proposal,
            need=proposal.request,
        )


def _mission_url(mission: Mission) -> str:
    return absolute_url(reverse("missions:mission_detail", args=[mission.pk]))


def partner_feedback_asked(feedback, token: str, reminder: bool = False) -> None:
    """To the foreign partner's contact, in the need's language, with the secret link."""
    need = feedback.mission.request
    send(
        "missions/partner_feedback_asked",
        [feedback.email],
        {
            "feedback": feedback,
            "mission": feedback.mission,
            "need": need,
            "contact": need.partner_contact_name,
            "reminder": reminder,
            "url": absolute_url(reverse("missions:partner_feedback", args=[token])),
        },
        language=feedback.language,
    )


def partner_feedback_given(feedback) -> None:
    mission = feedback.mission
    context = {"feedback": feedback, "need": mission.request, "url": _mission_url(mission)}
    send("missions/partner_feedback_given", daect_recipients(), context)


def follow_up_asked(follow_up) -> None:
    mission = follow_up.mission
    url = absolute_url(reverse("missions:follow_up", args=[mission.pk, follow_up.step]))
    _send_to(
        _members(mission.collectivity_id),
        "follow_up_asked",
        follow_up=follow_up,
        need=mission.request,
        url=url,
    )


def expert_naming_attempted(user: User, by: User, collectivity) -> None:
    """A collectivity named as a new expert someone who already has an account elsewhere."""
    _send_to([user], "expert_naming_attempted", inviter=by, collectivity=collectivity)
