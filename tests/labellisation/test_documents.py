"""The label certificate and the application receipt, as PDFs, for their collectivity only."""

import pytest
from django.urls import reverse
from django.utils import timezone

from labellisation.models import LabelApplication
from tests.accounts.factories import MembershipFactory
from tests.core.test_pdf import assert_real_pdf, pdf_text
from tests.labellisation.factories import (
    LabelApplicationFactory,
    LabelFactory,
    complete_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def label(member):
    return LabelFactory(application=LabelApplicationFactory(created_by=member, state="granted"))


@pytest.fixture
def submitted(member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return complete_application(
        created_by=member,
        state=LabelApplication.State.SUBMITTED,
        submitted_at=timezone.now(),
    )


@pytest.fixture
def stranger(db):
    """A confirmed member of another collectivity."""
    return MembershipFactory(state="active").user


def _certificate(label):
    return reverse("labellisation:label_certificate", args=[label.pk])


def _receipt(application):
    return reverse("labellisation:application_receipt", args=[application.pk])


def test_a_member_gets_the_certificate_of_its_collectivity(client, member, label):
    client.force_login(member)
    response = client.get(_certificate(label))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert_real_pdf(response.content)
    text = pdf_text(response.content)
    assert label.collectivity.name in text
    assert label.verification_code in text
    assert f"/labels/verifier/{label.verification_code}/" in text.replace(" ", "")


def test_the_certificate_gives_the_dates_in_french_format(client, member, label):
    client.force_login(member)
    text = pdf_text(client.get(_certificate(label)).content)
    assert label.granted_on.strftime("%d/%m/%Y") in text
    assert label.valid_until.strftime("%d/%m/%Y") in text


def test_daect_gets_any_certificate(client, daect, label):
    client.force_login(daect)
    response = client.get(_certificate(label))
    assert response.status_code == 200
    assert label.verification_code in pdf_text(response.content)


def test_another_collectivity_gets_a_404_for_the_certificate(client, stranger, label):
    client.force_login(stranger)
    assert client.get(_certificate(label)).status_code == 404


def test_a_member_awaiting_confirmation_gets_a_404_for_the_certificate(client, label):
    pending = MembershipFactory(collectivity=label.collectivity, state="pending").user
    client.force_login(pending)
    assert client.get(_certificate(label)).status_code == 404


def test_a_visitor_is_sent_to_log_in_for_the_certificate(client, label):
    response = client.get(_certificate(label))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_certificate_refuses_post(client, member, label):
    client.force_login(member)
    assert client.post(_certificate(label)).status_code == 405


def test_a_member_gets_the_receipt_of_a_submitted_application(client, member, submitted):
    client.force_login(member)
    response = client.get(_receipt(submitted))
    assert response.status_code == 200
    assert_real_pdf(response.content)
    text = pdf_text(response.content)
    assert f"EXPE-CT-{submitted.pk:06d}" in text
    assert submitted.collectivity.name in text
    assert "Sophie Lefèvre" in text  # the proposed expert
    assert "lettre.pdf" in text  # the attachment, by its original name


def test_the_receipt_is_named_after_the_reference(client, member, submitted):
    client.force_login(member)
    disposition = client.get(_receipt(submitted))["Content-Disposition"]
    assert disposition == f'inline; filename="recepisse-expe-ct-{submitted.pk:06d}.pdf"'


def test_daect_gets_any_receipt(client, daect, submitted):
    client.force_login(daect)
    response = client.get(_receipt(submitted))
    assert response.status_code == 200
    assert f"EXPE-CT-{submitted.pk:06d}" in pdf_text(response.content)


def test_a_draft_has_no_receipt(client, member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    draft = complete_application(created_by=member)
    client.force_login(member)
    assert client.get(_receipt(draft)).status_code == 404


def test_another_collectivity_gets_a_404_for_the_receipt(client, stranger, submitted):
    client.force_login(stranger)
    assert client.get(_receipt(submitted)).status_code == 404


def test_a_visitor_is_sent_to_log_in_for_the_receipt(client, submitted):
    response = client.get(_receipt(submitted))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_receipt_refuses_post(client, member, submitted):
    client.force_login(member)
    assert client.post(_receipt(submitted)).status_code == 405
