"""Demo selection committees, dossiers in every state and labels granted over the years.

The showcase: about forty collectivities labelled at six committees (the one of the
programme's communiqué of 8 December 2021, four since, one to come with its agenda),
some labels expired, one suspended, one revoked, one about to expire, and dossiers
waiting at each step. `seed_scale` adds one dossier per five generated collectivities
(5,000 labels for 36,000). Every step has its event, dated when it happened.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from expect.accounts.models import User
from expect.core.demo import applies, chunks, day_rng, event, moment, save_events
from expect.core.demo_texts import COUNTRIES, expertise_text
from expect.core.models import Event
from expect.core.references import fill_references
from expect.organisations.models import Collectivity, Theme

from .models import (
    LABEL_VALIDITY,
    Attendance,
    CommitteeSession,
    CooperationProject,
    Label,
    LabelApplication,
    Opinion,
    ProposedExpert,
)

State = LabelApplication.State
Verb = Event.Verb
LYON = "216901231"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# The states a dossier went through to reach each state, after the draft.
PATHS = {
    State.DRAFT: [],
    State.SUBMITTED: [State.SUBMITTED],
    State.IN_REVIEW: [State.SUBMITTED, State.IN_REVIEW],
    State.INFO_REQUESTED: [State.SUBMITTED, State.IN_REVIEW, State.INFO_REQUESTED],
    State.RESUBMITTED: [State.SUBMITTED, State.IN_REVIEW, State.INFO_REQUESTED, State.RESUBMITTED],
    State.SCHEDULED: [State.SUBMITTED, State.IN_REVIEW, State.SCHEDULED],
    State.GRANTED: [State.SUBMITTED, State.IN_REVIEW, State.SCHEDULED, State.GRANTED],
    State.REFUSED: [State.SUBMITTED, State.IN_REVIEW, State.SCHEDULED, State.REFUSED],
    State.WITHDRAWN: [State.SUBMITTED, State.WITHDRAWN],
}
VERBS = {
    State.SUBMITTED: Verb.APPLICATION_SUBMITTED,
    State.IN_REVIEW: Verb.APPLICATION_REVIEW_STARTED,
    State.INFO_REQUESTED: Verb.APPLICATION_INFO_REQUESTED,
    State.RESUBMITTED: Verb.APPLICATION_RESUBMITTED,
    State.SCHEDULED: Verb.APPLICATION_SCHEDULED,
    State.GRANTED: Verb.APPLICATION_GRANTED,
    State.REFUSED: Verb.APPLICATION_REFUSED,
    State.WITHDRAWN: Verb.APPLICATION_WITHDRAWN,
}
BY_APPLICANT = (State.SUBMITTED, State.RESUBMITTED, State.WITHDRAWN)
COMMENTS = {
    State.INFO_REQUESTED: "Précisez les actions menées sur votre territoire et les agents "
    "que vous proposez comme experts.",
    State.RESUBMITTED: "Les compléments demandés sont joints au dossier.",
    State.WITHDRAWN: "Nous redéposerons le dossier après les élections municipales.",
}
GRANT_REASON = "Expertise reconnue, démontrée sur le territoire et en coopération."
REFUSE_REASON = "L’expertise n’est pas encore démontrée par des actions sur le territoire."


def _thursday(day: date) -> date:
    return day - timedelta(days=(day.weekday() - 3) % 7)


def committee_dates(today: date) -> dict[str, date]:
    """The demo's committees: the communiqué's, four since (one whose labels end within
    weeks), and the next one."""
    return {
        "2022": date(2022, 1, 27),
        "expiring": _thursday(today - timedelta(days=1060)),
        # Labels at each step of the expiry reminders: six months left, one, just expired.
        "m6": _thursday(today - timedelta(days=946)),
        "m1": _thursday(today - timedelta(days=1076)),
        "gone": _thursday(today - timedelta(days=1106)),
        "c2": _thursday(today - timedelta(days=760)),
        "c3": _thursday(today - timedelta(days=420)),
        "c4": _thursday(today - timedelta(days=130)),
        # Its deadline is a week away: the drafts' reminders (D-10) are due.
        "next": today + timedelta(days=21),
    }


def demo_day(today: date) -> date:
    """The day the demo was first seeded, from Lyon's label (granted 200 days before):
    the committees of a later run are the same ones, not a new set dated anew."""
    label = Label.objects.filter(
        collectivity__siren=LYON, theme__slug="gouvernance-locale-decentralisation"
    ).first()
    return label.granted_on + timedelta(days=200) if label else today


# (collectivity kind, name, theme slug, committee, final state, what became of the label)
# No dossier on "sante" or "patrimoine": the browser journeys file those from scratch.
GOV, ENV = "gouvernance-locale-decentralisation", "environnement-climat-biodiversite"
AME = "amenagement-urbanisme-transports"
STORIES = [
    ("region", "Bretagne", "agriculture-developpement-rural", "c4", State.GRANTED, ""),
    ("commune", "Rennes", GOV, "c3", State.GRANTED, ""),
    ("epci", "Métropole Européenne de Lille", GOV, "c2", State.GRANTED, ""),
    ("departement", "Seine-Saint-Denis", GOV, "2022", State.GRANTED, ""),
    ("commune", "Grenoble", ENV, "c2", State.GRANTED, ""),
    ("epci", "Bordeaux Métropole", ENV, "c4", State.GRANTED, ""),
    ("epci", "Brest Métropole", ENV, "expiring", State.GRANTED, ""),
    ("region", "Nouvelle-Aquitaine", ENV, "c3", State.GRANTED, ""),
    ("commune", "Lorient", ENV, "2022", State.GRANTED, ""),
    ("departement", "Finistère", ENV, "c3", State.GRANTED, ""),
    ("commune", "Strasbourg", "services-publics-locaux", "expiring", State.GRANTED, ""),
    ("epci", "Nantes Métropole", "services-publics-locaux", "c3", State.GRANTED, ""),
    ("commune", "Limoges", "services-publics-locaux", "c2", State.GRANTED, ""),
    ("commune", "Rouen", "services-publics-locaux", "c4", State.GRANTED, ""),
    ("commune", "Tours", "services-publics-locaux", "2022", State.GRANTED, ""),
    ("commune", "Bordeaux", "services-publics-locaux", "c2", State.GRANTED, ""),
    ("epci", "Montpellier Méditerranée Métropole", AME, "c2", State.GRANTED, ""),
    ("commune", "Toulouse", AME, "c3", State.GRANTED, ""),
    ("region", "Île-de-France", AME, "c4", State.GRANTED, ""),
    ("epci", "Grenoble-Alpes-Métropole", AME, "expiring", State.GRANTED, ""),
    ("epci", "Rennes Métropole", AME, "c4", State.GRANTED, ""),
    ("commune", "Lille", "developpement-economique", "c3", State.GRANTED, ""),
    ("commune", "Clermont-Ferrand", "developpement-economique", "c2", State.GRANTED, ""),
    ("region", "Normandie", "developpement-economique", "c4", State.GRANTED, ""),
    ("commune", "Poitiers", "agriculture-developpement-rural", "c3", State.GRANTED, ""),
    ("departement", "Gironde", "agriculture-developpement-rural", "c2", State.GRANTED, ""),
    ("departement", "Isère", "agriculture-developpement-rural", "c4", State.GRANTED, ""),
    ("commune", "Nancy", "jeunesse-genre", "c2", State.GRANTED, ""),
    ("commune", "Angers", "jeunesse-genre", "c4", State.GRANTED, ""),
    ("epci", "Métropole de Lyon", "renforcement-capacites", "c3", State.GRANTED, ""),
    ("departement", "Hérault", "renforcement-capacites", "expiring", State.GRANTED, ""),
    ("region", "Hauts-de-France", "renforcement-capacites", "c2", State.GRANTED, "suspended"),
    ("commune", "Dijon", "culture", "c3", State.GRANTED, ""),
    ("commune", "Besançon", "culture", "2022", State.GRANTED, ""),
    ("region", "La Réunion", "culture", "c2", State.GRANTED, ""),
    ("commune", "Metz", "culture", "c4", State.GRANTED, "revoked"),
    ("commune", "Chambéry", "sport", "c3", State.GRANTED, ""),
    ("region", "Occitanie", "egalite-femmes-hommes", "c4", State.GRANTED, ""),
    ("departement", "Ille-et-Vilaine", "egalite-femmes-hommes", "c3", State.GRANTED, ""),
    ("commune", "Villeurbanne", "services-publics-locaux", "m6", State.GRANTED, ""),
    ("epci", "Brest Métropole", "renforcement-capacites", "m1", State.GRANTED, ""),
    ("commune", "Angers", "culture", "gone", State.GRANTED, ""),
    # A renewal: Lorient's label of 2022 expired, the new one runs from the last committee.
    ("commune", "Lorient", ENV, "c4", State.GRANTED, "renewal"),
    # Dossiers on their way, on the agenda of the next committee, or closed otherwise.
    ("commune", "Brest", ENV, "next", State.SCHEDULED, ""),
    ("commune", "Villeurbanne", "jeunesse-genre", "next", State.SCHEDULED, ""),
    ("commune", "Montpellier", "egalite-femmes-hommes", "next", State.SCHEDULED, ""),
    ("commune", "Toulouse", "developpement-economique", "next", State.SCHEDULED, ""),
    ("commune", "Strasbourg", "culture", "", State.IN_REVIEW, ""),
    ("commune", "Nantes", "services-publics-locaux", "", State.SUBMITTED, ""),
    ("epci", "Rennes Métropole", "sport", "", State.RESUBMITTED, ""),
    ("commune", "Tours", "egalite-femmes-hommes", "", State.INFO_REQUESTED, ""),
    ("commune", "Metz", "sport", "", State.DRAFT, ""),
    ("commune", "Limoges", "sport", "c3", State.REFUSED, ""),
    ("commune", "Dijon", "jeunesse-genre", "", State.WITHDRAWN, ""),
]  # fmt: skip


def verification_code(rng) -> str:
    raw = "".join(rng.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def application_events(application: LabelApplication, *, applicant: int, daect: int, end):
    """The events of the dossier's path to its state, from its submission to `end`."""
    path = PATHS[application.state]
    if not path:
        return []
    start = application.submitted_at
    step = (end - start) / max(len(path) - 1, 1)
    events, before = [], State.DRAFT
    for index, to in enumerate(path):
        data = {}
        if to == State.SCHEDULED and application.committee_id:
            data = {"committee": application.committee_date.isoformat()}
        comment = COMMENTS.get(to, "")
        if to in (State.GRANTED, State.REFUSED):
            comment = application.decision_comment
            data = {"until": application.until.isoformat()} if to == State.GRANTED else {}
        events.append(
            event(
                VERBS[to],
                start + step * index,
                by=applicant if to in BY_APPLICANT else daect,
                before=before,
                after=to,
                comment=comment,
                data=data,
                application=application,
            )
        )
        before = to
    return events


def _members() -> tuple[User, User, User]:
    daect = User.objects.get(email="daect@demo.expe-ct.fr")
    colleagues = User.objects.filter(role=User.Role.DAECT, email__startswith="instruction@")
    committee = User.objects.filter(role=User.Role.DAECT, email__startswith="comite@")
    return daect, colleagues.first() or daect, committee.first() or daect


def seed_committees(today: date) -> dict[str, CommitteeSession]:
    daect, colleague, member = _members()
    sessions = {}
    for key, day in committee_dates(today).items():
        deadline = date(2022, 1, 16) if key == "2022" else day - timedelta(days=13)
        session, created = CommitteeSession.objects.get_or_create(
            date=day,
            defaults={
                "application_deadline": deadline,
                "place": "Paris, 57 boulevard des Invalides",
                "quorum": 2,
                "chair": daect,
            },
        )
        if created:
            session.members.add(daect, colleague, member)
            if day < today:
                Attendance.objects.bulk_create(
                    Attendance(session=session, member=person, status="present")
                    for person in {daect, colleague, member}
                )
        sessions[key] = session
    return sessions


def seed(stdout) -> None:
    from expect.accounts.demo import cast_member
    from expect.organisations.demo import demo_collectivity

    today = timezone.localdate()
    sessions = seed_committees(demo_day(today))
    daect = User.objects.get(email="daect@demo.expe-ct.fr")
    _lyon(today, daect)
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    created = 0
    for position, (kind, name, slug, key, state, fate) in enumerate(STORIES):
        collectivity = demo_collectivity(name, kind)
        theme = themes[slug]
        session = sessions.get(key)
        if _told(collectivity, theme, session, state):
            continue
        rng = day_rng(f"application-{name}-{slug}-{key}")
        referent = cast_member(collectivity)
        _story(rng, collectivity, theme, session, state, fate, referent, daect, today, position)
        created += 1
    _opinions(sessions["next"], daect)
    stdout.write(f"Labellisation: {len(sessions)} committees, {created} new dossiers.")


def _told(collectivity, theme, session, state) -> bool:
    stories = LabelApplication.objects.filter(collectivity=collectivity, theme=theme)
    if session is not None and state in (State.GRANTED, State.REFUSED, State.SCHEDULED):
        return stories.filter(committee=session).exists()
    return stories.filter(committee__isnull=True).exists()


def _story(rng, collectivity, theme, session, state, fate, referent, daect, today, position):
    if session is not None and session.date < today:
        submitted = moment(session.application_deadline - timedelta(days=rng.randint(10, 40)), 11)
        end = moment(session.date, 15)
    else:
        submitted = moment(today - timedelta(days=rng.randint(25, 60)), 11)
        # The last step a week ago or more: what waits for an answer is due a reminder.
        end = moment(today - timedelta(days=rng.randint(8, 15)), 16)
    expertise, actions = expertise_text(rng, theme.slug, collectivity.name)
    decided = state in (State.GRANTED, State.REFUSED)
    application = LabelApplication(
        collectivity=collectivity,
        theme=theme,
        state=state,
        expertise=expertise,
        territory_actions=actions,
        commitment=True,
        committee=session if state in (State.GRANTED, State.REFUSED, State.SCHEDULED) else None,
        decision_session=session if decided else None,
        decision_reason=(GRANT_REASON if state == State.GRANTED else REFUSE_REASON)
        if decided
        else "",
        created_by=referent,
        created_at=submitted - timedelta(days=12),
        submitted_at=submitted if state != State.DRAFT else None,
        decided_at=end if decided or state == State.WITHDRAWN else None,
        assigned_to=daect if state not in (State.DRAFT, State.WITHDRAWN) else None,
    )
    application.save()
    application.committee_date = session.date if session else None
    application.decision_comment = (
        f"Décision du {session}. {application.decision_reason}" if decided else ""
    )
    application.until = session.date + LABEL_VALIDITY if session else today
    events = application_events(application, applicant=referent.pk, daect=daect.pk, end=end)
    _evidence(rng, application, collectivity, position)
    if state == State.GRANTED:
        events += _label(rng, application, session.date, fate, daect, today)
    save_events(events)


def _evidence(rng, application, collectivity, position) -> None:
    from expect.accounts.demo import cast_member

    code = list(COUNTRIES)[position % len(COUNTRIES)]
    country, _language, _embassy, _city, partners = COUNTRIES[code]
    partner = partners[position % len(partners)][0]
    start = 2008 + position % 12
    CooperationProject.objects.create(
        application=application,
        country=code,
        partner=partner,
        start_year=start,
        end_year=start + rng.randint(2, 8),
        description=f"Coopération décentralisée avec {partner} ({country}).",
    )
    expert = cast_member(collectivity, expert=True)
    ProposedExpert.objects.create(
        application=application,
        name=expert.get_full_name(),
        position=expert.position,
        email=expert.email,
    )


def _label(rng, application, granted_on, fate, daect, today):
    until = granted_on + LABEL_VALIDITY
    state = Label.State.EXPIRED if until < today else Label.State.ACTIVE
    reason = ""
    if fate == "suspended":
        state, reason = Label.State.SUSPENDED, "Mission de 2025 annulée sans motif ; en attente."
    elif fate == "revoked":
        state, reason = Label.State.REVOKED, "La collectivité a demandé le retrait de son label."
    label = Label.objects.create(
        collectivity=application.collectivity,
        theme=application.theme,
        application=application,
        granted_on=granted_on,
        valid_until=until,
        state=state,
        state_reason=reason,
        verification_code=verification_code(rng),
    )
    events = []
    if state == Label.State.EXPIRED:
        events.append(
            event(
                Verb.LABEL_EXPIRED,
                moment(until + timedelta(days=1), 5, 5),
                before=Label.State.ACTIVE,
                after=Label.State.EXPIRED,
                label=label,
                application=application,
            )
        )
    elif state in (Label.State.SUSPENDED, Label.State.REVOKED):
        verb = Verb.LABEL_SUSPENDED if state == Label.State.SUSPENDED else Verb.LABEL_REVOKED
        at = moment(min(today - timedelta(days=20), until), 14)
        events.append(
            event(
                verb,
                at,
                by=daect,
                before=Label.State.ACTIVE,
                after=state,
                comment=reason,
                label=label,
                application=application,
            )
        )
    return events


def _lyon(today: date, daect: User) -> None:
    """Lyon's label on local governance, granted case by case 200 days ago: the README's
    accounts find it, and the browser journeys propose needs to it."""
    lyon = Collectivity.objects.get(siren=LYON)
    theme = Theme.objects.get(slug="gouvernance-locale-decentralisation")
    if Label.objects.filter(collectivity=lyon, theme=theme).exists():
        return
    referent = User.objects.get(email="referent@demo.expe-ct.fr")
    granted = today - timedelta(days=200)
    application = LabelApplication.objects.create(
        collectivity=lyon,
        theme=theme,
        created_by=referent,
        commitment=True,
        state=State.GRANTED,
        created_at=moment(granted - timedelta(days=45), 9),
        submitted_at=moment(granted - timedelta(days=30), 11),
        decided_at=moment(granted, 15),
        decision_reason=GRANT_REASON,
        expertise="Démocratie participative et budgets participatifs d’arrondissement : "
        "la Ville de Lyon associe les habitants aux choix d’investissement depuis 2015.",
        territory_actions="Budget participatif de neuf arrondissements, conseils de quartier, "
        "votations citoyennes et formation des agents à la concertation.",
    )
    application.committee_date = None
    application.decision_comment = f"Décision au fil de l’eau, hors comité. {GRANT_REASON}"
    application.until = granted + LABEL_VALIDITY
    events = application_events(
        application, applicant=referent.pk, daect=daect.pk, end=moment(granted, 15)
    )
    # Case by case: no committee, so no scheduling step.
    events = [e for e in events if e["verb"] != Verb.APPLICATION_SCHEDULED]
    events[-1]["from_state"] = State.IN_REVIEW
    Label.objects.create(
        collectivity=lyon,
        theme=theme,
        application=application,
        granted_on=granted,
        valid_until=granted + LABEL_VALIDITY,
        verification_code=verification_code(day_rng("label-lyon")),
    )
    save_events(events)


def _opinions(session: CommitteeSession, daect: User) -> None:
    """On the next committee's agenda: an opinion given by the embassy, one awaited."""
    agenda = list(session.applications.order_by("pk")[:2])
    if len(agenda) < 2 or Opinion.objects.filter(application__in=agenda).exists():
        return
    embassy = User.objects.get(email="ambassade@demo.expe-ct.fr")
    colleague = User.objects.filter(email__startswith="comite@").first() or daect
    now = timezone.now()
    Opinion.objects.create(
        application=agenda[0],
        requested_from=colleague,
        requested_by=daect,
        requested_at=now - timedelta(days=6),
        question="L’expertise vous paraît-elle transférable au Sénégal ?",
        recommendation=Opinion.Recommendation.FAVOURABLE,
        text="Partenaires sérieux, expertise attendue par plusieurs communes.",
        given_at=now - timedelta(days=2),
        conflict=Opinion.Conflict.NONE,
    )
    Opinion.objects.create(
        application=agenda[1],
        requested_from=embassy,
        requested_by=daect,
        requested_at=now - timedelta(days=9),
        question="Les collectivités sénégalaises ont-elles exprimé ce besoin ?",
    )
    save_events(
        [
            event(
                Verb.OPINION_REQUESTED,
                now - timedelta(days=6),
                by=daect,
                data={"person": colleague.get_full_name()},
                application=agenda[0],
            ),
            event(Verb.OPINION_GIVEN, now - timedelta(days=2), by=colleague, application=agenda[0]),
            event(
                Verb.OPINION_REQUESTED,
                now - timedelta(days=9),
                by=daect,
                data={"person": embassy.get_full_name()},
                application=agenda[1],
            ),
        ]
    )


# At national scale: of 7,200 dossiers, 5,000 granted; the others at every step.
SCALE_STATES = [
    (State.GRANTED, 694),
    (State.DRAFT, 40),
    (State.SUBMITTED, 50),
    (State.IN_REVIEW, 50),
    (State.INFO_REQUESTED, 30),
    (State.RESUBMITTED, 20),
    (State.SCHEDULED, 30),
    (State.REFUSED, 50),
    (State.WITHDRAWN, 36),
]


def _scale_state(rng) -> str:
    pick = rng.randrange(sum(weight for _state, weight in SCALE_STATES))
    for state, weight in SCALE_STATES:
        if pick < weight:
            return state
        pick -= weight
    return State.GRANTED


def seed_scale(n: int, stdout) -> None:
    """One dossier per five generated collectivities, in every state; two in three are
    granted, their labels granted over four years (those over three years old expired,
    a few suspended or revoked)."""
    from expect.organisations.demo import scale_collectivity_ids

    ids = scale_collectivity_ids(n)
    themes = list(Theme.objects.order_by("position", "pk").values_list("pk", flat=True))
    creators = dict(
        User.objects.filter(email__startswith="scale-", membership__isnull=False).values_list(
            "membership__collectivity_id", "pk"
        )
    )
    daect = User.objects.get(email="daect@demo.expe-ct.fr")
    upcoming = CommitteeSession.objects.open_on(timezone.localdate()).first()
    today = timezone.localdate()
    existing = set(LabelApplication.objects.values_list("collectivity_id", flat=True))
    wanted = [
        (position, pk)
        for position, pk in enumerate(ids)
        if applies(position) and pk not in existing and pk in creators
    ]
    applications = labels = 0
    for chunk in chunks(wanted):
        built = [
            _scale_application(position, pk, themes, creators[pk], daect, upcoming, today)
            for position, pk in chunk
        ]
        LabelApplication.objects.bulk_create([a for a, _rng in built], batch_size=2000)
        events, new_labels = [], []
        for application, rng in built:
            end = application.decided_at or moment(today - timedelta(days=rng.randint(1, 20)), 10)
            events += application_events(
                application, applicant=application.created_by_id, daect=daect.pk, end=end
            )
            if application.state == State.GRANTED:
                new_labels.append(_scale_label(rng, application, today))
        Label.objects.bulk_create(new_labels, batch_size=2000)
        for label in new_labels:
            events += _label_fate_events(label, daect)
        save_events(events)
        applications += len(built)
        labels += len(new_labels)
    fill_references(LabelApplication)
    stdout.write(f"Scale: {applications} applications, {labels} labels.")


def _scale_application(position, pk, themes, creator, daect, upcoming, today):
    rng = day_rng(f"scale-application-{pk}")
    state = _scale_state(rng)
    if state == State.SCHEDULED and upcoming is None:
        state = State.IN_REVIEW
    submitted = moment(today - timedelta(days=rng.randint(15, 1500)), 11)
    decided = None
    if state in (State.GRANTED, State.REFUSED, State.WITHDRAWN):
        decided = min(submitted + timedelta(days=rng.randint(30, 90)), moment(today, 9))
    application = LabelApplication(
        collectivity_id=pk,
        theme_id=themes[position // 5 % len(themes)],
        state=state,
        expertise=f"Expertise de la collectivité n°{pk} sur son territoire.",
        commitment=True,
        committee=upcoming if state == State.SCHEDULED else None,
        decision_reason=GRANT_REASON if state == State.GRANTED else "",
        created_by_id=creator,
        created_at=submitted - timedelta(days=10),
        submitted_at=submitted if state != State.DRAFT else None,
        decided_at=decided,
        assigned_to=daect if rng.random() < 0.5 and state not in PATHS_CLOSED else None,
    )
    application.committee_date = upcoming.date if upcoming and state == State.SCHEDULED else None
    application.decision_comment = GRANT_REASON if state == State.GRANTED else ""
    application.until = (decided.date() + LABEL_VALIDITY) if decided else today
    if state in (State.GRANTED, State.REFUSED):
        application.decision_comment = (
            f"Décision au fil de l’eau, hors comité. {application.decision_reason}"
        )
    return application, rng


PATHS_CLOSED = (State.GRANTED, State.REFUSED, State.WITHDRAWN, State.DRAFT)


def _scale_label(rng, application: LabelApplication, today: date) -> Label:
    granted_on = application.decided_at.date()
    until = granted_on + LABEL_VALIDITY
    state = Label.State.EXPIRED if until < today else Label.State.ACTIVE
    roll = rng.random()
    if state == Label.State.ACTIVE and roll < 0.02:
        state = Label.State.SUSPENDED
    elif state == Label.State.ACTIVE and roll < 0.03:
        state = Label.State.REVOKED
    return Label(
        collectivity_id=application.collectivity_id,
        theme_id=application.theme_id,
        application=application,
        granted_on=granted_on,
        valid_until=until,
        state=state,
        verification_code=verification_code(rng),
    )


def _label_fate_events(label: Label, daect: User) -> list:
    verbs = {
        Label.State.EXPIRED: (Verb.LABEL_EXPIRED, None, label.valid_until + timedelta(days=1)),
        Label.State.SUSPENDED: (Verb.LABEL_SUSPENDED, daect, label.granted_on + timedelta(days=90)),
        Label.State.REVOKED: (Verb.LABEL_REVOKED, daect, label.granted_on + timedelta(days=120)),
    }
    if label.state not in verbs:
        return []
    verb, by, day = verbs[label.state]
    return [
        event(
            verb,
            moment(min(day, timezone.localdate()), 5, 5),
            by=by,
            before=Label.State.ACTIVE,
            after=label.state,
            label=label,
            application_id=label.application_id,
        )
    ]
