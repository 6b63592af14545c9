"""DAECT's pages of a selection committee: its dossiers with their opinions side by
side, the chair's screen recording every decision of the session, agenda and minutes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from expect.core.decorators import daect_required
from expect.core.pdf import pdf_response, render_pdf

from .. import permissions, services
from ..forms import SessionDecisionFormSet
from ..models import Attendance, CommitteeSession, LabelApplication, Opinion

State = LabelApplication.State
View = Callable[..., HttpResponse]
DECIDABLE = (State.SCHEDULED, State.IN_REVIEW, State.RESUBMITTED)


def _dossiers(session: CommitteeSession) -> QuerySet[LabelApplication]:
    # Everything a row shows comes in two queries, however long the agenda.
    opinions = Opinion.objects.active().select_related("requested_from__embassy")
    return (
        session.applications.select_related("collectivity", "collectivity__region", "theme")
        .prefetch_related(Prefetch("opinions", queryset=opinions, to_attr="active_opinions"))
        .order_by("collectivity__name", "pk")
    )


def opinion_summary(opinions: list[Opinion]) -> str:
    """« Favorable : 2 · Réservé : 1 · En attente : 1 », from the opinions of a dossier."""
    given = Counter(o.get_recommendation_display() for o in opinions if o.is_given)
    parts = [
        _("%(label)s: %(count)d") % {"label": label, "count": count}
        for label, count in sorted(given.items())
    ]
    awaited = sum(1 for o in opinions if not o.is_given)
    if awaited:
        parts.append(_("awaited: %(count)d") % {"count": awaited})
    return " · ".join(parts) or _("No opinion asked")


def _with_summaries(dossiers: QuerySet[LabelApplication]) -> list[LabelApplication]:
    rows = list(dossiers)
    for dossier in rows:
        dossier.opinion_summary = opinion_summary(dossier.active_opinions)
    return rows


def _attendance(session: CommitteeSession) -> dict[str, list]:
    rows = session.attendances.select_related("member").order_by(
        "member__last_name", "member__first_name"
    )
    by_status: dict[str, list] = {status: [] for status in Attendance.Status.values}
    for row in rows:
        by_status[row.status].append(row.member)
    return by_status


def _crumbs(session: CommitteeSession) -> dict:
    committees = reverse("admin:labellisation_committeesession_changelist")
    links = [{"url": committees, "title": capfirst(CommitteeSession._meta.verbose_name_plural)}]
    return {"title": str(session), "breadcrumb_data": {"links": links, "current": str(session)}}


def _formset(session: CommitteeSession, dossiers: list[LabelApplication], data=None):
    decidable = [d for d in dossiers if d.state in DECIDABLE]
    return SessionDecisionFormSet(
        data,
        initial=[{"application": d.pk} for d in decidable],
        form_kwargs={"dossiers": session.applications.filter(state__in=DECIDABLE)},
        prefix="decisions",
    )


def _page(request: HttpRequest, session: CommitteeSession, formset=None) -> HttpResponse:
    dossiers = _with_summaries(_dossiers(session))
    formset = formset or _formset(session, dossiers)
    by_pk = {d.pk: d for d in dossiers}
    attendance = _attendance(session)
    context = {
        "session": session,
        "dossiers": dossiers,
        "attendance": attendance,
        "present": len(attendance[Attendance.Status.PRESENT]),
        "has_met": session.has_met(timezone.localdate()),
        "can_chair": permissions.can_chair(request.user, session),
        "formset": formset,
        "decision_rows": [(form, by_pk.get(form.initial.get("application"))) for form in formset],
        **_crumbs(session),
    }
    return render(request, "labellisation/committee_detail.html", context)


@daect_required
@require_GET
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, get_object_or_404(CommitteeSession, pk=pk))


@daect_required
@require_POST
def committee_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair records the decisions of the whole session in one go."""
    session = get_object_or_404(CommitteeSession, pk=pk)
    dossiers = list(_dossiers(session))
    formset = _formset(session, dossiers, request.POST)
    if not formset.is_valid():
        messages.error(request, _("Correct the decisions shown in red; nothing was recorded."))
        return _page(request, session, formset)
    decisions = [
        services.SessionDecision(
            application=form.cleaned_data["application"],
            verdict=form.cleaned_data["verdict"],
            reason=form.cleaned_data["reason"],
        )
        for form in formset
        if form.cleaned_data.get("verdict")
    ]
    if not decisions:
        messages.warning(request, _("No decision was chosen."))
        return redirect("labellisation:committee_detail", pk)
    try:
        services.committee_record_decisions(session=session, by=request.user, decisions=decisions)
    except PermissionDenied as error:
        raise PermissionDenied(str(error)) from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _page(request, session, formset)
    messages.success(
        request,
        _(
            "%(count)d decision(s) recorded, dated %(date)s, the day of the committee; "
            "the applicants were told by e-mail of each grant or refusal."
        )
        % {"count": len(decisions), "date": session.date.strftime("%d/%m/%Y")},
    )
    return redirect("labellisation:committee_detail", pk)


def _document_context(session: CommitteeSession) -> dict:
    return {
        "session": session,
        "members": session.members.order_by("last_name", "first_name"),
        "attendance": _attendance(session),
        "signatory": session.chair,
    }


@daect_required
@require_GET
def committee_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(CommitteeSession.objects.select_related("chair"), pk=pk)
    context = {
        **_document_context(session),
        # A withdrawn dossier is no longer on the agenda.
        "dossiers": _with_summaries(_dossiers(session).exclude(state=State.WITHDRAWN)),
    }
    pdf = render_pdf("labellisation/pdf/committee_agenda.html", context, request=request)
    return pdf_response(pdf, f"ordre-du-jour-comite-{session.date:%Y-%m-%d}")


@daect_required
@require_GET
def committee_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(CommitteeSession.objects.select_related("chair"), pk=pk)
    dossiers = _with_summaries(_dossiers(session))
    decided_states = (State.GRANTED, State.REFUSED)
    context = {
        **_document_context(session),
        "decided": [d for d in dossiers if d.state in decided_states],
        "undecided": [d for d in dossiers if d.state not in LabelApplication.CLOSED_STATES],
        "withdrawn": [d for d in dossiers if d.state == State.WITHDRAWN],
    }
    pdf = render_pdf("labellisation/pdf/committee_minutes.html", context, request=request)
    return pdf_response(pdf, f"proces-verbal-comite-{session.date:%Y-%m-%d}")
