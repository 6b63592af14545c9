"""Every e-mail of the workflows goes through the outbox: written with the transaction,
sent on commit, retried when the server fails, and "failed" in the admin when it cannot
be built or sent — never a server error after the commit, never a silent loss."""

import datetime
import smtplib

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from expect.notifications import emails, sweep
from expect.notifications.models import OutboxMessage
from tests.accounts.factories import UserFactory

from .backends import script

pytestmark = pytest.mark.django_db


def test_a_notice_is_written_to_the_outbox_and_sent_once_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        emails.account_invitation(user, "https://expe-ct.example/activer/abc/")
        row = OutboxMessage.objects.get()
        assert row.status == "pending"
        assert mail.outbox == []  # nothing leaves before the commit
    row.refresh_from_db()
    assert row.status == "sent"
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.extra_headers["Message-ID"] == f"<outbox.{row.pk}@127.0.0.1>"
    assert "https://expe-ct.example/activer/abc/" in message.body


def test_a_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    user = UserFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        emails.account_invitation(user, "https://expe-ct.example/x/")
        raise RuntimeError("the action failed")
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_a_server_failure_after_the_commit_is_retried_by_the_delivery_task(
    settings, django_capture_on_commit_callbacks
):
    user = UserFactory()
    script([smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), None], settings)
    with django_capture_on_commit_callbacks(execute=True):
        emails.account_invitation(user, "https://expe-ct.example/y/")
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == ("pending", 1)
    assert mail.outbox == []
    with time_machine.travel(row.next_attempt_at, tick=False):
        assert sweep.deliver_pending() == {"sent": 1}
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_an_address_that_cannot_be_encoded_fails_at_once_and_raises_nothing(
    django_capture_on_commit_callbacks,
):
    # Django's form field accepts it; the domain label is too long for IDNA.
    user = UserFactory(email=f"agent@{'é' * 64}.fr")
    with django_capture_on_commit_callbacks(execute=True):
        emails.account_invitation(user, "https://expe-ct.example/z/")
    row = OutboxMessage.objects.get()
    assert row.status == "failed"
    assert "Error" in row.last_error
    assert mail.outbox == []


def test_a_message_that_cannot_be_built_is_recorded_as_failed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        emails.send("no_such_template", ["someone@example.fr"], {})
    row = OutboxMessage.objects.get()
    assert (row.status, row.to) == ("failed", ["someone@example.fr"])
    assert row.last_error.startswith("Not built: TemplateDoesNotExist")


def test_daect_sees_the_failed_e_mails_in_the_admin_and_in_the_digest(client, daect):
    OutboxMessage.objects.create(
        name="account_invitation", to=["lost@example.fr"], status="failed", last_error="550"
    )
    client.force_login(daect)
    changelist = reverse("admin:notifications_outboxmessage_changelist")
    page = client.get(changelist, {"status__exact": "failed"}).content.decode()
    assert "lost@example.fr" in page
    dashboard = client.get(reverse("core:dashboard")).content.decode()
    assert "?status__exact=failed" in dashboard
    assert "/admin/notifications/outboxmessage/?status__exact=failed" in dashboard


def test_daect_can_try_a_failed_e_mail_again(client, daect):
    row = OutboxMessage.objects.create(
        name="account_invitation",
        to=["back@example.fr"],
        subject="[EXPE-CT] Invitation",
        body="Bonjour",
        status="failed",
        attempts=5,
        next_attempt_at=timezone.now() - datetime.timedelta(days=1),
    )
    client.force_login(daect)
    changelist = reverse("admin:notifications_outboxmessage_changelist")
    client.post(changelist, {"action": "send_again", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)
    assert sweep.deliver_pending() == {"sent": 1}
    assert [m.to for m in mail.outbox] == [["back@example.fr"]]
