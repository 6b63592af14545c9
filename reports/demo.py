"""Demo mission reports: published in the library, handed in, sent back, in draft.

Every mission back long enough has its report, written from the theme's vocabulary
(2 to 5 KB of French: context, activities, results, recommendations, follow-up,
lessons) and evaluated by DAECT; the closed ones are accepted and, but for one,
published. `seed_scale` does the same in bulk for the generated missions (20,000
published reports for 36,000 collectivities).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from expect.accounts.models import User
from expect.core.demo import chunks, day_rng, event, insert_rows, later, moment, save_events
from expect.core.demo_texts import COUNTRIES, report_texts
from expect.core.models import Event
from missions.models import Mission

from .models import EmbassyComment, MissionReport

MState = Mission.State
RState = MissionReport.State
Verb = Event.Verb
WITH_REPORT = (MState.CLOSED, MState.REPORT_SUBMITTED, MState.REPORT_DUE)
REVISION = "Ajoutez les recommandations au partenaire et le calendrier de la suite proposée."
EVALUATION = "Rapport clair et documenté ; les recommandations sont directement utilisables."
# The showcase's report sent back for a revision (the others due are drafts).
REVISED = "Commune urbaine de Toamasina"
# A closed mission whose report is accepted but kept out of the library.
UNPUBLISHED = "Commune de Ouidah"
# One in seventeen closed missions' reports stays out of the library at national scale.
UNPUBLISHED_SHARE = 1 / 17


def _rows(missions):
    """What a report needs to know of its mission, in one query."""
    return missions.values(
        "pk",
        "state",
        "return_date",
        "report_due_on",
        "departure_date",
        "collectivity__name",
        "request__partner_name",
        "request__partner_place",
        "request__country",
        "request__theme__slug",
        "request__working_language_id",
        "request__embassy_id",
    )


def _experts(mission_ids) -> dict[int, int]:
    Team = Mission.experts.through
    rows = Team.objects.filter(mission_id__in=mission_ids).order_by("pk")
    experts: dict[int, int] = {}
    for mission_id, user_id in rows.values_list("mission_id", "user_id"):
        experts.setdefault(mission_id, user_id)
    return experts


def build(rows, *, daect: int, now, published_share: float = 1.0, seed: str = "") -> tuple:
    """Reports and their events for these missions (rows of `_rows`)."""
    experts = _experts([row["pk"] for row in rows])
    reports, plans = [], []
    for row in rows:
        # The showcase's reports are drawn by partner, the generated ones by mission.
        rng = day_rng(f"report-{seed}{row['pk'] if seed else row['request__partner_name']}")
        state, published = _state(rng, row, published_share, showcase=not seed)
        submitted = min(
            moment(row["return_date"] + timedelta(days=rng.randint(20, 75)), 17),
            now - timedelta(days=3 if state == RState.SUBMITTED else 12),
        )
        country = COUNTRIES.get(row["request__country"], ("",))[0]
        texts = report_texts(
            rng,
            slug=row["request__theme__slug"],
            partner=row["request__partner_name"],
            place=row["request__partner_place"],
            country=country,
            collectivity=row["collectivity__name"],
            days=(row["return_date"] - row["departure_date"]).days,
            experts=rng.randint(1, 3),
            language=row["request__working_language_id"],
        )
        if state == RState.DRAFT:
            texts = {"summary": texts["summary"], "activities": texts["activities"]}
        handed_in = state != RState.DRAFT
        evaluated = later(submitted, rng.randint(5, 9)) if state == RState.ACCEPTED else None
        reports.append(
            MissionReport(
                mission_id=row["pk"],
                state=state,
                **texts,
                submitted_at=submitted if handed_in else None,
                submitted_by_id=experts.get(row["pk"]) if handed_in else None,
                is_late=handed_in and submitted.date() > row["report_due_on"],
                rating=rng.choice([3, 3, 4, 4, 4, 2]) if evaluated else None,
                evaluation=EVALUATION if evaluated else "",
                evaluated_at=evaluated,
                is_published=published,
                published_at=later(evaluated, 2) if published else None,
                created_at=moment(row["return_date"] + timedelta(days=3), 9),
            )
        )
        plans.append((row, experts.get(row["pk"]), submitted))
    return reports, plans


def _state(rng, row, published_share: float, *, showcase: bool) -> tuple[str, bool]:
    if row["state"] == MState.CLOSED:
        keep_out = row["request__partner_name"] == UNPUBLISHED or rng.random() > published_share
        return RState.ACCEPTED, not keep_out
    if row["state"] == MState.REPORT_SUBMITTED:
        return RState.SUBMITTED, False
    # Report due again: sent back for a revision, or still a draft.
    if showcase:
        revised = row["request__partner_name"] == REVISED
        return (RState.REVISION_REQUESTED if revised else RState.DRAFT), False
    return (RState.REVISION_REQUESTED if rng.random() < 0.5 else RState.DRAFT), False


def report_events(report: MissionReport, expert: int | None, daect: int) -> list[dict]:
    subjects = {"report": report, "mission_id": report.mission_id}
    if report.state == RState.DRAFT:
        return []
    events = [
        event(
            Verb.REPORT_SUBMITTED,
            report.submitted_at,
            by=expert,
            before=RState.DRAFT,
            after=RState.SUBMITTED,
            **subjects,
        )
    ]
    if report.state == RState.REVISION_REQUESTED:
        events.append(
            event(
                Verb.REPORT_REVISION_REQUESTED,
                later(report.submitted_at, 6),
                by=daect,
                before=RState.SUBMITTED,
                after=RState.REVISION_REQUESTED,
                comment=REVISION,
                **subjects,
            )
        )
    if report.state == RState.ACCEPTED:
        events.append(
            event(
                Verb.REPORT_ACCEPTED,
                report.evaluated_at,
                by=daect,
                before=RState.SUBMITTED,
                after=RState.ACCEPTED,
                comment=report.evaluation,
                **subjects,
            )
        )
    if report.is_published:
        events.append(event(Verb.REPORT_PUBLISHED, report.published_at, by=daect, **subjects))
    return events


def write(rows, *, daect: int, published_share: float = 1.0, seed: str = "") -> list:
    now = timezone.now()
    reports, plans = build(rows, daect=daect, now=now, published_share=published_share, seed=seed)
    _insert(reports, now)
    events = []
    for report, (_row, expert, _submitted) in zip(reports, plans, strict=True):
        events += report_events(report, expert, daect)
    save_events(events)
    return reports


def _insert(reports: list[MissionReport], now) -> None:
    """bulk_create, or on PostgreSQL COPY (the reports are most of the national seed's
    bytes) and their ids read back by mission, one report per mission."""
    if connection.vendor != "postgresql":
        MissionReport.objects.bulk_create(reports, batch_size=1000)
        return
    fields = [f for f in MissionReport._meta.concrete_fields if not f.primary_key]
    rows = [{f.attname: getattr(report, f.attname) for f in fields} for report in reports]
    for row in rows:
        row["updated_at"] = now  # auto_now, which only save() fills in
    insert_rows(MissionReport, rows)
    missions = [report.mission_id for report in reports]
    ids = dict(
        MissionReport.objects.filter(mission_id__in=missions).values_list("mission_id", "pk")
    )
    for report in reports:
        report.pk = ids[report.mission_id]


def seed(stdout) -> None:
    daect = User.objects.get(email="daect@demo.expe-ct.fr").pk
    missions = Mission.objects.filter(state__in=WITH_REPORT, report__isnull=True).exclude(
        request__created_by__email__contains="scale-"
    )
    reports = write(list(_rows(missions.order_by("pk"))), daect=daect)
    _comments(reports)
    published = sum(report.is_published for report in reports)
    stdout.write(f"Reports: {len(reports)} new reports, {published} published.")


def _comments(reports: list[MissionReport]) -> None:
    """The embassy's word on the handed-in reports of its countries."""
    handed_in = [r for r in reports if r.state != RState.DRAFT]
    agents = {
        embassy_id: pk
        for pk, embassy_id in User.objects.filter(role=User.Role.EMBASSY)
        .exclude(email__contains="scale-")
        .order_by("pk")
        .values_list("pk", "embassy_id")
    }
    embassies = dict(
        Mission.objects.filter(pk__in=[r.mission_id for r in handed_in]).values_list(
            "pk", "request__embassy_id"
        )
    )
    EmbassyComment.objects.bulk_create(
        EmbassyComment(
            report=report,
            author_id=agents[embassies[report.mission_id]],
            text="Le partenaire salue la qualité du travail et souhaite une mission de suivi.",
            at=later(report.submitted_at, 4),
        )
        for report in handed_in[::2]
        if embassies.get(report.mission_id) in agents
    )


def seed_scale(n: int, stdout) -> None:
    """The generated missions back long enough have their report: published for most of
    the closed ones, handed in, sent back or in draft for the others."""
    daect = User.objects.get(email="daect@demo.expe-ct.fr").pk
    missions = Mission.objects.filter(
        state__in=WITH_REPORT,
        report__isnull=True,
        request__created_by__email__startswith="ambassade-scale-",
    ).order_by("pk")
    ids = list(missions.values_list("pk", flat=True))
    written = published = 0
    for chunk in chunks(ids, 1000):
        rows = list(_rows(Mission.objects.filter(pk__in=chunk).order_by("pk")))
        reports = write(rows, daect=daect, published_share=1 - UNPUBLISHED_SHARE, seed="scale-")
        written += len(reports)
        published += sum(report.is_published for report in reports)
    stdout.write(f"Scale: {written} reports, {published} published.")
