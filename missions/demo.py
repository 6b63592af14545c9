"""Demo needs, proposals and missions in ten countries, in every state of the workflow.

Each need is a `Plan`: where it comes from, how far it went (submitted, qualified,
proposed, matched, turned into a mission, declined, cancelled) and, for a mission, its
dates and state. `build()` writes the plans in bulk, with their proposals, mission,
team, budget and one event per step dated when it happened; the showcase and
`seed_scale` (40,000 needs for 36,000 collectivities) both go through it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from expect.accounts.models import User
from expect.core.demo import (
    chunks,
    day_rng,
    event,
    insert_rows,
    later,
    moment,
    save_events,
    share,
)
from expect.core.demo_texts import COUNTRIES, need_texts
from expect.core.models import Event
from expect.core.references import fill_references
from expect.organisations.models import Collectivity, Embassy, Theme

from .models import (
    REPORT_DELAY,
    BudgetLine,
    Mission,
    MissionProposal,
    MissionRequest,
    PartnerFeedback,
    report_due_date,
)

RState = MissionRequest.State
PState = MissionProposal.State
MState = Mission.State
Verb = Event.Verb
LYON = "216901231"

# The states a need went through to reach its state, after the draft.
REQUEST_PATHS = {
    RState.DRAFT: [],
    RState.SUBMITTED: [RState.SUBMITTED],
    RState.INFO_REQUESTED: [RState.SUBMITTED, RState.INFO_REQUESTED],
    RState.QUALIFIED: [RState.SUBMITTED, RState.QUALIFIED],
    RState.DECLINED: [RState.SUBMITTED, RState.DECLINED],
    RState.PROPOSED: [RState.SUBMITTED, RState.QUALIFIED, RState.PROPOSED],
    RState.MATCHED: [RState.SUBMITTED, RState.QUALIFIED, RState.PROPOSED, RState.MATCHED],
    RState.MISSION: [
        RState.SUBMITTED,
        RState.QUALIFIED,
        RState.PROPOSED,
        RState.MATCHED,
        RState.MISSION,
    ],
    RState.CANCELLED: [RState.SUBMITTED, RState.QUALIFIED, RState.CANCELLED],
}
REQUEST_VERBS = {
    RState.SUBMITTED: Verb.REQUEST_SUBMITTED,
    RState.QUALIFIED: Verb.REQUEST_QUALIFIED,
    RState.INFO_REQUESTED: Verb.REQUEST_SENT_BACK,
    RState.DECLINED: Verb.REQUEST_DECLINED,
    RState.PROPOSED: Verb.REQUEST_PROPOSED,
    RState.MATCHED: Verb.REQUEST_MATCHED,
    RState.MISSION: Verb.MISSION_CREATED,
    RState.CANCELLED: Verb.REQUEST_CANCELLED,
}
REQUEST_COMMENTS = {
    RState.INFO_REQUESTED: "Précisez le service concerné et la période la plus favorable.",
    RState.DECLINED: "Le besoin relève d’un programme de l’Agence française de développement.",
    RState.CANCELLED: "Le partenaire a reporté le projet après les élections locales.",
}
# The states a mission went through to reach its state, after "planned".
MISSION_PATHS = {
    MState.PLANNED: [],
    MState.CONFIRMED: [MState.CONFIRMED],
    MState.UNDER_WAY: [MState.CONFIRMED, MState.UNDER_WAY],
    MState.RETURNED: [MState.CONFIRMED, MState.UNDER_WAY, MState.RETURNED],
    MState.REPORT_DUE: [MState.CONFIRMED, MState.UNDER_WAY, MState.RETURNED],
    MState.REPORT_SUBMITTED: [MState.CONFIRMED, MState.UNDER_WAY, MState.RETURNED],
    MState.CLOSED: [MState.CONFIRMED, MState.UNDER_WAY, MState.RETURNED],
    MState.CANCELLED: [MState.CONFIRMED, MState.CANCELLED],
}
MISSION_VERBS = {
    MState.CONFIRMED: Verb.MISSION_CONFIRMED,
    MState.UNDER_WAY: Verb.MISSION_STARTED,
    MState.RETURNED: Verb.MISSION_RETURNED,
    MState.CANCELLED: Verb.MISSION_CANCELLED,
}
CANCEL_REASON = "Les conditions de sécurité ne permettent pas le déplacement des experts."


@dataclass
class Plan:
    """One need and how far it went."""

    country: str
    partner: int  # index in the country's partners
    theme_id: int
    state: str
    submitted: date
    collectivity_id: int | None = None  # the one that took the mission (or accepted)
    expert_ids: list[int] = field(default_factory=list)
    answered_by: int | None = None
    mission_state: str = ""
    departure: date | None = None
    return_: date | None = None
    open_to: list[int] = field(default_factory=list)  # proposals awaiting an answer
    declined_by: list[tuple[int, int]] = field(default_factory=list)  # (collectivity, member)
    urgency: str = MissionRequest.Urgency.NORMAL
    seed: str = ""
    partner_name: str = ""  # instead of the country's partner (the browser journeys' names)


def _agents() -> dict[str, int]:
    """The embassy agent who relays the needs of each country."""
    from expect.accounts.demo import CAST_DOMAIN

    agents = {"SN": User.objects.get(email="ambassade@demo.expe-ct.fr").pk}
    for code in COUNTRIES:
        found = User.objects.filter(email=f"ambassade.{code.lower()}@{CAST_DOMAIN}").first()
        if found is not None:
            agents[code] = found.pk
    return agents


def _embassies() -> dict[str, int]:
    names = dict(Embassy.objects.values_list("name", "pk"))
    return {code: names[country[2]] for code, country in COUNTRIES.items() if country[2] in names}


class Builder:
    """Writes plans in bulk: needs, proposals, missions, teams, budgets and events."""

    def __init__(self, *, agents: dict[str, int], daect: int, today: date):
        self.agents = agents
        self.embassies = _embassies()
        self.daect = daect
        self.today = today
        self.theme_slugs = dict(Theme.objects.values_list("pk", "slug"))
        self.names = {}

    def build(self, plans: list[Plan]) -> list[Mission]:
        needs = [self._need(plan) for plan in plans]
        MissionRequest.objects.bulk_create(needs, batch_size=2000)
        proposals = {
            id(plan): self._proposals(plan, need) for plan, need in zip(plans, needs, strict=True)
        }  # noqa: E501
        MissionProposal.objects.bulk_create(
            [p for group in proposals.values() for p in group], batch_size=2000
        )
        missions = {}
        for plan, need in zip(plans, needs, strict=True):
            if plan.state == RState.MISSION:
                missions[id(plan)] = self._mission(plan, need, proposals[id(plan)][0])
        Mission.objects.bulk_create(list(missions.values()), batch_size=2000)
        self._teams(plans, proposals, missions)
        events = []
        for plan, need in zip(plans, needs, strict=True):
            events += self._events(plan, need, proposals[id(plan)], missions.get(id(plan)))
        save_events(events)
        return list(missions.values())

    def _need(self, plan: Plan) -> MissionRequest:
        rng = day_rng(f"need-{plan.seed}")
        _name, language, _embassy, _city, partners = COUNTRIES[plan.country]
        name, kind, place = partners[plan.partner % len(partners)]
        name = plan.partner_name or name
        description, expected = need_texts(rng, self.theme_slugs[plan.theme_id], name)
        start = plan.departure - timedelta(days=15) if plan.departure else None
        start = start or (plan.submitted + timedelta(days=rng.randint(60, 150)))
        submitted = moment(plan.submitted, 10) if plan.state != RState.DRAFT else None
        return MissionRequest(
            embassy_id=self.embassies[plan.country],
            country=plan.country,
            partner_name=name,
            partner_kind=kind,
            partner_place=place,
            partner_language=language,
            theme_id=plan.theme_id,
            description=description,
            expected_results=expected,
            period_start=start,
            period_end=start + timedelta(days=rng.randint(30, 90)),
            duration_days=rng.choice([5, 6, 7, 8, 10, 12]),
            working_language_id=language,
            urgency=plan.urgency,
            state=plan.state,
            decision_reason=REQUEST_COMMENTS.get(plan.state, ""),
            created_by_id=self.agents[plan.country],
            created_at=moment(plan.submitted - timedelta(days=3), 9),
            submitted_at=submitted,
            assigned_to_id=self.daect if plan.state in MissionRequest.IN_PROGRESS_STATES else None,
        )

    def _proposals(self, plan: Plan, need: MissionRequest) -> list[MissionProposal]:
        if plan.state not in (RState.PROPOSED, RState.MATCHED, RState.MISSION):
            return []
        proposed_at = moment(plan.submitted + timedelta(days=14), 11)
        deadline = (plan.submitted + timedelta(days=35)) if plan.state != RState.PROPOSED else None
        proposals = []
        if plan.collectivity_id:
            state = PState.CONFIRMED if plan.state == RState.MISSION else PState.ACCEPTED
            proposals.append((plan.collectivity_id, state, plan.answered_by))
        proposals += [(pk, PState.OPEN, None) for pk in plan.open_to]
        proposals += [(pk, PState.DECLINED, member) for pk, member in plan.declined_by]
        return [
            MissionProposal(
                request=need,
                collectivity_id=pk,
                state=state,
                response_deadline=deadline or self.today + timedelta(days=10),
                message="Votre expertise correspond au besoin exprimé par notre partenaire.",
                proposed_by_id=self.daect,
                proposed_at=proposed_at,
                answered_by_id=member,
                answered_at=later(proposed_at, 9) if member else None,
                answer_reason="Nos experts ne sont pas disponibles sur cette période."
                if state == PState.DECLINED
                else "",
            )
            for pk, state, member in proposals
        ]

    def _mission(self, plan: Plan, need: MissionRequest, proposal) -> Mission:
        return Mission(
            request=need,
            proposal=proposal,
            collectivity_id=plan.collectivity_id,
            state=plan.mission_state,
            place=need.partner_place,
            departure_date=plan.departure,
            return_date=plan.return_,
            report_due_on=report_due_date(plan.return_) if plan.return_ else None,
            cancel_reason=CANCEL_REASON if plan.mission_state == MState.CANCELLED else "",
            created_at=moment(plan.submitted + timedelta(days=30), 16),
            assigned_to_id=self.daect if plan.mission_state != MState.CLOSED else None,
        )

    def _teams(self, plans, proposals, missions) -> None:
        ProposalTeam = MissionProposal.experts.through
        MissionTeam = Mission.experts.through
        proposal_rows, mission_rows, budget = [], [], []
        for plan in plans:
            mission = missions.get(id(plan))
            if not plan.expert_ids or not proposals[id(plan)]:
                continue
            chosen = proposals[id(plan)][0]
            for expert in plan.expert_ids:
                proposal_rows.append({"missionproposal_id": chosen.pk, "user_id": expert})
                if mission is not None:
                    mission_rows.append({"mission_id": mission.pk, "user_id": expert})
            if mission is not None and plan.departure:
                nights = max((plan.return_ - plan.departure).days, 1)
                people = len(plan.expert_ids)
                budget += [
                    _line(
                        mission,
                        BudgetLine.Category.TRAVEL,
                        "Billets d’avion aller-retour",
                        850 * people,
                    ),
                    _line(
                        mission,
                        BudgetLine.Category.ACCOMMODATION,
                        f"Hébergement, {nights} nuits",
                        75 * nights * people,
                    ),
                    _line(
                        mission,
                        BudgetLine.Category.PER_DIEM,
                        "Indemnités journalières",
                        45 * (nights + 1) * people,
                    ),
                ]
        insert_rows(ProposalTeam, proposal_rows)
        insert_rows(MissionTeam, mission_rows)
        insert_rows(BudgetLine, budget)

    def _name(self, collectivity_id: int) -> str:
        if collectivity_id not in self.names:
            self.names[collectivity_id] = Collectivity.objects.get(pk=collectivity_id).name
        return self.names[collectivity_id]

    def _events(self, plan, need, proposals, mission) -> list[dict]:
        agent, daect = self.agents[plan.country], self.daect
        path = REQUEST_PATHS[plan.state]
        at = moment(plan.submitted, 10)
        events, before = [], RState.DRAFT
        chosen = proposals[0] if proposals and plan.collectivity_id else None
        for to in path:
            if to == RState.PROPOSED:
                at = proposals[0].proposed_at if proposals else at
                for proposal in proposals:
                    events.append(
                        event(
                            Verb.PROPOSAL_MADE,
                            proposal.proposed_at,
                            by=daect,
                            comment=proposal.message,
                            data={"collectivity": self._name(proposal.collectivity_id)},
                            proposal=proposal,
                            request=need,
                        )
                    )
            if to == RState.MATCHED and chosen is not None:
                at = chosen.answered_at or later(at, 9)
                events += self._answers(proposals, need)
            by = agent if to == RState.SUBMITTED else daect
            if to == RState.MATCHED:
                by = plan.answered_by
            data = (
                {"collectivity": self._name(plan.collectivity_id)} if to == RState.MISSION else {}
            )
            if to == RState.MISSION:
                at = mission.created_at
            subjects = {"mission": mission} if to == RState.MISSION else {}
            events.append(
                event(
                    REQUEST_VERBS[to],
                    at,
                    by=by,
                    before=before,
                    after=to,
                    comment=REQUEST_COMMENTS.get(to, ""),
                    data=data,
                    request=need,
                    **subjects,
                )
            )
            before, at = to, later(at, 6)
        if mission is not None:
            events += self._mission_events(plan, need, mission)
        return events

    def _answers(self, proposals, need) -> list[dict]:
        answers = []
        for proposal in proposals:
            if proposal.answered_at is None:
                continue
            accepted = proposal.state != PState.DECLINED
            answers.append(
                event(
                    Verb.PROPOSAL_ACCEPTED if accepted else Verb.PROPOSAL_DECLINED,
                    proposal.answered_at,
                    by=proposal.answered_by_id,
                    before=PState.OPEN,
                    after=PState.ACCEPTED if accepted else PState.DECLINED,
                    comment=proposal.answer_reason,
                    data={"collectivity": self._name(proposal.collectivity_id)},
                    proposal=proposal,
                    request=need,
                )
            )
        return answers

    def _mission_events(self, plan, need, mission) -> list[dict]:
        subjects = {"mission": mission, "request": need}
        events = []
        if plan.departure:
            events.append(
                event(
                    Verb.MISSION_DATES_SET,
                    later(mission.created_at, 1),
                    by=self.daect,
                    data={
                        "departure": plan.departure.isoformat(),
                        "return": plan.return_.isoformat(),
                        "place": mission.place,
                    },
                    **subjects,
                )
            )
        before = MState.PLANNED
        for to in MISSION_PATHS[plan.mission_state]:
            if to == MState.CONFIRMED:
                at, by = later(mission.created_at, 3), self.daect
            elif to == MState.UNDER_WAY:
                at, by = moment(plan.departure, 6), None
            elif to == MState.RETURNED:
                at, by = moment(plan.return_, 6), None
            else:
                at = moment(min(self.today, plan.departure) - timedelta(days=5), 12)
                by = self.daect
            comment = CANCEL_REASON if to == MState.CANCELLED else ""
            events.append(
                event(
                    MISSION_VERBS[to],
                    at,
                    by=by,
                    before=before,
                    after=to,
                    comment=comment,
                    **subjects,
                )
            )
            before = to
        return events


def _line(mission: Mission, category: str, label: str, amount: int) -> dict:
    return {
        "mission_id": mission.pk,
        "category": category,
        "label": label,
        "amount": Decimal(amount),
    }


def _mission_dates(rng, state: str, today: date) -> tuple[date | None, date | None]:
    """Departure and return dates that fit the mission's state on `today`."""
    length = rng.randint(5, 12)
    if state == MState.PLANNED:
        departure = today + timedelta(days=rng.randint(40, 150))
    elif state == MState.CONFIRMED:
        departure = today + timedelta(days=rng.randint(5, 90))
    elif state == MState.UNDER_WAY:
        departure = today - timedelta(days=rng.randint(1, length - 1))
    elif state == MState.RETURNED:
        departure = today - timedelta(days=length + rng.randint(1, 110))
    elif state in (MState.REPORT_DUE, MState.REPORT_SUBMITTED):
        departure = today - timedelta(days=length + rng.randint(15, 140))
    elif state == MState.CANCELLED:
        departure = today + timedelta(days=rng.randint(-300, 60))
    else:
        departure = today - timedelta(days=length + rng.randint(75, 1400))
    return departure, departure + timedelta(days=length)


# The showcase: (country, partner, theme, collectivity (kind, name), need state, mission
# state, days from today to the return). The three of Lyon's come first, unchanged.
GOV, ENV = "gouvernance-locale-decentralisation", "environnement-climat-biodiversite"
AME, SPL = "amenagement-urbanisme-transports", "services-publics-locaux"
AGRI, ECO = "agriculture-developpement-rural", "developpement-economique"
MISSIONS = [
    ("SN", "Ville de Thiès", GOV, ("commune", "Lyon"), MState.CLOSED, -150),
    ("SN", "Commune de Ziguinchor", GOV, ("commune", "Lyon"), MState.RETURNED, -20),
    ("MA", "Commune d’Agadir", ENV, ("commune", "Grenoble"), MState.CLOSED, -500),
    ("TN", "Commune de Sfax", SPL, ("commune", "Limoges"), MState.CLOSED, -420),
    ("BJ", "Ville de Cotonou", AME, ("epci", "Montpellier Méditerranée Métropole"), MState.CLOSED, -560),  # noqa: E501
    ("MG", "Commune urbaine de Mahajanga", SPL, ("commune", "Bordeaux"), MState.CLOSED, -380),
    ("VN", "Comité populaire de la ville de Hué", AME, ("epci", "Grenoble-Alpes-Métropole"), MState.CLOSED, -700),  # noqa: E501
    ("KH", "Province de Siem Reap", ENV, ("epci", "Brest Métropole"), MState.CLOSED, -820),
    ("AM", "Communauté de Gumri", "renforcement-capacites", ("departement", "Hérault"), MState.CLOSED, -640),  # noqa: E501
    ("UA", "Ville de Lviv", SPL, ("commune", "Strasbourg"), MState.CLOSED, -900),
    ("CO", "Alcaldía de Medellín", GOV, ("epci", "Métropole Européenne de Lille"), MState.CLOSED, -460),  # noqa: E501
    ("SN", "Commune de Kaolack", AGRI, ("departement", "Gironde"), MState.CLOSED, -600),
    ("MA", "Commune de Chefchaouen", ECO, ("commune", "Clermont-Ferrand"), MState.CLOSED, -330),
    ("BJ", "Commune de Ouidah", "culture", ("region", "La Réunion"), MState.CLOSED, -300),
    ("TN", "Commune de Sousse", ENV, ("region", "Nouvelle-Aquitaine"), MState.REPORT_SUBMITTED, -45),  # noqa: E501
    ("MG", "Commune urbaine de Toamasina", ENV, ("departement", "Finistère"), MState.REPORT_DUE, -70),  # noqa: E501
    ("VN", "Comité populaire de Da Nang", SPL, ("epci", "Nantes Métropole"), MState.REPORT_DUE, -30),  # noqa: E501
    ("KH", "Municipalité de Battambang", AME, ("commune", "Toulouse"), MState.RETURNED, -100),
    ("UA", "Ville d’Odessa", "renforcement-capacites", ("epci", "Métropole de Lyon"), MState.UNDER_WAY, 5),  # noqa: E501
    ("AM", "Municipalité d’Erevan", "sport", ("commune", "Chambéry"), MState.CONFIRMED, 28),
    ("CO", "Alcaldía de Cali", "egalite-femmes-hommes", ("departement", "Ille-et-Vilaine"), MState.PLANNED, 60),  # noqa: E501
    ("MA", "Région de l’Oriental", AGRI, ("commune", "Poitiers"), MState.CANCELLED, 40),
    # Reports due in ten days, in two, today: each step of the reports' reminders.
    ("SN", "Commune de Louga", SPL, ("commune", "Rouen"), MState.RETURNED, "due+10"),
    ("MA", "Commune de Tanger", AME, ("region", "Île-de-France"), MState.RETURNED, "due+2"),
    ("TN", "Commune de Tozeur", ECO, ("region", "Normandie"), MState.REPORT_DUE, "due+0"),
]  # fmt: skip
# Needs that did not (yet) become missions: (country, partner, theme, state, proposed to,
# accepted by, urgency).
NEEDS = [
    ("SN", "Ville de Dakar", SPL, RState.DRAFT, [], None, "normal"),
    ("SN", "Commune de Rufisque", ENV, RState.INFO_REQUESTED, [], None, "urgent"),
    ("SN", "Commune de Mbour", GOV, RState.PROPOSED, [("commune", "Lyon")], None, "normal"),
    ("MA", "Commune d’Essaouira", "culture", RState.QUALIFIED, [], None, "normal"),
    ("TN", "Commune de Kairouan", ECO, RState.DECLINED, [], None, "normal"),
    ("BJ", "Ville de Porto-Novo", AME, RState.PROPOSED, [("region", "Île-de-France"), ("epci", "Rennes Métropole")], None, "urgent"),  # noqa: E501
    ("MG", "Commune urbaine de Fianarantsoa", AGRI, RState.MATCHED, [("departement", "Isère")], ("region", "Bretagne"), "normal"),  # noqa: E501
    ("VN", "Province de Lào Cai", AGRI, RState.CANCELLED, [], None, "normal"),
    ("CO", "Gobernación de Antioquia", ENV, RState.SUBMITTED, [], None, "normal"),
    ("UA", "Ville de Tchernihiv", SPL, RState.SUBMITTED, [], None, "very_urgent"),
    ("KH", "Province de Kampot", ENV, RState.QUALIFIED, [], None, "normal"),
]  # fmt: skip


def _return_for(today: date, days: int | str) -> date:
    """The return date `days` from today, or the one whose report is due on "due+N"."""
    if isinstance(days, int):
        return today + timedelta(days=days)
    due = today + timedelta(days=int(days.removeprefix("due+")))
    return due - REPORT_DELAY


def _partner_index(country: str, name: str) -> int:
    names = [partner[0] for partner in COUNTRIES[country][4]]
    return names.index(name)


def seed(stdout) -> None:
    from expect.accounts.demo import cast_member
    from expect.organisations.demo import demo_collectivity

    today = timezone.localdate()
    daect = User.objects.get(email="daect@demo.expe-ct.fr")
    themes = dict(Theme.objects.values_list("slug", "pk"))
    existing = set(MissionRequest.objects.values_list("partner_name", flat=True))
    plans = []
    _saint_louis(today, existing)
    for country, partner, slug, (kind, name), mission_state, days in MISSIONS:
        if partner in existing:
            continue
        collectivity = demo_collectivity(name, kind)
        experts = [cast_member(collectivity, expert=True).pk]
        length = 8
        back = _return_for(today, days)
        departure = back - timedelta(days=length)
        if mission_state == MState.UNDER_WAY:
            departure = today - timedelta(days=3)
        plans.append(
            Plan(
                country=country,
                partner=_partner_index(country, partner),
                theme_id=themes[slug],
                state=RState.MISSION,
                submitted=min(departure - timedelta(days=45), today - timedelta(days=40)),
                collectivity_id=collectivity.pk,
                expert_ids=experts,
                answered_by=cast_member(collectivity).pk,
                mission_state=mission_state,
                departure=departure,
                return_=back,
                seed=partner,
            )
        )
    for country, partner, slug, state, proposed, accepted, urgency in NEEDS:
        if partner in existing:
            continue
        chosen = demo_collectivity(accepted[1], accepted[0]) if accepted else None
        others = [demo_collectivity(name, kind) for kind, name in proposed]
        plans.append(
            Plan(
                country=country,
                partner=_partner_index(country, partner),
                theme_id=themes[slug],
                state=state,
                submitted=today - timedelta(days=40 if state != RState.SUBMITTED else 6),
                collectivity_id=chosen.pk if chosen else None,
                expert_ids=[cast_member(chosen, expert=True).pk] if chosen else [],
                answered_by=cast_member(chosen).pk if chosen else None,
                open_to=[c.pk for c in others] if state == RState.PROPOSED else [],
                declined_by=[(c.pk, cast_member(c).pk) for c in others]
                if state == RState.MATCHED
                else [],
                urgency=urgency,
                seed=partner,
            )
        )
    builder = Builder(agents=_agents(), daect=daect.pk, today=today)
    missions = builder.build(plans)
    fill_references(MissionRequest)
    fill_references(Mission)
    _feedback(missions)
    stdout.write(f"Missions: {len(plans)} new needs, {len(missions)} new missions.")


def _saint_louis(today: date, existing: set[str]) -> None:
    """The need of Saint-Louis, submitted on Lyon's theme (the README's embassy agent)."""
    if "Commune de Saint-Louis" in existing:
        return
    agent = User.objects.get(email="ambassade@demo.expe-ct.fr")
    need = MissionRequest.objects.create(
        embassy=agent.embassy,
        created_by=agent,
        country="SN",
        partner_name="Commune de Saint-Louis",
        partner_kind=MissionRequest.PartnerKind.MUNICIPALITY,
        partner_place="Saint-Louis, région de Saint-Louis",
        theme=Theme.objects.get(slug=GOV),
        description="Mettre en place un budget participatif dans trois quartiers de l’île "
        "et du faubourg de Sor, avec les conseils de quartier.",
        expected_results="Un règlement du budget participatif adopté par le conseil.",
        period_start=today + timedelta(days=60),
        period_end=today + timedelta(days=120),
        duration_days=8,
        working_language_id="fr",
        state=RState.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=2),
        created_at=timezone.now() - timedelta(days=3),
    )
    save_events(
        [
            event(
                Verb.REQUEST_SUBMITTED,
                need.submitted_at,
                by=agent,
                before=RState.DRAFT,
                after=RState.SUBMITTED,
                request=need,
            )
        ]
    )


def _feedback(missions: list[Mission]) -> None:
    """The partner's word on the closed missions: most answered, one still awaited."""
    rows = []
    for index, mission in enumerate(m for m in missions if m.state == MState.CLOSED):
        sent = moment(mission.return_date + timedelta(days=30), 9)
        answered = index % 4 != 3
        rows.append(
            PartnerFeedback(
                mission=mission,
                token_hash=hashlib.sha256(f"demo-feedback-{mission.pk}".encode()).hexdigest(),
                sent_at=sent,
                expires_at=later(sent, 60),
                answered_at=later(sent, 12) if answered else None,
                answered_via=PartnerFeedback.Via.LINK if answered else "",
                need_met=["yes", "yes", "partly"][index % 3] if answered else "",
                usefulness=5 - index % 2 if answered else None,
                rating_expertise=5 if answered else None,
                rating_organisation=4 if answered else None,
                comment="Une équipe disponible et à l’écoute de nos services." if answered else "",
            )
        )
    PartnerFeedback.objects.bulk_create(rows, ignore_conflicts=True)


# At national scale, 40,000 needs for 36,000 collectivities: per 1,000 needs, how many end
# in each state, and how the missions among them are spread.
SCALE_NEEDS = [
    (RState.DRAFT, 30),
    (RState.SUBMITTED, 40),
    (RState.INFO_REQUESTED, 20),
    (RState.QUALIFIED, 30),
    (RState.DECLINED, 30),
    (RState.PROPOSED, 40),
    (RState.MATCHED, 20),
    (RState.CANCELLED, 20),
    (RState.MISSION, 770),
]
# 20,000 of the 30,800 missions are closed with their report published.
SCALE_MISSIONS = [
    (MState.CLOSED, 690),
    (MState.PLANNED, 30),
    (MState.CONFIRMED, 50),
    (MState.UNDER_WAY, 20),
    (MState.RETURNED, 80),
    (MState.REPORT_DUE, 30),
    (MState.REPORT_SUBMITTED, 50),
    (MState.CANCELLED, 50),
]


EARLY = (RState.DRAFT, RState.SUBMITTED)


def _weighted(rng, table) -> str:
    pick = rng.randrange(sum(weight for _value, weight in table))
    for value, weight in table:
        if pick < weight:
            return value
        pick -= weight
    return table[0][0]


def scale_agents() -> dict[str, int]:
    from expect.accounts.demo import scale_embassy_email

    emails = {scale_embassy_email(code): code for code in COUNTRIES}
    return {
        emails[email]: pk
        for email, pk in User.objects.filter(email__in=emails).values_list("email", "pk")
    }


def seed_scale(n: int, stdout) -> None:
    """40,000 needs per 36,000 collectivities, in every state; the missions go to the
    generated labels' collectivities, with their expert on the team."""
    from labellisation.models import Label

    agents = scale_agents()
    if not agents:
        return
    today = timezone.localdate()
    labels = list(
        Label.objects.filter(application__created_by__email__startswith="scale-")
        .order_by("pk")
        .values_list("collectivity_id", "theme_id", "granted_on")
    )
    if not labels:
        return
    referents = dict(
        User.objects.filter(email__startswith="scale-", membership__isnull=False).values_list(
            "membership__collectivity_id", "pk"
        )
    )
    experts = dict(
        User.objects.filter(email__startswith="expert-scale-").values_list(
            "membership__collectivity_id", "pk"
        )
    )
    themes = list(Theme.objects.order_by("position", "pk").values_list("pk", flat=True))
    target = share(n, 40_000)
    done = MissionRequest.objects.filter(created_by_id__in=agents.values()).count()
    daect = User.objects.get(email="daect@demo.expe-ct.fr").pk
    builder = Builder(agents=agents, daect=daect, today=today)
    names = dict(
        Collectivity.objects.filter(pk__in={c for c, _t, _g in labels}).values_list("pk", "name")
    )
    builder.names = names
    codes = list(COUNTRIES)
    created = missions = 0
    for chunk in chunks(range(done, target)):
        plans = [_scale_plan(i, codes, labels, themes, referents, experts, today) for i in chunk]
        missions += len(builder.build(plans))
        created += len(plans)
    fill_references(MissionRequest)
    fill_references(Mission)
    stdout.write(f"Scale: {created} needs, {missions} missions.")


def _scale_plan(i, codes, labels, themes, referents, experts, today) -> Plan:
    rng = day_rng(f"scale-need-{i}")
    country = codes[i % len(codes)]
    state = _weighted(rng, SCALE_NEEDS)
    plan = Plan(
        country=country,
        partner=rng.randrange(10),
        theme_id=rng.choice(themes),
        state=state,
        submitted=today
        - timedelta(days=rng.randint(3, 30) if state in EARLY else rng.randint(40, 200)),
        urgency=_weighted(rng, [("normal", 8), ("urgent", 2), ("very_urgent", 1)]),
        seed=f"scale-{i}",
    )
    if state not in (RState.PROPOSED, RState.MATCHED, RState.MISSION):
        return plan
    collectivity, theme, _granted = labels[rng.randrange(len(labels))]
    plan.theme_id = theme
    if state == RState.PROPOSED:
        plan.open_to = [collectivity]
        return plan
    plan.collectivity_id = collectivity
    plan.answered_by = referents.get(collectivity)
    plan.expert_ids = [experts[collectivity]] if collectivity in experts else []
    if state == RState.MISSION:
        plan.mission_state = _weighted(rng, SCALE_MISSIONS)
        plan.departure, plan.return_ = _mission_dates(rng, plan.mission_state, today)
        earliest = plan.departure - timedelta(days=rng.randint(45, 160))
        plan.submitted = min(earliest, today - timedelta(days=40))
    return plan
