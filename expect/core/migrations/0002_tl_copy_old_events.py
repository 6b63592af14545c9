"""Copy the three former history tables into the one `Event` table.

ApplicationEvent (labellisation), MissionEvent (missions, with its `subject`
pseudo-field) and ReportEvent (reports) become Event rows with a verb; their
pseudo-states go: "label:<state>" becomes a label event, a mission moved from a
state to the same state (new dates) becomes a change, "published" becomes a change
of the report. The "mission created" row that the need's "turned into a mission"
row always came with is folded into it. Nothing is lost on the way back: the
reverse copies the rows into the former tables.
"""

from django.db import migrations

APPLICATION_VERBS = {
    "submitted": "application.submitted",
    "resubmitted": "application.resubmitted",
    "in_review": "application.review_started",
    "info_requested": "application.info_requested",
    "scheduled": "application.scheduled",
    "granted": "application.granted",
    "refused": "application.refused",
    "withdrawn": "application.withdrawn",
}
LABEL_VERBS = {
    "suspended": "label.suspended",
    "active": "label.reinstated",
    "revoked": "label.revoked",
    "expired": "label.expired",
}
REQUEST_VERBS = {
    "submitted": "request.submitted",
    "qualified": "request.qualified",
    "info_requested": "request.sent_back",
    "declined": "request.declined",
    "proposed": "request.proposed",
    "matched": "request.matched",
    "mission": "mission.created",
    "cancelled": "request.cancelled",
}
PROPOSAL_VERBS = {
    "open": "proposal.made",
    "accepted": "proposal.accepted",
    "declined": "proposal.declined",
}
MISSION_VERBS = {
    "confirmed": "mission.confirmed",
    "under_way": "mission.started",
    "returned": "mission.returned",
    "cancelled": "mission.cancelled",
}
REPORT_VERBS = {
    "submitted": "report.submitted",
    "revision_requested": "report.revision_requested",
    "accepted": "report.accepted",
}


def _applications(apps, Event):
    ApplicationEvent = apps.get_model("labellisation", "ApplicationEvent")
    Label = apps.get_model("labellisation", "Label")
    labels = {label.application_id: label for label in Label.objects.order_by("pk")}
    rows = []
    for old in ApplicationEvent.objects.order_by("pk"):
        row = Event(
            actor_id=old.actor_id,
            at=old.at,
            comment=old.comment,
            is_public=old.is_public,
            application_id=old.application_id,
        )
        if old.kind in ("message", "note"):
            row.verb, row.kind = f"application.{old.kind}", old.kind
        elif old.to_state.startswith("label:"):
            label = labels.get(old.application_id)
            row.verb = LABEL_VERBS.get(old.to_state[6:], "label.suspended")
            row.from_state, row.to_state = old.from_state.removeprefix("label:"), old.to_state[6:]
            row.label_id = label.pk if label else None
        else:
            row.verb = APPLICATION_VERBS.get(old.to_state, "application.submitted")
            row.from_state, row.to_state = old.from_state, old.to_state
            label = labels.get(old.application_id)
            if old.to_state == "granted" and label is not None:
                row.data = {"until": label.valid_until.isoformat()}
        if row.kind == "transition" and row.from_state == row.to_state:
            row.kind, row.from_state, row.to_state = "change", "", ""
        rows.append(row)
    Event.objects.bulk_create(rows)


def _proposal_of(candidates: list, old):
    """The proposal a former row was about: named by its comment, or answered by its actor."""
    for proposal in candidates:
        if proposal.collectivity.name == old.comment:
            return proposal
    for proposal in candidates:
        if proposal.answered_by_id == old.actor_id and proposal.state == old.to_state:
            return proposal
    return None


def _missions(apps, Event):
    MissionEvent = apps.get_model("missions", "MissionEvent")
    Mission = apps.get_model("missions", "Mission")
    Proposal = apps.get_model("missions", "MissionProposal")
    missions = {m.request_id: m for m in Mission.objects.select_related("collectivity")}
    proposals: dict[int, list] = {}
    for proposal in Proposal.objects.select_related("collectivity").order_by("pk"):
        proposals.setdefault(proposal.request_id, []).append(proposal)
    rows = []
    for old in MissionEvent.objects.order_by("pk"):
        mission = missions.get(old.request_id)
        row = Event(
            actor_id=old.actor_id,
            at=old.at,
            comment=old.comment,
            request_id=old.request_id,
            from_state=old.from_state,
            to_state=old.to_state,
        )
        if old.subject == "mission":
            if not old.from_state and old.to_state == "planned":
                continue  # written with the need's "turned into a mission" row
            row.mission_id = mission.pk if mission else None
            if old.from_state == old.to_state:  # new dates: a change, not "Planned → Planned"
                row.verb, row.kind, row.from_state, row.to_state = (
                    "mission.dates_set",
                    "change",
                    "",
                    "",
                )
            else:
                row.verb = MISSION_VERBS.get(old.to_state, "mission.confirmed")
        elif old.subject == "proposal":
            # The comment named the collectivity (made, accepted) or gave the reason (declined).
            proposal = _proposal_of(proposals.get(old.request_id, []), old)
            row.verb = PROPOSAL_VERBS.get(old.to_state, "proposal.made")
            if proposal is None:
                row.is_public = False  # it may name a collectivity: DAECT's eyes only
            else:
                row.proposal_id = proposal.pk
                row.data = {"collectivity": proposal.collectivity.name}
                row.comment = "" if old.to_state != "declined" else old.comment
            if old.to_state == "open":
                row.kind, row.from_state, row.to_state = "change", "", ""
        else:
            row.verb = REQUEST_VERBS.get(old.to_state, "request.submitted")
            if old.to_state == "mission" and mission is not None:
                row.mission_id = mission.pk
                row.data = {"collectivity": mission.collectivity.name}
                row.comment = ""
        if row.kind == "transition" and row.from_state == row.to_state:
            row.kind, row.from_state, row.to_state = "change", "", ""
        rows.append(row)
    Event.objects.bulk_create(rows)


def _reports(apps, Event):
    ReportEvent = apps.get_model("reports", "ReportEvent")
    rows = []
    for old in ReportEvent.objects.select_related("report").order_by("pk"):
        row = Event(
            actor_id=old.actor_id,
            at=old.at,
            comment=old.comment,
            report_id=old.report_id,
            mission_id=old.report.mission_id,
        )
        if old.to_state == "published":
            row.verb, row.kind = "report.published", "change"
        elif old.from_state == "published":
            row.verb, row.kind = "report.unpublished", "change"
        else:
            row.verb = REPORT_VERBS.get(old.to_state, "report.submitted")
            row.from_state, row.to_state = old.from_state, old.to_state
            if row.from_state == row.to_state:
                row.kind, row.from_state, row.to_state = "change", "", ""
        rows.append(row)
    Event.objects.bulk_create(rows)


def copy_forward(apps, schema_editor):
    Event = apps.get_model("core", "Event")
    _applications(apps, Event)
    _missions(apps, Event)
    _reports(apps, Event)


def copy_back(apps, schema_editor):
    Event = apps.get_model("core", "Event")
    ApplicationEvent = apps.get_model("labellisation", "ApplicationEvent")
    MissionEvent = apps.get_model("missions", "MissionEvent")
    ReportEvent = apps.get_model("reports", "ReportEvent")
    for row in Event.objects.order_by("pk"):
        common = {"actor_id": row.actor_id, "at": row.at, "comment": row.comment}
        states = {"from_state": row.from_state, "to_state": row.to_state}
        if row.actor_id is None:
            continue  # the former tables required an actor
        if row.report_id:
            ReportEvent.objects.create(report_id=row.report_id, **common, **states)
        elif row.request_id:
            subject = "proposal" if row.proposal_id else "mission" if row.mission_id else "request"
            MissionEvent.objects.create(
                request_id=row.request_id, subject=subject, **common, **states
            )
        elif row.application_id:
            kind = row.kind if row.kind in ("message", "note") else "transition"
            if row.label_id:
                states = {k: f"label:{v}" if v else "" for k, v in states.items()}
            ApplicationEvent.objects.create(
                application_id=row.application_id,
                kind=kind,
                is_public=row.is_public and kind != "note",
                **common,
                **states,
            )
    Event.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_tl_events")]

    operations = [migrations.RunPython(copy_forward, copy_back)]
