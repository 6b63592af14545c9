"""Demo needs: one submitted by the embassy in Dakar on Lyon's labelled theme."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from expect.accounts.models import User
from expect.core.references import fill_references
from expect.organisations.models import Embassy, Theme

from .models import Mission, MissionProposal, MissionRequest, report_due_date


def seed(stdout) -> None:
    agent = User.objects.get(email="ambassade@demo.expe-ct.fr")
    today = timezone.localdate()
    MissionRequest.objects.get_or_create(
        partner_name="Commune de Saint-Louis",
        defaults={
            "embassy": agent.embassy,
            "created_by": agent,
            "country": "SN",
            "partner_kind": MissionRequest.PartnerKind.MUNICIPALITY,
            "partner_place": "Saint-Louis, région de Saint-Louis",
            "theme": Theme.objects.get(slug="gouvernance-locale-decentralisation"),
            "description": "Mettre en place un budget participatif dans trois quartiers.",
            "expected_results": "Un règlement du budget participatif adopté par le conseil.",
            "period_start": today + timedelta(days=60),
            "period_end": today + timedelta(days=120),
            "duration_days": 8,
            "working_language_id": "fr",
            "state": MissionRequest.State.SUBMITTED,
            "submitted_at": timezone.now(),
        },
    )
    _lyon_mission(agent, "Ville de Thiès", days_since_return=150, state=Mission.State.CLOSED)
    _lyon_mission(
        agent, "Commune de Ziguinchor", days_since_return=20, state=Mission.State.RETURNED
    )
    stdout.write("Missions: 1 need submitted, 2 missions of Lyon in Senegal.")


def _lyon_mission(agent: User, partner: str, *, days_since_return: int, state: str) -> None:
    """A mission of Lyon's labelled expertise with the demo expert on the team."""
    if MissionRequest.objects.filter(partner_name=partner).exists():
        return
    from expect.organisations.models import Collectivity

    lyon = Collectivity.objects.get(siren="216901231")
    theme = Theme.objects.get(slug="gouvernance-locale-decentralisation")
    back = timezone.localdate() - timedelta(days=days_since_return)
    need = MissionRequest.objects.create(
        embassy=agent.embassy,
        created_by=agent,
        country="SN",
        partner_name=partner,
        partner_kind=MissionRequest.PartnerKind.MUNICIPALITY,
        partner_place=partner,
        theme=theme,
        description="Accompagner la concertation des habitants sur le budget.",
        expected_results="Une méthode de concertation adoptée.",
        period_start=back - timedelta(days=30),
        period_end=back + timedelta(days=10),
        duration_days=8,
        working_language_id="fr",
        state=MissionRequest.State.MISSION,
        submitted_at=timezone.now(),
    )
    proposal = MissionProposal.objects.create(
        request=need,
        collectivity=lyon,
        state=MissionProposal.State.CONFIRMED,
        response_deadline=back - timedelta(days=40),
        proposed_by=User.objects.get(email="daect@demo.expe-ct.fr"),
    )
    mission = Mission.objects.create(
        request=need,
        proposal=proposal,
        collectivity=lyon,
        place=partner,
        state=state,
        departure_date=back - timedelta(days=8),
        return_date=back,
    )
    mission.experts.set(User.objects.filter(email="expert@demo.expe-ct.fr"))


def seed_scale(n: int, stdout) -> None:
    """A need per two labelled collectivities; half of them became missions."""
    from labellisation.models import Label

    embassy = Embassy.objects.first()
    agent = embassy.agents.first()
    if agent is None:
        return
    labels = list(Label.objects.select_related("theme")[: n // 2])
    rng = random.Random(n)
    today = timezone.localdate()
    needs = [
        MissionRequest(
            embassy=embassy,
            created_by=agent,
            country=rng.choice(embassy.countries).code,
            partner_name=f"Collectivité partenaire {i}",
            partner_kind="municipality",
            partner_place="Demo",
            theme=label.theme,
            description="Besoin de démonstration.",
            expected_results="Résultats attendus.",
            period_start=today,
            period_end=today + timedelta(days=90),
            duration_days=7,
            working_language_id="fr",
            state=MissionRequest.State.MISSION,
            submitted_at=timezone.now(),
        )
        for i, label in enumerate(labels)
    ]
    MissionRequest.objects.bulk_create(needs, batch_size=1000)
    fill_references(MissionRequest)
    proposals = [
        MissionProposal(
            request=need,
            collectivity_id=label.collectivity_id,
            state=MissionProposal.State.CONFIRMED,
            response_deadline=today,
            proposed_by=agent,
        )
        for need, label in zip(needs, labels, strict=True)
    ]
    MissionProposal.objects.bulk_create(proposals, batch_size=1000)
    missions = []
    for proposal in proposals:
        back = today - timedelta(days=rng.randint(-60, 400))
        missions.append(
            Mission(
                request=proposal.request,
                proposal=proposal,
                collectivity_id=proposal.collectivity_id,
                place="Demo",
                departure_date=back - timedelta(days=7),
                return_date=back,
                report_due_on=report_due_date(back),
                state=Mission.State.RETURNED if back < today else Mission.State.CONFIRMED,
            )
        )
    Mission.objects.bulk_create(missions, batch_size=1000)
    fill_references(Mission)
    stdout.write(f"Scale: {len(needs)} needs and missions.")
