"""The DAECT instructor's desk: who handles a record, their queue, what is late.

Each domain app gives its applications, needs, missions and reports an `assigned_to`
agent, changed only by its `<object>_assign` service (which calls `assign` below with the
app's own history helper). The admin lists filter "assigned to me" / "unassigned" /
"late" (the app's `QuerySet.overdue(today)`), and the dashboard counts the agent's queue
per step, each count a link to exactly that admin list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _


@transaction.atomic
def assign(obj: models.Model, *, by, to) -> models.Model:
    """Give the record to a DAECT agent (or to nobody) and write it in its history."""
    if not by.is_daect:
        raise PermissionDenied(_("Only DAECT assigns records."))
    if to is not None and (not to.is_daect or not to.is_active):
        raise ValidationError(
            _("A record is assigned to an active DAECT agent only."), code="not_daect"
        )
    obj = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if obj.assigned_to_id == (to.pk if to else None):
        return obj
    obj.assigned_to = to
    obj.save(update_fields=["assigned_to"])
    text = (
        _("Assigned to %(agent)s.") % {"agent": to}
        if to is not None
        else _("No longer assigned to an instructor.")
    )
    from .events import Verb, record

    record(obj, verb=Verb.ASSIGNED, by=by, comment=text, public=False)
    return obj


@dataclass(frozen=True)
class QueueLine:
    label: str
    count: int
    url: str
    late: bool = False


def changelist_url(model: type[models.Model], **params: str) -> str:
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    return f"{url}?{urlencode(sorted({'archived': 'no', **params}.items()))}"


def queue(
    model: type[models.Model],
    user,
    states: Iterable[str],
    late_params: dict[str, str] | None = None,
) -> list[QueueLine]:
    """The agent's records of this kind per step, the late ones and the unassigned, in
    two queries. Each line links to the admin list of exactly those records (not
    archived, as the `archived=no` filter of the list)."""
    states = list(states)
    today = timezone.localdate()
    records = model._default_manager.unarchived()
    mine = Q(assigned_to=user)
    counts = records.aggregate(
        **{state: Count("pk", filter=mine & Q(state=state)) for state in states},
        unassigned=Count("pk", filter=Q(assigned_to__isnull=True, state__in=states)),
    )
    late = records.filter(mine).overdue(today).count()
    labels = dict(model._meta.get_field("state").flatchoices)
    lines = [
        QueueLine(
            str(labels[state]),
            counts[state],
            changelist_url(model, assigned="me", state__exact=state),
        )
        for state in states
    ]
    lines.append(
        QueueLine(
            _("Late"),
            late,
            changelist_url(model, assigned="me", **(late_params or {"overdue": "yes"})),
            late=True,
        )
    )
    lines.append(
        QueueLine(
            _("Unassigned, to share out"),
            counts["unassigned"],
            changelist_url(model, assigned="none", state__in=",".join(states)),
        )
    )
    return lines


def queue_section(title: str, model: type[models.Model], user, states, **kwargs):
    """A dashboard section of the agent's queue of one kind of record (see `queue`)."""
    from .dashboard import Section

    lines = queue(model, user, states, **kwargs)
    # The agent's own queue comes first on the DAECT dashboard.
    return Section(title, "core/section_queue.html", {"lines": lines}, order=5)
