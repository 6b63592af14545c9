"""The e-mails of the labellisation workflow, one function per message.

Templates live in templates/emails/labellisation/; each message is rendered in
the recipient's language. Callers schedule them with transaction.on_commit.
"""

from __future__ import annotations

from django.urls import reverse

from expect.accounts.models import Membership, User
from expect.notifications.emails import absolute_url, daect_recipients, send

from .models import LabelApplication, Opinion


def _applicants(application: LabelApplication) -> list[User]:
    """The collectivity's confirmed members (experts excepted) follow its dossiers."""
    memberships = (
        Membership.objects.active()
        .filter(
            collectivity_id=application.collectivity_id,
            user__role=User.Role.MEMBER,
            user__is_active=True,
        )
        .select_related("user")
    )
    return [m.user for m in memberships]


def _to_applicants(name: str, application: LabelApplication, **context) -> None:
    url = absolute_url(reverse("labellisation:application_detail", args=[application.pk]))
    for user in _applicants(application):
        send(
            f"labellisation/{name}",
            [user.email],
            {"user": user, "application": application, "url": url, **context},
            language=user.preferred_language,
        )


def _to_daect(name: str, application: LabelApplication, **context) -> None:
    path = reverse("admin:labellisation_labelapplication_change", args=[application.pk])
    send(
        f"labellisation/{name}",
        daect_recipients(),
        {"application": application, "url": absolute_url(path), **context},
    )


def application_submitted(application: LabelApplication, by: User) -> None:
    """Acknowledgement to the applicants (with the receipt) and notice to DAECT."""
    receipt = absolute_url(reverse("labellisation:application_receipt", args=[application.pk]))
    _to_applicants("submitted", application, receipt_url=receipt, by=by)
    _to_daect("to_review", application)


def application_resubmitted(application: LabelApplication) -> None:
    _to_daect("to_review", application)


def application_info_requested(application: LabelApplication, question: str) -> None:
    _to_applicants("info_requested", application, question=question)


def application_decided(application: LabelApplication) -> None:
    _to_applicants("decided", application)


def application_message(application: LabelApplication, author: User, text: str) -> None:
    """A message reaches the other side: DAECT when the applicant writes, else the applicants."""
    if author.is_daect:
        _to_applicants("message", application, author=author, text=text)
    else:
        _to_daect("message", application, author=author, text=text)


def opinion_requested(opinion: Opinion, *, reminder: bool = False) -> None:
    user = opinion.requested_from
    url = absolute_url(reverse("labellisation:opinion_give", args=[opinion.pk]))
    send(
        "labellisation/opinion_requested",
        [user.email],
        {
            "user": user,
            "opinion": opinion,
            "application": opinion.application,
            "url": url,
            "reminder": reminder,
        },
        language=user.preferred_language,
    )
