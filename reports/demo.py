"""A published report for the closed demo mission of Lyon in Thiès."""

from __future__ import annotations

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
