"""The roster of a collectivity's experts, kept in one place.

The experts proposed in its label applications, those named on its missions and the
expert accounts invited to the portal form one list per collectivity, one entry per
e-mail address. Accepting a mission proposal picks experts from it (an entry without
an account gets one, and an invitation), or adds new ones to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from expect.accounts.models import Membership, User
from expect.organisations.models import Collectivity, Language
from labellisation.models import ProposedExpert

from . import services
from .experts import create_expert
from .models import ExpertRosterEntry, MissionProposal


def split_name(name: str) -> tuple[str, str]:
    """First and last name from one "name" field (the last word is the family name)."""
    first, _space, last = name.strip().rpartition(" ")
    return first, last


def add_to_roster(
    collectivity: Collectivity,
    *,
    name: str,
    email: str,
    position: str = "",
    languages: Iterable[Language] = (),
    account: User | None = None,
) -> ExpertRosterEntry:
    """The entry of this address, created or completed (never a second one)."""
    email = email.strip()
    entry = ExpertRosterEntry.objects.filter(
        collectivity=collectivity, email__iexact=email
    ).first() or ExpertRosterEntry.objects.create(
        collectivity=collectivity, email=email, name=name.strip(), position=position.strip()
    )
    changed = []
    if account is not None and entry.account_id is None:
        entry.account, changed = account, [*changed, "account"]
    if position and not entry.position:
        entry.position, changed = position.strip(), [*changed, "position"]
    if changed:
        entry.save(update_fields=changed)
    if languages:
        entry.languages.add(*languages)
    return entry


def _experts_of(collectivity: Collectivity) -> QuerySet[User]:
    invited = Membership.objects.active().filter(
        collectivity=collectivity, user=OuterRef("pk"), user__role=User.Role.EXPERT
    )
    return User.objects.filter(Q(missions__collectivity=collectivity) | Exists(invited)).distinct()


@transaction.atomic
def sync_roster(collectivity: Collectivity) -> None:
    """Bring the label applications' experts, the missions' and the invited ones in."""
    proposed = ProposedExpert.objects.filter(application__collectivity=collectivity)
    for expert in proposed.prefetch_related("languages"):
        add_to_roster(
            collectivity,
            name=expert.name,
            email=expert.email,
            position=expert.position,
            languages=expert.languages.all(),
        )
    for user in _experts_of(collectivity):
        add_to_roster(
            collectivity,
            name=user.get_full_name(),
            email=user.email,
            position=user.position,
            account=user,
        )
    # An entry whose address became an account of the collectivity is linked to it.
    for entry in collectivity.expert_roster.filter(account__isnull=True):
        account = User.objects.filter(
            email__iexact=entry.email, membership__collectivity=collectivity
        ).first()
        if account is not None:
            entry.account = account
            entry.save(update_fields=["account"])


def pickable_entries(collectivity: Collectivity) -> QuerySet[ExpertRosterEntry]:
    """Roster entries without an account yet: picking one invites the person.

    Those with an account of the collectivity are offered among its members; an
    address used by an account elsewhere cannot be picked (DAECT sorts it out).
    """
    taken = User.objects.filter(email__iexact=OuterRef("email"))
    return (
        collectivity.expert_roster.filter(account__isnull=True)
        .exclude(Exists(taken))
        .prefetch_related("languages")
        .order_by("name")
    )


@dataclass
class NewExpert:
    first_name: str
    last_name: str
    email: str
    position: str
    languages: list[Language] = field(default_factory=list)


def _enrol(entry: ExpertRosterEntry, by: User) -> User:
    first, last = split_name(entry.name)
    user = create_expert(
        entry.collectivity,
        first_name=first,
        last_name=last or entry.name,
        email=entry.email,
        position=entry.position or "—",
        by=by,
    )
    entry.account = user
    entry.save(update_fields=["account"])
    return user


@transaction.atomic
def accept_with_experts(
    *,
    proposal: MissionProposal,
    by: User,
    members: Iterable[User] = (),
    entries: Iterable[ExpertRosterEntry] = (),
    new_experts: Iterable[NewExpert] = (),
) -> MissionProposal:
    """Accept with experts picked from the members and the roster, or added to it; all
    or nothing. Each person without an account is invited to choose a password."""
    collectivity = proposal.collectivity
    team = list(members)
    team += [_enrol(entry, by) for entry in entries if entry.collectivity_id == collectivity.pk]
    for new in new_experts:
        user = create_expert(
            collectivity,
            first_name=new.first_name,
            last_name=new.last_name,
            email=new.email,
            position=new.position,
            by=by,
        )
        if user is None:
            continue  # someone else's account: its owner is told, the form says nothing
        add_to_roster(
            collectivity,
            name=user.get_full_name(),
            email=user.email,
            position=user.position,
            languages=new.languages,
            account=user,
        )
        team.append(user)
    return services.proposal_accept(proposal=proposal, by=by, experts=team)
