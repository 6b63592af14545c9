"""Every e-mail the portal sends, one function per message.

Each message has three templates under templates/emails/: `<name>_subject.txt`,
`<name>.txt` and `<name>.html`. They are rendered in the recipient's language.

Every message goes through the outbox (`OutboxMessage`): `send` renders it, writes
its row (inside the caller's transaction when there is one) and delivers it once
that transaction commits; a failure to send leaves the row to the delivery task
(retried, then "failed" and shown in the admin and the DAECT digest), a failure to
build it is recorded as a failed row. Nothing here raises after a commit: callers
may call these functions inside their transaction or schedule them with
`transaction.on_commit`.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import translation

if TYPE_CHECKING:
    from expect.accounts.models import Membership, User

logger = logging.getLogger(__name__)
# (file name, content, MIME type), as EmailMessage.attach takes them.
Attachment = tuple[str, bytes, str]


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def build(
    name: str,
    to: Iterable[str],
    context: dict,
    *,
    language: str = "fr",
    cc: Iterable[str] = (),
    headers: dict | None = None,
    attachments: Iterable[Attachment] = (),
) -> EmailMultiAlternatives:
    """Render the three templates of `name` in `language` into one message, unsent."""
    with translation.override(language):
        context = {"SITE_URL": settings.SITE_URL, "DAECT_EMAIL": settings.DAECT_EMAIL, **context}
        subject = " ".join(_render_plain(f"emails/{name}_subject.txt", context).split())
        text = _render_plain(f"emails/{name}.txt", context)
        html = render_to_string(f"emails/{name}.html", context)
    message = EmailMultiAlternatives(
        subject=f"[EXPE-CT] {subject}",
        body=text,
        to=list(to),
        cc=list(cc),
        reply_to=[settings.DAECT_EMAIL],
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(*attachment)
    return message


def send(
    name: str,
    to: Iterable[str],
    context: dict,
    *,
    language: str = "fr",
    cc: Iterable[str] = (),
    attachments: Iterable[Attachment] = (),
) -> None:
    """Render the three templates of `name` in `language` and send one message,
    through the outbox (delivered on commit, retried by the delivery task)."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    try:
        message = build(
            name, recipients, context, language=language, cc=cc, attachments=attachments
        )
    except Exception as exc:  # a template or its context: recorded, never a 500
        logger.exception("E-mail %s to %s could not be built", name, recipients)
        _outbox_failed(name, recipients, list(cc), exc)
        return
    queue(message, name=name)


def queue(message: EmailMultiAlternatives, *, name: str = ""):
    """Write a built message to the outbox and deliver it once the transaction commits."""
    from .delivery import deliver_outbox
    from .models import OutboxMessage

    html = next((body for body, kind in message.alternatives if kind == "text/html"), "")
    attachments = [
        {
            "filename": filename,
            "content": base64.b64encode(
                content.encode() if isinstance(content, str) else content
            ).decode(),
            "mimetype": mimetype or "application/octet-stream",
        }
        for filename, content, mimetype in (tuple(item) for item in message.attachments)
    ]
    row = OutboxMessage.objects.create(
        name=name,
        to=list(message.to),
        cc=list(message.cc),
        reply_to=list(message.reply_to),
        subject=message.subject[:300],
        body=message.body,
        html=html,
        attachments=attachments,
    )
    transaction.on_commit(partial(deliver_outbox, [row.pk]), robust=True)
    return row


def _outbox_failed(name: str, to: list[str], cc: list[str], exc: Exception) -> None:
    from .models import OutboxMessage

    try:
        OutboxMessage.objects.create(
            name=name,
            to=to,
            cc=cc,
            status=OutboxMessage.Status.FAILED,
            last_error=f"Not built: {type(exc).__name__}: {exc}"[:2000],
        )
    except Exception:  # noqa: BLE001 - the log above still tells it
        logger.exception("E-mail %s: the failure could not be recorded either", name)


def render_subject(name: str, context: dict, *, language: str = "fr") -> str:
    """The subject line of message `name`, on one line."""
    with translation.override(language):
        return " ".join(_render_plain(f"emails/{name}_subject.txt", context).split())


def _render_plain(template_name: str, context: dict) -> str:
    """Render a plain-text template without HTML escaping ("d'Agde", not "d&#x27;Agde")."""
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def _to_user(name: str, user: User, context: dict) -> None:
    send(name, [user.email], {"user": user, **context}, language=user.preferred_language)


def daect_recipients() -> list[str]:
    """DAECT staff accounts, or the programme's shared mailbox when there are none."""
    from expect.accounts.models import User

    staff = User.objects.filter(role=User.Role.DAECT, is_active=True).values_list(
        "email", flat=True
    )
    return list(staff) or [settings.DAECT_EMAIL]


def email_confirmation(user: User, url: str) -> None:
    _to_user("email_confirmation", user, {"url": url})


def registration_attempted(user: User) -> None:
    """Someone tried to create an account with this person's address: tell them, not the form."""
    url = absolute_url(reverse("accounts:password_reset"))
    _to_user("registration_attempted", user, {"url": url})


def account_invitation(user: User, url: str, inviter: User | None = None) -> None:
    _to_user("account_invitation", user, {"url": url, "inviter": inviter})


def membership_requested(membership: Membership, recipients: list[User] | None) -> None:
    """Tell the referents (or DAECT when the collectivity has none) that someone asks to join."""
    context = {"membership": membership}
    if recipients:
        context["url"] = absolute_url(reverse("organisations:members"))
        for referent in recipients:
            _to_user("membership_requested", referent, context)
    else:
        admin_path = reverse("admin:accounts_membership_change", args=[membership.pk])
        context["url"] = absolute_url(admin_path)
        send("membership_requested", daect_recipients(), context)


def membership_confirmed(membership: Membership) -> None:
    url = absolute_url(reverse("core:dashboard"))
    _to_user("membership_confirmed", membership.user, {"membership": membership, "url": url})


def membership_refused(membership: Membership) -> None:
    _to_user("membership_refused", membership.user, {"membership": membership})


# Accounts: change of e-mail address ----------------------------------------------------
# Both addresses confirm a change, and both are told once it is made (expect/accounts).


def email_change_requested(change, new_url: str, old_url: str) -> None:
    """One link to the new address (it is really theirs), one to the current one (it is them)."""
    user = change.user
    context = {"user": user, "new_email": change.new_email, "old_email": user.email}
    language = user.preferred_language
    send("email_change_new", [change.new_email], {**context, "url": new_url}, language=language)
    send("email_change_old", [user.email], {**context, "url": old_url}, language=language)


def email_changed(user: User, old_email: str) -> None:
    """Both addresses learn that the account now signs in with the new one."""
    context = {"user": user, "new_email": user.email, "old_email": old_email}
    send("email_changed", [user.email, old_email], context, language=user.preferred_language)


# Accounts: second factor ----------------------------------------------------------------
# Whoever knew the password could set up an authenticator: the owner hears of it at once.


def second_factor_enrolled(user: User) -> None:
    _to_user("second_factor_enrolled", user, {})


def second_factor_enrolment_link(user: User, url: str) -> None:
    _to_user("second_factor_enrolment_link", user, {"url": url})


def proconnect_linked(user: User) -> None:
    _to_user("proconnect_linked", user, {})


def passkey_enrolled(user: User, name: str) -> None:
    _to_user("passkey_enrolled", user, {"passkey": name})
