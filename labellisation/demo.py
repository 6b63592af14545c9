"""Demo selection committees and a granted label for the Ville de Lyon."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from expect.accounts.models import User
from expect.core.references import fill_references
from expect.organisations.models import Collectivity, Theme

from .models import LABEL_VALIDITY, CommitteeSession, Label, LabelApplication

LYON = "216901231"


def seed(stdout) -> None:
    today = timezone.localdate()
    # The committee announced in the programme's communiqué of 8 December 2021.
    CommitteeSession.objects.get_or_create(
        date=date(2022, 1, 27), defaults={"application_deadline": date(2022, 1, 16)}
    )
    CommitteeSession.objects.get_or_create(
        date=today + timedelta(days=45),
        defaults={"application_deadline": today + timedelta(days=30), "place": "Paris"},
    )
    lyon = Collectivity.objects.get(siren=LYON)
    theme = Theme.objects.get(slug="gouvernance-locale-decentralisation")
    if not Label.objects.filter(collectivity=lyon, theme=theme).exists():
        referent = User.objects.get(email="referent@demo.expe-ct.fr")
        application = LabelApplication.objects.create(
            collectivity=lyon,
            theme=theme,
            created_by=referent,
            commitment=True,
            state=LabelApplication.State.GRANTED,
            submitted_at=timezone.now(),
            decided_at=timezone.now(),
            expertise="Démocratie participative et budgets participatifs d’arrondissement.",
        )
        granted = today - timedelta(days=200)
        Label.objects.create(
            collectivity=lyon,
            theme=theme,
            application=application,
            granted_on=granted,
            valid_until=granted + LABEL_VALIDITY,
        )
    stdout.write("Labellisation: 2 committees, 1 label for Lyon.")


def seed_scale(n: int, stdout) -> None:
    """One application per generated collectivity; two in three are granted."""
    from expect.organisations.demo import scale_collectivities

    collectivities = scale_collectivities(n)
    themes = list(Theme.objects.all())
    creators = dict(
        User.objects.filter(email__startswith="scale-").values_list(
            "membership__collectivity_id", "pk"
        )
    )
    rng = random.Random(n)
    today = timezone.localdate()
    existing = set(LabelApplication.objects.values_list("collectivity_id", flat=True))
    applications = []
    for collectivity in collectivities:
        if collectivity.pk in existing or collectivity.pk not in creators:
            continue
        granted = rng.random() < 2 / 3
        applications.append(
            LabelApplication(
                collectivity=collectivity,
                theme=rng.choice(themes),
                created_by_id=creators[collectivity.pk],
                commitment=True,
                expertise="Expertise de démonstration.",
                submitted_at=timezone.now(),
                state=LabelApplication.State.GRANTED
                if granted
                else LabelApplication.State.SUBMITTED,
            )
        )
    LabelApplication.objects.bulk_create(applications, batch_size=1000)
    fill_references(LabelApplication)
    labels = []
    for application in applications:
        if application.state == LabelApplication.State.GRANTED:
            granted_on = today - timedelta(days=rng.randint(0, 1000))
            labels.append(
                Label(
                    collectivity=application.collectivity,
                    theme=application.theme,
                    application=application,
                    granted_on=granted_on,
                    valid_until=granted_on + LABEL_VALIDITY,
                )
            )
    Label.objects.bulk_create(labels, batch_size=1000)
    stdout.write(f"Scale: {len(applications)} applications, {len(labels)} labels.")
