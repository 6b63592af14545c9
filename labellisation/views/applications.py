"""The applicant's side of a label application: draft in steps, submit, follow, answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from expect.accounts.pending import pending_page
from expect.accounts.permissions import pending_membership
from expect.core.archive import discard_draft
from expect.core.confirm import confirmation_required
from expect.core.downloads import document_download
from expect.core.uploads import tell_what_was_removed

from .. import permissions, services
from ..forms import (
    AttachmentForm,
    CommentForm,
    CommitmentForm,
    ExpertFormSet,
    ExpertiseForm,
    MessageForm,
    ProjectFormSet,
)
from ..models import Attachment, Label, LabelApplication

STEPS = [
    ("expertise", gettext_lazy("Theme and expertise")),
    ("cooperation", gettext_lazy("Earlier cooperation")),
    ("experts", gettext_lazy("Proposed experts")),
    ("documents", gettext_lazy("Documents")),
    ("commitment", gettext_lazy("Commitment")),
]
STEP_SLUGS = [slug for slug, _title in STEPS]


def _crumbs(title: str, application: LabelApplication | None = None) -> dict:
    links = [{"url": reverse("labellisation:application_list"), "title": _("Label applications")}]
    if application is not None:
        url = reverse("labellisation:application_detail", args=[application.pk])
        links.append({"url": url, "title": str(application.theme)})
    return {"title": title, "breadcrumb_data": {"links": links, "current": title}}


def _visible(request: HttpRequest, pk: int) -> LabelApplication:
    """A dossier the user may read, else 404: nobody learns that another's dossier exists."""
    application = get_object_or_404(
        LabelApplication.objects.select_related("collectivity", "theme", "committee"), pk=pk
    )
    if not permissions.can_view(request.user, application):
        raise Http404
    return application


def _editable(request: HttpRequest, pk: int) -> LabelApplication:
    application = _visible(request, pk)
    if permissions.is_pending_drafter(request.user, application):
        return application
    if not permissions.is_applicant(request.user, application):
        raise Http404
    if not application.is_editable:
        raise PermissionDenied(_("This application was submitted: it can no longer be changed."))
    return application


def _own_collectivity(request: HttpRequest):
    if request.user.collectivity is None or request.user.role != request.user.Role.MEMBER:
        raise Http404
    return request.user.collectivity


def _drafting_collectivity(request: HttpRequest):
    """The collectivity a member drafts for: their own, or the one they wait to join."""
    if membership := pending_membership(request.user):
        return membership.collectivity
    return _own_collectivity(request)


@login_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    if membership := pending_membership(request.user):
        drafts = LabelApplication.objects.unarchived().filter(
            created_by=request.user,
            collectivity=membership.collectivity,
            state=LabelApplication.State.DRAFT,
        )
        return pending_page(
            request, membership, _("Label applications"), drafts=drafts.select_related("theme")
        )
    collectivity = _own_collectivity(request)
    context = {
        # Archived dossiers and labels (a discarded draft among them) stay in the admin only.
        "applications": collectivity.label_applications.unarchived().select_related(
            "theme", "committee"
        ),
        "labels": Label.objects.unarchived()
        .filter(collectivity=collectivity)
        .select_related("theme"),
        "title": _("Label applications"),
        "breadcrumb_data": {"current": _("Label applications")},
    }
    return render(request, "labellisation/application_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest) -> HttpResponse:
    collectivity = _drafting_collectivity(request)
    form = ExpertiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        application = form.save(commit=False)
        application.collectivity, application.created_by = collectivity, request.user
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:
            form.add_error(
                "theme",
                _("Your collectivity already has an application in progress on this theme."),
            )
        else:
            messages.success(request, _("Draft saved. Go on with the next step when you like."))
            return redirect("labellisation:application_step", application.pk, STEP_SLUGS[1])
    context = {"form": form, "steps": STEPS, "step_index": 1, **_crumbs(_("New application"))}
    return render(request, "labellisation/application_step.html", context)


def _step_forms(step: str, application: LabelApplication, data, files) -> dict:
    """The form (or formset) of one step, bound to the request data if any."""
    if step == "expertise":
        return {"form": ExpertiseForm(data, instance=application)}
    if step == "cooperation":
        return {"formset": ProjectFormSet(data, instance=application, prefix="projects")}
    if step == "experts":
        return {"formset": ExpertFormSet(data, instance=application, prefix="experts")}
    if step == "documents":
        return {"form": AttachmentForm(data, files, existing=application.attachments.all())}
    return {"form": CommitmentForm(data, instance=application)}


def _save_step(step: str, forms: dict, application: LabelApplication, request) -> None:
    if step == "documents":
        forms["form"].save(application=application, by=request.user)
        tell_what_was_removed(request, forms["form"].cleaned_data["file"])
    else:
        (forms.get("form") or forms["formset"]).save()


@login_required
@require_http_methods(["GET", "POST"])
def application_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEP_SLUGS:
        raise Http404
    application = _editable(request, pk)
    data = request.POST if request.method == "POST" else None
    forms = _step_forms(step, application, data, request.FILES if data else None)
    bound = forms.get("form") or forms["formset"]
    if data is not None and bound.is_valid():
        with transaction.atomic():
            _save_step(step, forms, application, request)
        messages.success(request, _("Saved."))
        index = STEP_SLUGS.index(step)
        if "continue" in request.POST and step != "documents":
            if index + 1 < len(STEP_SLUGS):
                return redirect("labellisation:application_step", pk, STEP_SLUGS[index + 1])
            return redirect("labellisation:application_detail", pk)
        return redirect("labellisation:application_step", pk, step)
    context = {
        **forms,
        "application": application,
        "step": step,
        "steps": STEPS,
        "step_index": STEP_SLUGS.index(step) + 1,
        "attachments": application.attachments.all() if step == "documents" else None,
        **_crumbs(str(dict(STEPS)[step]), application),
    }
    return render(request, "labellisation/application_step.html", context)


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible(request, pk)
    events = application.events.timeline()
    if not request.user.is_daect:
        events = events.public()
    user = request.user
    context = {
        "application": application,
        "projects": application.projects.all(),
        "experts": application.experts.prefetch_related("languages"),
        "attachments": application.attachments.all(),
        "events": events,
        "is_applicant": permissions.is_applicant(user, application),
        "can_edit": permissions.can_edit(user, application),
        "pending_membership": pending_membership(user)
        if permissions.is_pending_drafter(user, application)
        else None,
        "can_withdraw": permissions.can_withdraw(user, application),
        "can_write": permissions.can_write_message(user, application),
        "missing": services.missing_for_submission(application) if application.is_editable else [],
        "steps": STEPS,
        "message_form": MessageForm(),
        "comment_form": CommentForm(),
        **_crumbs(_("Application: %(theme)s") % {"theme": application.theme}),
    }
    return render(request, "labellisation/application_detail.html", context)


def _confirm(request: HttpRequest, pk: int, **texts) -> HttpResponse | None:
    """The confirmation page of the applicant's action on a dossier, until confirmed."""
    application = _visible(request, pk)
    if not permissions.can_edit(request.user, application) and not permissions.is_applicant(
        request.user, application
    ):
        # Those who read the dossier without acting for the collectivity learn it at once.
        raise PermissionDenied(_("Only the collectivity's members act on its application."))
    cancel_url = reverse("labellisation:application_detail", args=[pk])
    return confirmation_required(request, cancel_url=cancel_url, **texts)


def _run(request: HttpRequest, pk: int, action, success: str, **kwargs) -> HttpResponse:
    """Run a workflow service for the signed-in user; its refusals become messages."""
    application = _visible(request, pk)
    try:
        action(application=application, by=request.user, **kwargs)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("labellisation:application_detail", pk)


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    if page := _confirm(
        request,
        pk,
        title=_("Submit the application?"),
        question=_(
            "Once submitted, the application can no longer be changed unless DAECT asks "
            "for more information."
        ),
        confirm_label=_("Yes, submit"),
    ):
        return page
    return _run(
        request,
        pk,
        services.application_submit,
        _("Your application is submitted. A receipt was sent to you by e-mail."),
    )


@login_required
@require_POST
def application_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _run(
        request,
        pk,
        services.application_resubmit,
        _("Your application is sent back to DAECT."),
        comment=comment,
    )


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    if page := _confirm(
        request,
        pk,
        title=_("Withdraw the application?"),
        question=_(
            "A withdrawn application is closed for good: to apply again, you will start a new one."
        ),
        confirm_label=_("Yes, withdraw"),
    ):
        return page
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _run(
        request,
        pk,
        services.application_withdraw,
        _("Your application is withdrawn."),
        comment=comment,
    )


@login_required
@require_POST
def application_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant throws a draft away: it is archived, never deleted."""
    if page := _confirm(
        request,
        pk,
        title=_("Discard the draft?"),
        question=_("The draft and what it contains will no longer be shown to you."),
        confirm_label=_("Yes, discard"),
    ):
        return page
    application = _visible(request, pk)
    try:
        discard_draft(application, by=request.user, allowed=permissions.can_edit)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("labellisation:application_detail", pk)
    messages.success(request, _("The draft is discarded."))
    return redirect("labellisation:application_list")


@login_required
@require_POST
def application_message(request: HttpRequest, pk: int) -> HttpResponse:
    form = MessageForm(request.POST)
    if not form.is_valid():
        if not request.POST.get("text", "").strip():
            messages.error(request, _("The message is empty: write it before sending it."))
        else:
            messages.error(request, _("The message is too long: 5,000 characters at most."))
        return redirect("labellisation:application_detail", pk)
    return _run(
        request,
        pk,
        services.application_message,
        _("Your message is sent."),
        text=form.cleaned_data["text"],
    )


def _attachment(request: HttpRequest, pk: int, attachment_pk: int) -> Attachment:
    application = _visible(request, pk)
    return get_object_or_404(application.attachments, pk=attachment_pk)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment = _attachment(request, pk, attachment_pk)
    return document_download(
        request, attachment, filename=attachment.original_name, content_type="application/pdf"
    )


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = _editable(request, pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    if page := confirmation_required(
        request,
        title=_("Remove %(name)s?") % {"name": attachment.original_name},
        question=_("The document will be deleted for good."),
        confirm_label=_("Yes, remove it"),
        cancel_url=reverse("labellisation:application_step", args=[pk, "documents"]),
    ):
        return page
    attachment.file.delete(save=False)
    attachment.delete()
    messages.success(
        request, _("The document %(name)s is removed.") % {"name": attachment.original_name}
    )
    return redirect("labellisation:application_step", pk, "documents")
