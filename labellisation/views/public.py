"""Public pages, open without signing in: the catalogue of labelled expertise, a
collectivity's public page and the verification of a label certificate."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from expect.core.pages import page_context
from expect.core.paging import lean_page

from ..filters import CatalogueFilter, labelled_collectivities
from ..models import Label
from ..search import add_extracts

CATALOGUE_PAGE_SIZE = 20
# Spaces and the dashes a word processor or a PDF viewer may substitute for "-".
CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")
CODE_RE = re.compile(r"[A-Z0-9]{10}")


def normalise_code(raw: str) -> str | None:
    """The code as printed ("ABCDE-FGH23") from what was typed, None if it cannot be one.

    Anything that is not ten letters and digits is refused here, so odd input
    (NUL bytes, markup, kilobytes of text) never reaches the database.
    """
    compact = CODE_SEPARATORS.sub("", raw or "").upper()
    if not CODE_RE.fullmatch(compact):
        return None
    return f"{compact[:5]}-{compact[5:]}"


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=40,
        help_text=gettext_lazy("Printed on the certificate, for example ABCDE-FGH23."),
        # A code is no word: no spelling check, no autocompletion from other forms.
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("A verification code has ten letters and digits, for example ABCDE-FGH23.")
            )
        return code


def _verify_form_link() -> dict:
    return {"url": reverse("labellisation:verify_form"), "title": _("Verify a label")}


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    filterset = CatalogueFilter(request.GET or None, day=timezone.localdate())
    filterset.count_facets()  # the menus offer the values with collectivities, and their numbers
    day = filterset.day
    page = lean_page(
        filterset.qs,
        request.GET.get("page"),
        CATALOGUE_PAGE_SIZE,
        rows=lambda ids: labelled_collectivities(day).filter(pk__in=ids),
    )
    add_extracts(page.object_list, filterset.matching_labels(), filterset.words)
    context = {
        "filter": filterset,
        "page_obj": page,
        **page_context(_("Labelled expertise")),
    }
    return render(request, "labellisation/public/catalogue.html", context)


@require_GET
def verify_form(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("labellisation:verify", code=form.cleaned_data["code"])
    context = {"form": form, **page_context(_("Verify a label"))}
    return render(request, "labellisation/public/verify_form.html", context)


def verdict(label: Label, day: date) -> str:
    """Why a genuine label is valid or not on that day: valid, suspended, revoked,
    expired or not_yet_valid (the template words each)."""
    if label.state in (Label.State.SUSPENDED, Label.State.REVOKED):
        return label.state
    if label.state == Label.State.EXPIRED or label.valid_until < day:
        return "expired"
    if label.granted_on > day:
        return "not_yet_valid"
    return "valid"


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    normalised = normalise_code(code)
    labels = Label.objects.select_related("collectivity", "theme")
    label = labels.filter(verification_code=normalised).first() if normalised else None
    today = timezone.localdate()
    context = {
        "code": normalised,
        "label": label,
        "verdict": verdict(label, today) if label else None,
        "today": today,
        **page_context(_("Verification of a label"), _verify_form_link()),
    }
    # An unknown code is a 404, but with the page that explains what to do.
    status = 200 if label else 404
    return render(request, "labellisation/public/verify.html", context, status=status)
