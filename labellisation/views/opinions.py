"""The pages of those DAECT asks for an opinion on a dossier."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import services
from ..forms import OpinionForm
from ..models import Opinion


@login_required
@require_GET
def opinion_list(request: HttpRequest) -> HttpResponse:
    opinions = Opinion.objects.filter(requested_from=request.user).select_related(
        "application__collectivity", "application__theme"
    )
    context = {
        "opinions": opinions,
        "title": _("Opinions asked of me"),
        "breadcrumb_data": {"current": _("Opinions asked of me")},
    }
    return render(request, "labellisation/opinion_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def opinion_give(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the person asked reaches the page: 404 for anyone else.
    # A request DAECT withdrew before it was answered no longer opens the dossier.
    opinion = get_object_or_404(
        Opinion.objects.select_related("application__collectivity", "application__theme").exclude(
            withdrawn_at__isnull=False, given_at__isnull=True
        ),
        pk=pk,
        requested_from=request.user,
    )
    form = OpinionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.opinion_give(opinion=opinion, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you: your opinion is recorded."))
        return redirect("labellisation:opinion_give", pk)
    application = opinion.application
    context = {
        "opinion": opinion,
        "form": None if opinion.is_given else form,
        "application": application,
        "projects": application.projects.all(),
        "experts": application.experts.prefetch_related("languages"),
        "attachments": application.attachments.all(),
        "title": _("Opinion on %(application)s") % {"application": application},
        "breadcrumb_data": {"current": _("Opinion")},
    }
    return render(request, "labellisation/opinion_give.html", context)
