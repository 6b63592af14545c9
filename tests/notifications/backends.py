"""An e-mail backend whose server refuses the next N messages, then accepts them."""

from smtplib import SMTPServerDisconnected

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    failures_left = 0

    def send_messages(self, messages):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def refuse_next(count: int, settings) -> None:
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.failures_left = count
    mail.outbox = getattr(mail, "outbox", [])


class ScriptedBackend(EmailBackend):
    """Raises the next error of `errors` (None: accept), and notes what the log said of
    each message while the server held it."""

    errors: list = []
    seen: list = []

    def send_messages(self, messages):
        from expect.notifications.models import Reminder

        for message in messages:
            message_id = message.extra_headers.get("Message-ID", "")
            row = Reminder.objects.filter(message_id=message_id).first()
            ScriptedBackend.seen.append((message_id, row.status if row else None))
        error = ScriptedBackend.errors.pop(0) if ScriptedBackend.errors else None
        if error is not None:
            raise error
        return super().send_messages(messages)


def script(errors: list, settings) -> None:
    settings.EMAIL_BACKEND = "tests.notifications.backends.ScriptedBackend"
    ScriptedBackend.errors = list(errors)
    ScriptedBackend.seen = []
    mail.outbox = getattr(mail, "outbox", [])
