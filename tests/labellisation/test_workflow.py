"""The life of a label application, from draft to label, and every refusal on the way."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from labellisation import services
from labellisation.models import Label, LabelApplication
from tests.accounts.factories import MembershipFactory
from tests.labellisation.factories import (
    CommitteeSessionFactory,
    LabelApplicationFactory,
    complete_application,
)

pytestmark = pytest.mark.django_db
State = LabelApplication.State


@pytest.fixture
def draft(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return complete_application()


def _submitted(draft):
    return services.application_submit(application=draft, by=draft.created_by)


def test_it_submits_a_complete_draft_and_records_who_did_it(draft):
    application = _submitted(draft)
    assert application.state == State.SUBMITTED
    assert application.submitted_at is not None
    event = application.events.get()
    assert (event.actor, event.from_state, event.to_state) == (
        draft.created_by,
        "draft",
        "submitted",
    )


def test_it_refuses_to_submit_without_the_commitment_letter(draft):
    draft.attachments.all().delete()
    with pytest.raises(ValidationError, match="engagement signée"):
        _submitted(draft)
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    assert not draft.events.exists()


def test_it_refuses_to_submit_without_the_commitment(draft):
    LabelApplication.objects.filter(pk=draft.pk).update(commitment=False)
    with pytest.raises(ValidationError, match="Engagement|engagement"):
        _submitted(draft)


def test_another_collectivity_cannot_submit(draft):
    stranger = MembershipFactory(state="active").user
    with pytest.raises(PermissionDenied):
        services.application_submit(application=draft, by=stranger)


def test_a_pending_member_of_the_same_collectivity_cannot_submit(draft):
    pending = MembershipFactory(collectivity=draft.collectivity).user
    with pytest.raises(PermissionDenied):
        services.application_submit(application=draft, by=pending)


def test_a_submitted_dossier_is_frozen_for_the_applicant(draft):
    application = _submitted(draft)
    assert not application.is_editable
    with pytest.raises(ValidationError):
        _submitted(application)


def test_it_goes_on_the_next_open_committee(draft):
    CommitteeSessionFactory(
        date=datetime.date(2027, 1, 27), application_deadline=datetime.date(2027, 1, 16)
    )
    later = CommitteeSessionFactory(
        date=datetime.date(2027, 4, 1), application_deadline=datetime.date(2027, 3, 20)
    )
    with time_machine.travel(datetime.datetime(2027, 1, 17, 10, tzinfo=datetime.UTC)):
        application = _submitted(draft)
    assert application.committee == later


def test_the_full_journey_ends_with_a_label_valid_three_years_to_the_day(draft, daect):
    application = _submitted(draft)
    services.application_start_review(application=application, by=daect)
    services.application_request_info(
        application=application, by=daect, comment="Précisez les actions menées."
    )
    services.application_resubmit(
        application=application, by=draft.created_by, comment="Voir la description complétée."
    )
    services.application_start_review(application=application, by=daect)
    committee = CommitteeSessionFactory(
        date=datetime.date(2099, 1, 27), application_deadline=datetime.date(2099, 1, 16)
    )
    services.application_schedule(application=application, by=daect, committee=committee)
    label = services.application_grant(
        application=application, by=daect, on=datetime.date(2028, 2, 29)
    )
    assert label.valid_until == datetime.date(2031, 2, 28)
    assert label.is_valid_on(datetime.date(2030, 6, 1))
    states = list(application.events.values_list("to_state", flat=True))
    assert states == [
        "submitted",
        "in_review",
        "info_requested",
        "resubmitted",
        "in_review",
        "scheduled",
        "granted",
    ]


def test_a_request_for_information_needs_a_question(draft, daect):
    application = _submitted(draft)
    with pytest.raises(ValidationError):
        services.application_request_info(application=application, by=daect, comment=" ")


def test_the_applicant_cannot_decide(draft):
    application = _submitted(draft)
    with pytest.raises(PermissionDenied):
        services.application_start_review(application=application, by=draft.created_by)


def test_a_decision_is_refused_from_a_draft(draft, daect):
    with pytest.raises(ValidationError, match="pas possible"):
        services.application_grant(application=draft, by=daect)
    assert not Label.objects.exists()


def test_a_late_dossier_needs_an_explicit_acceptance(draft, daect):
    past = CommitteeSessionFactory(
        date=datetime.date(2020, 1, 27), application_deadline=datetime.date(2020, 1, 16)
    )
    application = _submitted(draft)
    services.application_start_review(application=application, by=daect)
    with pytest.raises(ValidationError, match="après la date limite"):
        services.application_schedule(application=application, by=daect, committee=past)
    services.application_schedule(
        application=application, by=daect, committee=past, accept_late=True
    )
    application.refresh_from_db()
    assert application.accepted_late and application.committee == past


def test_a_refusal_needs_a_reason(draft, daect):
    application = _submitted(draft)
    services.application_start_review(application=application, by=daect)
    with pytest.raises(ValidationError):
        services.application_refuse(application=application, by=daect, reason="")
    services.application_refuse(application=application, by=daect, reason="Expertise trop récente")
    application.refresh_from_db()
    assert application.state == State.REFUSED


def test_the_applicant_withdraws_before_the_decision_but_not_after(draft, daect):
    application = _submitted(draft)
    services.application_withdraw(application=application, by=draft.created_by)
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN
    with pytest.raises(ValidationError):
        services.application_withdraw(application=application, by=draft.created_by)


def _granted(daect, collectivity_app, on):
    application = _submitted(collectivity_app)
    services.application_start_review(application=application, by=daect)
    return services.application_grant(application=application, by=daect, on=on)


def test_a_renewal_extends_the_label_without_a_gap(draft, daect):
    label = _granted(daect, draft, datetime.date(2026, 3, 1))
    renewal = complete_application(created_by=draft.created_by, theme=draft.theme)
    renewed = _granted(daect, renewal, datetime.date(2028, 12, 1))
    assert renewed.pk == label.pk
    assert renewed.valid_until == datetime.date(2032, 3, 1)
    assert Label.objects.count() == 1


def test_the_database_forbids_two_current_labels_on_one_theme(draft, daect):
    label = _granted(daect, draft, datetime.date(2026, 3, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Label.objects.create(
            collectivity=label.collectivity,
            theme=label.theme,
            application=label.application,
            granted_on=datetime.date(2026, 4, 1),
            valid_until=datetime.date(2029, 4, 1),
        )


def test_the_database_forbids_two_open_applications_on_one_theme(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        LabelApplicationFactory(created_by=draft.created_by, theme=draft.theme)


def test_daect_suspends_with_a_reason_and_reinstates(draft, daect):
    label = _granted(daect, draft, datetime.date(2026, 3, 1))
    with pytest.raises(ValidationError):
        services.label_suspend(label=label, by=daect, reason="")
    services.label_suspend(label=label, by=daect, reason="Enquête en cours")
    label.refresh_from_db()
    assert not label.is_valid_on(datetime.date(2026, 6, 1))
    services.label_reinstate(label=label, by=daect)
    label.refresh_from_db()
    assert label.is_valid_on(datetime.date(2026, 6, 1))


def test_only_daect_revokes_a_label(draft, daect):
    label = _granted(daect, draft, datetime.date(2026, 3, 1))
    with pytest.raises(PermissionDenied):
        services.label_revoke(label=label, by=draft.created_by, reason="x")
    services.label_revoke(label=label, by=daect, reason="Manquement à l’engagement")
    label.refresh_from_db()
    assert label.state == Label.State.REVOKED
    event = label.events.get()
    assert (event.verb, event.from_state, event.to_state) == ("label.revoked", "active", "revoked")
    assert event.application_id == label.application_id


def test_labels_past_their_end_become_expired_and_only_those(draft, daect):
    label = _granted(daect, draft, datetime.date(2026, 3, 1))
    assert services.expire_labels(datetime.date(2029, 3, 1)) == 0  # its last valid day
    assert services.expire_labels(datetime.date(2029, 3, 2)) == 1
    label.refresh_from_db()
    assert label.state == Label.State.EXPIRED
    assert services.expire_labels(datetime.date(2029, 3, 2)) == 0
