"""Proposals of a need: DAECT ranks and proposes, the collectivity answers, DAECT confirms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from expect.accounts.models import User
from expect.accounts.pending import pending_page
from expect.accounts.permissions import pending_membership
from expect.core.confirm import confirmation_required
from expect.core.decorators import daect_required

from .. import matching, services
from ..forms_proposals import (
    MAX_NEW_EXPERTS,
    AcceptForm,
    DeclineForm,
    NewExpertFormSet,
    ProposeForm,
)
from ..models import MissionProposal, MissionRequest
from ..permissions import can_read_brief, is_member_of
from ..roster import NewExpert, accept_with_experts

PState = MissionProposal.State
NEW_EXPERTS_PREFIX = "new"
# Refusals of the services that belong next to a field rather than at the top of the page.
FIELD_OF_CODE = {"no_expert": "experts", "foreign_expert": "experts"}
# Candidates per page of the matching page: DAECT proposes to the best few.
MATCHING_PAGE_SIZE = 25


def can_view(user: User, proposal: MissionProposal) -> bool:
    """DAECT and the confirmed members of the collectivity the need is proposed to."""
    return user.is_daect or is_member_of(user, proposal.collectivity_id)


def can_answer(user: User, proposal: MissionProposal) -> bool:
    """A member of the collectivity, while the proposal is open and its deadline not past."""
    return (
        is_member_of(user, proposal.collectivity_id)
        and proposal.state == PState.OPEN
        and proposal.request.state not in MissionRequest.CLOSED_STATES
        and not proposal.is_late()
    )


# DAECT: the matching page of a need.


def _need(pk: int) -> MissionRequest:
    related = ("embassy", "theme", "working_language")
    return get_object_or_404(MissionRequest.objects.select_related(*related), pk=pk)


def _matching_rows(need: MissionRequest, page, scarce: bool, proposals, form) -> list[dict]:
    """One row per ranked collectivity of the page, with the proposal it already received."""
    received = {proposal.collectivity_id: proposal for proposal in proposals}
    ticked = {str(pk) for pk in form["collectivities"].value() or []}
    return [
        {
            "match": matching.match(need, collectivity, scarce),
            "proposal": received.get(collectivity.pk),
            "ticked": str(collectivity.pk) in ticked,
        }
        for collectivity in page
    ]


def _matching_page(request: HttpRequest, need: MissionRequest, form) -> HttpResponse:
    proposals = list(
        need.proposals.select_related("collectivity")
        .prefetch_related("experts")
        .order_by("collectivity__name")
    )
    page = rows = None
    if form is not None:
        # The best candidates first, a page at a time: the database ranks them all.
        scarce = matching.is_scarce(need.country.code)
        ranking = matching.ranked(need, timezone.localdate(), scarce)
        page = Paginator(ranking, MATCHING_PAGE_SIZE).get_page(request.GET.get("page"))
        page.pages_list = list(page.paginator.get_elided_page_range(page.number, on_each_side=2))
        rows = _matching_rows(need, page, scarce, proposals, form)
    title = _("Matching of the need")
    context = {
        "need": need,
        "form": form,
        "rows": rows or [],
        "page_obj": page,
        "proposals": proposals,
        "accepted": [p for p in proposals if p.state == PState.ACCEPTED],
        "title": title,
        "breadcrumb_data": {
            "links": [
                {"url": reverse("missions:request_list"), "title": _("Needs")},
                {"url": reverse("missions:request_detail", args=[need.pk]), "title": str(need)},
            ],
            "current": title,
        },
    }
    return render(request, "missions/proposals/matching.html", context)


def _propose(request: HttpRequest, need: MissionRequest, form: ProposeForm) -> bool:
    """Propose the need to every ticked collectivity, or to none if one is refused."""
    data, errors = form.cleaned_data, []
    with transaction.atomic():
        for collectivity in data["collectivities"]:
            try:
                services.proposal_create(
                    need=need,
                    collectivity=collectivity,
                    by=request.user,
                    deadline=data["deadline"],
                    message=data["message"],
                )
            except ValidationError as error:
                errors.append(_named(collectivity, error))
        if errors:
            transaction.set_rollback(True)
    for error in errors:
        form.add_error("collectivities", error)
    return not errors


def _named(collectivity, error: ValidationError) -> ValidationError:
    # Ticking several collectivities, DAECT must learn which one was refused.
    code = getattr(error, "code", None)
    if code == "no_label":  # This message names the collectivity already.
        return error
    text = " ".join(error.messages)
    return ValidationError(
        _("%(collectivity)s: %(error)s") % {"collectivity": collectivity, "error": text}, code=code
    )


@daect_required
@require_http_methods(["GET", "POST"])
def request_matching(request: HttpRequest, pk: int) -> HttpResponse:
    # The back office's right to propose, the same here (a « Consultation » agent reads).
    if request.method == "POST" and not request.user.has_perm("missions.propose_need"):
        raise PermissionDenied
    need = _need(pk)
    if need.state not in MissionRequest.PROPOSABLE_STATES:
        if request.method == "POST":
            messages.error(request, _("Only a qualified need can be proposed."))
            return redirect("missions:request_matching", pk)
        return _matching_page(request, need, None)
    form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        count = len(form.cleaned_data["collectivities"])
        if page := confirmation_required(
            request,
            title=_("Send the proposals?"),
            question=ngettext(
                "The need is proposed to %(count)d collectivity; its members are told by "
                "e-mail at once.",
                "The need is proposed to %(count)d collectivities; their members are told by "
                "e-mail at once.",
                count,
            )
            % {"count": count},
            confirm_label=_("Yes, send the proposals"),
            cancel_url=reverse("missions:request_matching", args=[pk]),
        ):
            return page
    if request.method == "POST" and form.is_valid() and _propose(request, need, form):
        count = len(form.cleaned_data["collectivities"])
        messages.success(
            request,
            ngettext(
                "The need is proposed to %(count)d collectivity; its members are told by e-mail.",
                "The need is proposed to %(count)d collectivities; their members are told by "
                "e-mail.",
                count,
            )
            % {"count": count},
        )
        return redirect("missions:request_matching", pk)
    return _matching_page(request, need, form)


@daect_required
@require_POST
def proposal_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("missions.confirm_proposal"):
        raise PermissionDenied
    proposal = get_object_or_404(MissionProposal, pk=pk)
    if page := confirmation_required(
        request,
        title=_("Confirm the mission with %(collectivity)s?")
        % {"collectivity": proposal.collectivity},
        question=_(
            "The mission is created with this team; the other collectivities still in the "
            "running are thanked and their proposals closed."
        ),
        confirm_label=_("Yes, confirm the mission"),
        cancel_url=reverse("missions:request_matching", args=[proposal.request_id]),
    ):
        return page
    try:
        mission = services.proposal_confirm(proposal=proposal, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("missions:request_matching", proposal.request_id)
    messages.success(
        request,
        _("The mission is created. The other collectivities still in the running are told."),
    )
    return redirect("missions:mission_detail", mission.pk)


# The collectivity's side.


def _visible(request: HttpRequest, pk: int) -> MissionProposal:
    """A proposal the user may read, else 404: nobody learns that another's proposal exists."""
    related = ("collectivity", "request__theme", "request__working_language")
    proposal = get_object_or_404(MissionProposal.objects.select_related(*related), pk=pk)
    if not can_view(request.user, proposal):
        raise Http404
    return proposal


def _answering(request: HttpRequest, pk: int) -> MissionProposal:
    proposal = _visible(request, pk)
    if not is_member_of(request.user, proposal.collectivity_id):
        raise PermissionDenied(_("Only the collectivity's members answer this proposal."))
    return proposal


@login_required
@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    if membership := pending_membership(request.user):
        return pending_page(request, membership, _("Mission proposals"))
    proposals = MissionProposal.objects.select_related("collectivity", "request__theme").order_by(
        "-proposed_at"
    )
    if not request.user.is_daect:
        collectivity = request.user.collectivity
        if collectivity is None or request.user.role != User.Role.MEMBER:
            raise Http404
        proposals = proposals.filter(collectivity=collectivity)
    title = _("Mission proposals")
    context = {
        "proposals": proposals,
        "title": title,
        "breadcrumb_data": {"current": title},
    }
    return render(request, "missions/proposals/list.html", context)


def _detail_page(request: HttpRequest, proposal: MissionProposal, **forms) -> HttpResponse:
    answerable = can_answer(request.user, proposal)
    if answerable:
        forms.setdefault("accept_form", AcceptForm(collectivity=proposal.collectivity))
        forms.setdefault("new_experts", NewExpertFormSet(prefix=NEW_EXPERTS_PREFIX))
        forms.setdefault("decline_form", DeclineForm())
    title = _("Mission proposal: %(partner)s") % {"partner": proposal.request.partner_name}
    context = {
        "proposal": proposal,
        "need": proposal.request,
        "experts": proposal.experts.order_by("last_name", "first_name"),
        "brief_documents": (
            list(proposal.request.attachments.all())
            if can_read_brief(request.user, proposal.request)
            else None
        ),
        "can_answer": answerable,
        "is_late": proposal.is_late(),
        "need_closed": proposal.request.state in MissionRequest.CLOSED_STATES,
        "max_new_experts": MAX_NEW_EXPERTS,
        "title": title,
        "breadcrumb_data": {
            "links": [{"url": reverse("missions:proposal_list"), "title": _("Mission proposals")}],
            "current": title,
        },
        **forms,
    }
    return render(request, "missions/proposals/detail.html", context)


@login_required
@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _visible(request, pk))


def _with_one_more_block(data: QueryDict) -> QueryDict:
    data, key = data.copy(), f"{NEW_EXPERTS_PREFIX}-TOTAL_FORMS"
    total = int(data[key]) if data.get(key, "").isdecimal() else 0
    data[key] = str(min(total + 1, MAX_NEW_EXPERTS))
    return data


def _accept(request: HttpRequest, proposal: MissionProposal, form, new_experts) -> bool:
    """Accept with the experts picked or added (accounts created and invited), all or nothing."""
    data = form.cleaned_data
    if not (data["experts"] or data["roster"] or new_experts.filled_forms()):
        form.add_error("experts", ValidationError(_("Name at least one expert."), code="no_expert"))
        return False
    try:
        accept_with_experts(
            proposal=proposal,
            by=request.user,
            members=data["experts"],
            entries=data["roster"],
            new_experts=[NewExpert(**block.cleaned_data) for block in new_experts.filled_forms()],
        )
    except ValidationError as error:
        field = FIELD_OF_CODE.get(getattr(error, "code", None))
        if field:
            form.add_error(field, error)
        else:
            for message in error.messages:
                messages.error(request, message)
        return False
    return True


@login_required
@require_POST
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _answering(request, pk)
    form = AcceptForm(request.POST, collectivity=proposal.collectivity)
    if "add_expert" in request.POST:
        # Without JavaScript, one more empty block comes from the server; nothing is saved.
        new_experts = NewExpertFormSet(
            _with_one_more_block(request.POST), prefix=NEW_EXPERTS_PREFIX
        )
        return _detail_page(request, proposal, accept_form=form, new_experts=new_experts)
    new_experts = NewExpertFormSet(request.POST, prefix=NEW_EXPERTS_PREFIX)
    valid = all([form.is_valid(), new_experts.is_valid()])  # Both, to show every error.
    if valid and _accept(request, proposal, form, new_experts):
        messages.success(request, _("You accepted the proposal. DAECT will confirm the mission."))
        return redirect("missions:proposal_detail", pk)
    return _detail_page(request, proposal, accept_form=form, new_experts=new_experts)


@login_required
@require_POST
def proposal_decline(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _answering(request, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, proposal, decline_form=form)
    try:
        services.proposal_decline(
            proposal=proposal, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("You declined the proposal. DAECT is told."))
    return redirect("missions:proposal_detail", pk)
