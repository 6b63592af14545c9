"""A published report for the closed demo mission of Lyon in Thiès."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from missions.models import Mission

from .models import MissionReport


def seed(stdout) -> None:
    mission = Mission.objects.filter(request__partner_name="Ville de Thiès").first()
    if mission is None or hasattr(mission, "report"):
        return
    MissionReport.objects.create(
        mission=mission,
        state=MissionReport.State.ACCEPTED,
        rating=4,
        summary="Les experts de Lyon ont accompagné la Ville de Thiès dans la conception de "
        "son premier budget participatif.",
        activities="Ateliers avec les élus et les services ; visites de quartiers.",
        results="Un règlement du budget participatif adopté ; trois quartiers pilotes.",
        recommendations="Associer les associations de quartier dès la conception.",
        follow_up="Une mission de suivi après le premier vote des habitants.",
        lessons="Prévoir un temps de traduction en wolof pour les réunions publiques.",
        submitted_at=timezone.now(),
        evaluated_at=timezone.now(),
        is_published=True,
        published_at=timezone.now(),
    )
    stdout.write("Reports: 1 published report.")


# Words of the generated reports, so that the library's full-text search has matter.
_TOPICS = (
    ("budget participatif", "ateliers avec les habitants et les élus"),
    ("gestion des déchets", "plan de collecte et tri à la source"),
    ("eau potable", "régie municipale et tarification sociale"),
    ("état civil", "numérisation des registres et formation des agents"),
    ("mobilité urbaine", "schéma des transports et pistes cyclables"),
    ("patrimoine", "inventaire et valorisation touristique"),
)


def seed_scale(n: int, stdout) -> None:
    """The generated missions whose report was due over a month ago are closed, with an
    accepted and published report; the others keep waiting for theirs."""
    today = timezone.localdate()
    missions = list(
        Mission.objects.filter(
            place="Demo",
            state=Mission.State.RETURNED,
            report_due_on__lt=today - timedelta(days=30),
            report__isnull=True,
        )[: max(n // 4, 1)]
    )
    rng = random.Random(n)
    now = timezone.now()
    reports = []
    for mission in missions:
        topic, activity = rng.choice(_TOPICS)
        reports.append(
            MissionReport(
                mission=mission,
                state=MissionReport.State.ACCEPTED,
                rating=rng.randint(2, 4),
                summary=f"Appui de la collectivité sur le thème : {topic}.",
                activities=f"Mission de terrain : {activity}.",
                results=f"Des recommandations adoptées sur {topic}.",
                lessons=f"Associer tôt les partenaires locaux ({topic}).",
                submitted_at=now,
                evaluated_at=now,
                is_published=True,
                published_at=now,
            )
        )
    MissionReport.objects.bulk_create(reports, batch_size=1000)
    Mission.objects.filter(pk__in=[m.pk for m in missions]).update(state=Mission.State.CLOSED)
    stdout.write(f"Scale: {len(reports)} published reports.")
