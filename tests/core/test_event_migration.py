"""The rows of the three former history tables become rows of the one event table."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from expect.core.models import Event
from tests.accounts.factories import UserFactory
from tests.labellisation.factories import LabelApplicationFactory, LabelFactory
from tests.missions.factories import MissionFactory, MissionProposalFactory
from tests.reports.factories import MissionReportFactory

BEFORE = [
    ("core", None),
    ("labellisation", "0002_history_and_archive"),
    ("missions", "0002_history_and_archive"),
    ("reports", "0002_history_and_archive"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    nodes = [target for target in targets if target[1] is not None]
    return executor.loader.project_state(nodes).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_the_old_rows_are_copied_with_a_verb_and_read_as_sentences():
    actor = UserFactory(first_name="Anne", last_name="Martin")
    application = LabelApplicationFactory(state="granted")
    label = LabelFactory(application=application, collectivity=application.collectivity)
    mission = MissionFactory()
    need = mission.request
    declined = MissionProposalFactory(request=need, state="declined", answered_by=actor)
    report = MissionReportFactory(mission=mission)
    try:
        old = _migrate(BEFORE)
        ApplicationEvent = old.get_model("labellisation", "ApplicationEvent")
        MissionEvent = old.get_model("missions", "MissionEvent")
        ReportEvent = old.get_model("reports", "ReportEvent")
        common = {"actor_id": actor.pk}
        ApplicationEvent.objects.create(
            application_id=application.pk,
            kind="transition",
            from_state="submitted",
            to_state="info_requested",
            comment="Budget ?",
            **common,
        )
        ApplicationEvent.objects.create(
            application_id=application.pk, kind="note", comment="Solide.", is_public=False, **common
        )
        ApplicationEvent.objects.create(
            application_id=application.pk,
            kind="transition",
            from_state="label:active",
            to_state="label:suspended",
            **common,
        )
        MissionEvent.objects.create(
            request_id=need.pk,
            subject="request",
            from_state="matched",
            to_state="mission",
            **common,
        )
        MissionEvent.objects.create(
            request_id=need.pk, subject="mission", from_state="", to_state="planned", **common
        )
        MissionEvent.objects.create(
            request_id=need.pk,
            subject="mission",
            from_state="planned",
            to_state="planned",
            comment="05/01/2030 → 12/01/2030, Dakar",
            **common,
        )
        MissionEvent.objects.create(
            request_id=need.pk,
            subject="proposal",
            from_state="open",
            to_state="declined",
            comment="Pas disponible",
            **common,
        )
        ReportEvent.objects.create(
            report_id=report.pk, from_state="accepted", to_state="published", **common
        )
    finally:
        _migrate(_latest())

    events = {event.verb: event for event in Event.objects.all()}
    assert set(events) == {
        "application.info_requested",
        "application.note",
        "label.suspended",
        "mission.created",
        "mission.dates_set",
        "proposal.declined",
        "report.published",
    }  # the "mission created" row of the confirmation is folded into the need's
    assert events["application.info_requested"].text == (
        "Compléments demandés par Anne Martin : Budget ?"
    )
    assert events["application.note"].is_public is False
    suspended = events["label.suspended"]
    assert (suspended.label_id, suspended.from_state, suspended.to_state) == (
        label.pk,
        "active",
        "suspended",
    )
    dates = events["mission.dates_set"]
    assert (dates.kind, dates.from_state, dates.to_state, dates.mission_id) == (
        "change",
        "",
        "",
        mission.pk,
    )
    assert events["mission.created"].mission_id == mission.pk
    refusal = events["proposal.declined"]
    assert (refusal.proposal_id, refusal.comment) == (declined.pk, "Pas disponible")
    published = events["report.published"]
    assert (published.kind, published.report_id, published.mission_id) == (
        "change",
        report.pk,
        mission.pk,
    )
