"""The PDF documents of a collectivity: its label certificates and application receipts.

Both are for DAECT staff and the confirmed members of the collectivity; anyone else
gets a 404, so that nobody learns that a label or a dossier exists.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from expect.accounts.models import User
from expect.core.pdf import pdf_response, stored_pdf
from expect.notifications.emails import absolute_url

from ..models import Label, LabelApplication


def verification_url(code: str) -> str:
    """The public page that confirms a certificate, printed on it in full to be typed."""
    return absolute_url(reverse("labellisation:verify", args=[code]))


def _visible_label(user: User, pk: int) -> Label:
    """A label of the user's own collectivity (any label for DAECT), else 404."""
    return get_object_or_404(
        Label.objects.visible_to(user).select_related("collectivity", "theme"), pk=pk
    )


@login_required
@require_GET
def label_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    label = _visible_label(request.user, pk)
    context = {
        "label": label,
        "verification_url": verification_url(label.verification_code),
        "issued_on": timezone.localdate(),
    }
    # Rendered once, then served from storage until the label (or its holder) changes.
    pdf = stored_pdf(
        f"labels/{label.pk}/certificate",
        "labellisation/pdf/certificate.html",
        context,
        request=request,
        volatile=("issued_on",),
    )
    return pdf_response(pdf, f"label-expe-ct-{label.collectivity.name}-{label.verification_code}")


def _submitted_application(user: User, pk: int) -> LabelApplication:
    """A dossier the user may see that was submitted at least once, else 404."""
    applications = (
        LabelApplication.objects.visible_to(user)
        .exclude(state=LabelApplication.State.DRAFT)
        # A draft withdrawn before it was ever submitted has nothing to acknowledge.
        .filter(submitted_at__isnull=False)
        .select_related("collectivity", "theme", "committee")
        .prefetch_related("experts", "attachments")
    )
    return get_object_or_404(applications, pk=pk)


@login_required
@require_GET
def application_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    application = _submitted_application(request.user, pk)
    reference = application.reference
    context = {"application": application, "reference": reference}
    pdf = stored_pdf(
        f"applications/{application.pk}/receipt",
        "labellisation/pdf/receipt.html",
        context,
        request=request,
    )
    return pdf_response(pdf, f"recepisse-{reference}")
