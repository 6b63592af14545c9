"""The GDPR rights of a person: a copy of their data, and the anonymisation of a departed
user's account.

The export holds what the portal keeps about the person and what they wrote, never
another person's data. Anonymisation replaces the identity by placeholders everywhere
it is stored (the account, its history, the reminder log, the sign-in log) and closes
every way in, while the programme's records (dossiers, missions, reports, their
histories) stay: they now show "Compte anonymisé" as their author.

The domain apps' models are looked up by name: `expect` does not import the domain
apps (the arrows point from them to it).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from phonenumber_field.phonenumber import PhoneNumber

from .models import EmailChange, Membership, ProConnectIdentity, User

# Placeholders, not translations: they are data, the same in every language.
ANONYMOUS_FIRST_NAME = "Compte"
ANONYMOUS_LAST_NAME = "anonymisé"
ACCOUNT_FIELDS = [
    "email",
    "first_name",
    "last_name",
    "position",
    "phone",
    "role",
    "preferred_language",
    "email_confirmed_at",
    "date_joined",
    "last_login",
    "is_active",
]


def anonymous_email(user: User) -> str:
    return f"anonyme-{user.pk}@invalid"


def is_anonymised(user: User) -> bool:
    return user.email == anonymous_email(user)


def _model(label: str):
    return apps.get_model(label)


def _values(obj, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


# --- Export ---------------------------------------------------------------------------


def _account(user: User) -> dict:
    return {
        **_values(user, ACCOUNT_FIELDS),
        "embassy": str(user.embassy) if user.embassy_id else None,
    }


def _membership(user: User) -> dict | None:
    membership = Membership.objects.filter(user=user).select_related("collectivity").first()
    if membership is None:
        return None
    return {
        "collectivity": membership.collectivity.name,
        **_values(membership, ["state", "is_referent", "requested_at", "decided_at"]),
    }


def _applications(user: User) -> list[dict]:
    rows = _model("labellisation.LabelApplication").objects.filter(created_by=user)
    return [
        {
            "id": a.pk,
            "collectivity": a.collectivity.name,
            "theme": a.theme.name,
            **_values(a, ["state", "expertise", "territory_actions", "created_at", "submitted_at"]),
        }
        for a in rows.select_related("collectivity", "theme")
    ]


def _missions(user: User) -> list[dict]:
    rows = _model("missions.Mission").objects.filter(experts=user)
    return [
        {
            "id": m.pk,
            "collectivity": m.collectivity.name,
            "country": m.request.country.code,
            "theme": m.request.theme.name,
            **_values(m, ["state", "place", "departure_date", "return_date"]),
        }
        for m in rows.select_related("collectivity", "request__theme")
    ]


def _reports(user: User) -> list[dict]:
    rows = _model("reports.MissionReport").objects.filter(submitted_by=user)
    fields = ["state", "summary", "results", "recommendations", "follow_up", "submitted_at"]
    return [{"id": r.pk, "mission": r.mission_id, **_values(r, fields)} for r in rows]


def _messages(user: User) -> list[dict]:
    event = _model("labellisation.ApplicationEvent")
    written = event.objects.filter(actor=user, kind=event.Kind.MESSAGE)
    comments = _model("reports.EmbassyComment").objects.filter(author=user)
    return [
        *({"application": e.application_id, "at": e.at, "text": e.comment} for e in written),
        *({"report": c.report_id, "at": c.at, "text": c.text} for c in comments),
    ]


def _opinions(user: User) -> list[dict]:
    rows = _model("labellisation.Opinion").objects.filter(requested_from=user)
    fields = ["question", "recommendation", "text", "requested_at", "given_at"]
    return [{"application": o.application_id, **_values(o, fields)} for o in rows]


def _notification_settings(user: User) -> list[dict]:
    try:
        preference = _model("notifications.Preference")
    except LookupError:
        return []
    return [{"kind": p.kind, "mode": p.mode} for p in preference.objects.filter(user=user)]


def personal_data(user: User) -> dict:
    """Everything the portal holds about `user`, and what they wrote, as plain data."""
    return {
        "exported_at": timezone.now(),
        "account": _account(user),
        "membership": _membership(user),
        "applications_created": _applications(user),
        "missions_as_expert": _missions(user),
        "reports_submitted": _reports(user),
        "messages": _messages(user),
        "opinions": _opinions(user),
        "notification_settings": _notification_settings(user),
    }


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return str(o)
        if isinstance(o, datetime | date):
            return o.isoformat()
        if isinstance(o, PhoneNumber):
            # As stored: E.164 for a valid number, what was typed otherwise.
            return o.as_e164 if o.is_valid() else o.raw_input
        return super().default(o)


def personal_data_json(user: User) -> bytes:
    return json.dumps(personal_data(user), cls=_Encoder, ensure_ascii=False, indent=2).encode()


def export_filename(user: User) -> str:
    return f"expect-donnees-personnelles-{user.pk}-{timezone.localdate():%Y%m%d}.json"


# --- Anonymisation --------------------------------------------------------------------


def _placeholders(user: User) -> dict[str, str]:
    return {
        "email": anonymous_email(user),
        "first_name": ANONYMOUS_FIRST_NAME,
        "last_name": ANONYMOUS_LAST_NAME,
        "position": "",
        "phone": "",
    }


def _check(user: User, by: User) -> None:
    if not by.is_daect:
        raise PermissionDenied(_("Only DAECT anonymises accounts."))
    if user.pk == by.pk:
        raise ValidationError(_("You cannot anonymise your own account."), code="self")
    if is_anonymised(user):
        raise ValidationError(_("This account is already anonymised."), code="anonymised")


def _end_membership(user: User, by: User) -> None:
    membership = Membership.objects.select_for_update().filter(user=user).first()
    if membership is None or membership.state == Membership.State.REFUSED:
        return
    # There is no "left" state: a refused membership grants nothing, like a pending one.
    membership.state, membership.is_referent = Membership.State.REFUSED, False
    membership.decided_at, membership.decided_by = timezone.now(), by
    membership.save(update_fields=["state", "is_referent", "decided_at", "decided_by"])


def _close_the_doors(user: User) -> None:
    """Sessions, second-factor devices, ProConnect links and pending e-mail change go."""
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    # Not a second factor (devices_for_user leaves them out), but a key to the person.
    ProConnectIdentity.objects.filter(user=user).delete()
    EmailChange.objects.filter(user=user).delete()


def _scrub_logs(user: User, old_email: str, placeholders: dict[str, str]) -> None:
    """The account's past versions, the reminder log and the sign-in log forget the person."""
    User.history.filter(id=user.pk).update(**placeholders)
    try:
        reminder = _model("notifications.Reminder")
    except LookupError:
        reminder = None
    if reminder is not None:
        reminder.objects.filter(recipient=user, status=reminder.Status.PENDING).update(
            status=reminder.Status.SKIPPED
        )
        reminder.objects.filter(recipient=user).update(email=placeholders["email"])
        _model("notifications.Preference").objects.filter(user=user).delete()
        _model("notifications.CalendarFeed").objects.filter(user=user).delete()
    for log in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"):
        _model(log).objects.filter(username__iexact=old_email).delete()


@transaction.atomic
def anonymise(*, user: User, by: User) -> User:
    """Replace a departed person's identity by placeholders; keep the programme's records."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _check(user, by)
    old_email, placeholders = user.email, _placeholders(user)
    for name, value in placeholders.items():
        setattr(user, name, value)
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user._history_user, user._change_reason = by, "anonymised"
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    _end_membership(user, by)
    _close_the_doors(user)
    _scrub_logs(user, old_email, placeholders)
    return user
