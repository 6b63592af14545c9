"""The embassy's side of needs (besoins): draft, complete, submit and follow them.

DAECT reads them here too, but qualifies them in the back office.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from expect.accounts.models import User
from expect.core.archive import discard_draft
from expect.core.confirm import confirmation_required
from expect.core.downloads import document_download
from expect.core.models import Event
from expect.core.uploads import tell_what_was_removed

from .. import services
from ..forms_needs import NeedAttachmentForm, NeedFilter, NeedForm, need_problems
from ..models import Mission, MissionProposal, MissionRequest
from ..permissions import can_change_need, can_read_brief, need_change_refusal

PAGE_SIZE = 30


def can_change(user: User, need: MissionRequest) -> bool:
    """An agent of the embassy that relays the need, while it is a draft or sent back."""
    return can_change_need(user, need)


_refusal = need_change_refusal


def _forbidden(request: HttpRequest, text: str) -> HttpResponse:
    context = {"status": 403, "title": _("Access denied"), "text": text}
    return render(request, "core/error.html", context, status=403)


def _visible(request: HttpRequest, pk: int) -> MissionRequest:
    """A need the user may read, else 404: nobody learns that another's need exists."""
    needs = MissionRequest.objects.visible_to(request.user).select_related(
        "embassy", "theme", "working_language", "created_by"
    )
    return get_object_or_404(needs, pk=pk)


def _crumbs(title: str, need: MissionRequest | None = None) -> dict:
    links = [{"url": reverse("missions:request_list"), "title": _("Needs")}]
    if need is not None:
        links.append(
            {"url": reverse("missions:request_detail", args=[need.pk]), "title": str(need)}
        )
    return {"title": title, "breadcrumb_data": {"links": links, "current": title}}


def _paginate(queryset: QuerySet, number: str | None) -> Page:
    page = Paginator(queryset, PAGE_SIZE).get_page(number)
    page.pages_list = list(page.paginator.get_elided_page_range(page.number, on_each_side=2))
    return page


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_embassy_agent or user.is_daect):
        raise Http404
    needs = MissionRequest.objects.visible_to(user).unarchived().select_related("theme", "embassy")
    filterset = NeedFilter(request.GET or None, queryset=needs)
    context = {
        "filter": filterset,
        "page_obj": _paginate(filterset.qs, request.GET.get("page")),
        "can_create": user.is_embassy_agent,
        "title": _("Needs of foreign authorities"),
        "breadcrumb_data": {"current": _("Needs of foreign authorities")},
    }
    return render(request, "missions/needs/request_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_embassy_agent:
        raise Http404
    form = NeedForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        need = services.request_create(need=form.save(commit=False), by=user)
        messages.success(
            request, _("Draft saved. Add any useful document, then submit the need to DAECT.")
        )
        return redirect("missions:request_detail", need.pk)
    context = {"form": form, **_crumbs(_("New need"))}
    return render(request, "missions/needs/request_form.html", context)


def _event_rows(need: MissionRequest, user: User) -> list[Event]:
    """The timeline of the need and its mission; the embassy never reads the proposals
    (they name the other collectivities approached) nor the internal events."""
    events = need.events.timeline()
    if not user.is_daect:
        events = events.public().filter(proposal__isnull=True)
    return list(events)


def _proposal_counts(need: MissionRequest) -> dict[str, int]:
    """How many collectivities were approached and what they answered, without naming them."""
    rows = need.proposals.values("state").annotate(n=Count("pk")).order_by()
    counts = dict.fromkeys(MissionProposal.State.values, 0)
    counts.update({row["state"]: row["n"] for row in rows})
    return {
        "total": sum(counts.values()),
        "open": counts[MissionProposal.State.OPEN],
        "accepted": counts[MissionProposal.State.ACCEPTED]
        + counts[MissionProposal.State.CONFIRMED],
        "declined": counts[MissionProposal.State.DECLINED],
    }


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = _visible(request, pk)
    user = request.user
    editable = can_change(user, need)
    context = {
        "need": need,
        "events": _event_rows(need, user),
        "attachments": need.attachments.all(),
        "proposals": _proposal_counts(need),
        "mission": Mission.objects.filter(request=need).first(),
        "can_change": editable,
        "problems": need_problems(need, user) if editable else [],
        "attachment_form": NeedAttachmentForm() if editable else None,
        **_crumbs(str(need)),
    }
    context["breadcrumb_data"]["links"] = context["breadcrumb_data"]["links"][:1]
    return render(request, "missions/needs/request_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = _visible(request, pk)
    if refusal := _refusal(request.user, need):
        return _forbidden(request, refusal)
    form = NeedForm(request.POST or None, user=request.user, instance=need)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_save_draft(
                need=need, by=request.user, values=form.cleaned_data, fields=NeedForm.Meta.fields
            )
        except PermissionDenied as error:
            return _forbidden(request, str(error))
        messages.success(request, _("The need is saved."))
        return redirect("missions:request_detail", need.pk)
    context = {"form": form, "need": need, **_crumbs(_("Edit the need"), need)}
    return render(request, "missions/needs/request_form.html", context)


@login_required
@require_POST
def request_submit(request: HttpRequest, pk: int) -> HttpResponse:
    need = _visible(request, pk)
    if need.is_archived:
        messages.error(request, _("This draft was discarded."))
        return redirect("missions:request_detail", pk)
    problems = need_problems(need, request.user) if can_change(request.user, need) else []
    if problems:
        messages.error(request, _("Correct the need before you submit it."))
        return redirect("missions:request_detail", pk)
    try:
        services.request_submit(need=need, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The need is submitted. DAECT was told by e-mail."))
    return redirect("missions:request_detail", pk)


@login_required
@require_POST
def request_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """The embassy throws a draft need away: it is archived, never deleted."""
    need = _visible(request, pk)
    try:
        discard_draft(need, by=request.user, allowed=can_change)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("missions:request_detail", pk)
    messages.success(request, _("The draft is discarded."))
    return redirect("missions:request_list")


@login_required
@require_POST
def request_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    need = _visible(request, pk)
    if refusal := _refusal(request.user, need):
        return _forbidden(request, refusal)
    form = NeedAttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = form.save(need=need, by=request.user)
        except PermissionDenied as error:
            return _forbidden(request, str(error))
        messages.success(
            request, _("The document %(name)s is added.") % {"name": attachment.original_name}
        )
        tell_what_was_removed(request, form.cleaned_data["file"])
    else:
        for message in form.errors.get("file", []):
            messages.error(request, message)
    return redirect(reverse("missions:request_detail", args=[pk]) + "#documents")


@login_required
@require_GET
def request_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """A document of the brief, for whoever may read the brief (else 404)."""
    need = get_object_or_404(MissionRequest, pk=pk)
    if not can_read_brief(request.user, need):
        raise Http404
    attachment = get_object_or_404(need.attachments, pk=attachment_pk)
    return document_download(
        request, attachment, filename=attachment.original_name, content_type="application/pdf"
    )


@login_required
@require_POST
def request_attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    need = _visible(request, pk)
    if refusal := _refusal(request.user, need):
        return _forbidden(request, refusal)
    attachment = get_object_or_404(need.attachments, pk=attachment_pk)
    if page := confirmation_required(
        request,
        title=_("Remove %(name)s?") % {"name": attachment.original_name},
        question=_("The document will be deleted for good."),
        confirm_label=_("Yes, remove it"),
        cancel_url=reverse("missions:request_detail", args=[pk]) + "#documents",
    ):
        return page
    try:
        services.request_attachment_delete(attachment=attachment, by=request.user)
    except PermissionDenied as error:
        return _forbidden(request, str(error))
    messages.success(
        request, _("The document %(name)s is removed.") % {"name": attachment.original_name}
    )
    return redirect(reverse("missions:request_detail", args=[pk]) + "#documents")
