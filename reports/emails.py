"""The e-mails of mission reports, one function per message.

Templates: templates/emails/reports/<name>_subject.txt, <name>.txt, <name>.html.
Callers schedule these with transaction.on_commit.
"""

from __future__ import annotations

from django.urls import reverse

from expect.notifications.emails import absolute_url, daect_recipients, send

from .models import EmbassyComment, MissionReport


def _url(report: MissionReport) -> str:
    return absolute_url(reverse("reports:report_detail", args=[report.mission_id]))


def _to_team(name: str, report: MissionReport, **context) -> None:
    for user in report.mission.experts.filter(is_active=True):
        send(
            f"reports/{name}",
            [user.email],
            {"user": user, "report": report, "url": _url(report), **context},
            language=user.preferred_language,
        )


def report_submitted(report: MissionReport) -> None:
    """DAECT evaluates it; the embassy of the country may comment."""
    admin = absolute_url(reverse("admin:reports_missionreport_change", args=[report.pk]))
    send("reports/submitted", daect_recipients(), {"report": report, "url": admin})
    agents = report.mission.request.embassy.agents.filter(is_active=True)
    for agent in agents:
        send(
            "reports/submitted",
            [agent.email],
            {"report": report, "url": _url(report)},
            language=agent.preferred_language,
        )


def report_revision_requested(report: MissionReport, reason: str) -> None:
    _to_team("revision_requested", report, reason=reason)


def report_accepted(report: MissionReport) -> None:
    _to_team("accepted", report)


def embassy_commented(comment: EmbassyComment) -> None:
    admin = absolute_url(reverse("admin:reports_missionreport_change", args=[comment.report_id]))
    send(
        "reports/embassy_commented",
        daect_recipients(),
        {"comment": comment, "report": comment.report, "url": admin},
    )
    _to_team("embassy_commented", comment.report, comment=comment)
