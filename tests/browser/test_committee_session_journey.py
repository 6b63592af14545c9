"""The chair of today's committee reads the dossiers with their opinions side by side and
records the decisions of the session on one screen."""

import datetime

import pytest
from django.utils import timezone

from expect.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from expect.accounts.models import User
from labellisation.models import Attendance, CommitteeSession, LabelApplication, Opinion
from tests.accounts.factories import EmbassyAgentFactory, UserFactory
from tests.labellisation.factories import LabelApplicationFactory

pytestmark = pytest.mark.usefixtures("demo")
State = LabelApplication.State


def _todays_session() -> tuple[CommitteeSession, LabelApplication]:
    today = timezone.localdate()
    chair = User.objects.get(email=f"daect@{DEMO_DOMAIN}")
    session, _ = CommitteeSession.objects.update_or_create(
        date=today,
        defaults={
            "application_deadline": today - datetime.timedelta(days=10),
            "quorum": 2,
            "chair": chair,
            "place": "Paris, salle Ader",
        },
    )
    members = [UserFactory(last_name="Membre-Un"), UserFactory(last_name="Membre-Deux")]
    session.members.add(*members)
    for member in members:
        Attendance.objects.create(session=session, member=member, status="present")
    dossier = LabelApplicationFactory(
        committee=session,
        state=State.SCHEDULED,
        submitted_at=timezone.now() - datetime.timedelta(days=20),
    )
    Opinion.objects.create(
        application=dossier,
        requested_from=EmbassyAgentFactory(first_name="Inès", last_name="Poste"),
        requested_by=chair,
        recommendation="favourable",
        text="Partenaire sérieux et attendu.",
        given_at=timezone.now(),
        conflict="none",
    )
    return session, dossier


def test_the_chair_records_the_decisions_of_the_session(visitor):
    session, dossier = _todays_session()
    visitor.sign_in(f"daect@{DEMO_DOMAIN}", DEMO_PASSWORD)

    page = visitor.goto(f"/comites/{session.pk}/")
    assert "Partenaire sérieux et attendu." in page.content()
    assert "Favorable : 1" in page.content()
    page.get_by_label("Décision").first.select_option(label="Accorder")
    page.get_by_label("Motif").first.fill("Expertise reconnue par le comité.")
    page = visitor.click("Enregistrer les décisions de la séance")

    assert "décision(s) enregistrée(s)" in page.content()
    dossier.refresh_from_db()
    assert dossier.state == State.GRANTED and dossier.decision_session == session
