from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from expect.accounts import services as account_services
from expect.accounts.forms import RefuseMembershipForm
from expect.accounts.models import Membership
from expect.accounts.pending import pending_page
from expect.accounts.permissions import can_edit_collectivity, pending_membership
from expect.core.formats import de_name
from expect.core.pages import page_context

from .forms import CollectivityProfileForm
from .models import Collectivity
from .permissions import can_publish_contact

SEARCH_LIMIT = 15


@require_GET
def search(request: HttpRequest) -> JsonResponse:
    """Suggestions for the registration form: the official list is public data."""
    query = request.GET.get("q", "")[:100]
    results = Collectivity.objects.search(query)[:SEARCH_LIMIT]
    return JsonResponse({"results": [{"id": c.pk, "label": c.label_for_search} for c in results]})


def _own_collectivity(request: HttpRequest) -> Collectivity:
    """The signed-in member's collectivity; 404 for anyone without a confirmed membership."""
    collectivity = request.user.collectivity
    if collectivity is None:
        raise Http404
    return collectivity


@login_required
@require_http_methods(["GET", "POST"])
def my_collectivity(request: HttpRequest) -> HttpResponse:
    if membership := pending_membership(request.user):
        return pending_page(request, membership, _("My collectivity"))
    collectivity = _own_collectivity(request)
    editable = can_edit_collectivity(request.user, collectivity.pk)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    form = (
        CollectivityProfileForm(
            request.POST or None,
            instance=collectivity,
            may_publish=can_publish_contact(request.user, collectivity),
        )
        if editable
        else None
    )
    if form is not None and request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The collectivity's profile is saved."))
        return redirect("organisations:my_collectivity")
    context = {"collectivity": collectivity, "form": form, **page_context(_("My collectivity"))}
    return render(request, "organisations/my_collectivity.html", context)


@login_required
@require_GET
def members(request: HttpRequest) -> HttpResponse:
    if membership := pending_membership(request.user):
        return pending_page(request, membership, _("Members"))
    collectivity = _own_collectivity(request)
    memberships = collectivity.memberships.select_related("user", "decided_by").order_by(
        "state", "user__last_name"
    )
    context = {
        "collectivity": collectivity,
        "memberships": memberships,
        "is_referent": request.user.active_membership.is_referent,
        "refuse_form": RefuseMembershipForm(),
        **page_context(
            _("Members"),
            {"url": reverse("organisations:my_collectivity"), "title": _("My collectivity")},
        ),
    }
    return render(request, "organisations/members.html", context)


def _decidable(request: HttpRequest, pk: int) -> Membership:
    """A membership of the user's own collectivity, else 404: others' requests stay unseen."""
    collectivity = _own_collectivity(request)
    return get_object_or_404(Membership, pk=pk, collectivity=collectivity)


@login_required
@require_POST
def membership_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _decidable(request, pk)
    account_services.membership_confirm(membership=membership, by=request.user)
    messages.success(request, _("%(name)s is now a member.") % {"name": membership.user})
    return redirect("organisations:members")


@login_required
@require_POST
def membership_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _decidable(request, pk)
    form = RefuseMembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason to refuse a request."))
        return redirect("organisations:members")
    account_services.membership_refuse(
        membership=membership, by=request.user, reason=form.cleaned_data["reason"]
    )
    messages.success(
        request, _("The request %(of_name)s is refused.") % {"of_name": de_name(membership.user)}
    )
    return redirect("organisations:members")


@login_required
@require_GET
def my_embassy(request: HttpRequest) -> HttpResponse:
    if not request.user.is_embassy_agent:
        raise Http404
    embassy = request.user.embassy
    context = {
        "embassy": embassy,
        "agents": embassy.agents.filter(is_active=True),
        **page_context(_("My embassy")),
    }
    return render(request, "organisations/my_embassy.html", context)
