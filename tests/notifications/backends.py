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
