"""DAECT's pages of a selection committee: its dossiers, agenda and minutes."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import capfirst
from django.views.decorators.http import require_GET

from expect.core.decorators import daect_required
from expect.core.pdf import pdf_response, render_pdf

from ..models import CommitteeSession, LabelApplication

State = LabelApplication.State
View = Callable[..., HttpResponse]


def _dossiers(session: CommitteeSession) -> QuerySet[LabelApplication]:
    # Everything a row shows comes in the same query, however long the agenda.
    return session.applications.select_related(
        "collectivity", "collectivity__region", "theme"
    ).order_by("collectivity__name", "pk")


def _crumbs(session: CommitteeSession) -> dict:
    committees = reverse("admin:labellisation_committeesession_changelist")
    links = [{"url": committees, "title": capfirst(CommitteeSession._meta.verbose_name_plural)}]
    return {"title": str(session), "breadcrumb_data": {"links": links, "current": str(session)}}


@daect_required
@require_GET
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(CommitteeSession, pk=pk)
    context = {"session": session, "dossiers": _dossiers(session), **_crumbs(session)}
    return render(request, "labellisation/committee_detail.html", context)


@daect_required
@require_GET
def committee_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(CommitteeSession, pk=pk)
    context = {
        "session": session,
        "members": session.members.order_by("last_name", "first_name"),
        # A withdrawn dossier is no longer on the agenda.
        "dossiers": _dossiers(session).exclude(state=State.WITHDRAWN),
    }
    pdf = render_pdf("labellisation/pdf/committee_agenda.html", context, request=request)
    return pdf_response(pdf, f"ordre-du-jour-comite-{session.date:%Y-%m-%d}")


@daect_required
@require_GET
def committee_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(CommitteeSession, pk=pk)
    dossiers = _dossiers(session)
    context = {
        "session": session,
        "members": session.members.order_by("last_name", "first_name"),
        "decided": dossiers.filter(state__in=[State.GRANTED, State.REFUSED]),
        "undecided": dossiers.exclude(state__in=LabelApplication.CLOSED_STATES),
        "withdrawn": dossiers.filter(state=State.WITHDRAWN),
    }
    pdf = render_pdf("labellisation/pdf/committee_minutes.html", context, request=request)
    return pdf_response(pdf, f"proces-verbal-comite-{session.date:%Y-%m-%d}")
