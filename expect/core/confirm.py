"""Confirmation before what cannot be undone (submitting, deleting, confirming…).

The button that starts such an action is rendered by `includes/confirm_submit.html`:
with JavaScript, it opens a DSFR modal whose « Confirmer » button posts the same form
with `confirmed=1`; without JavaScript, the first post (without `confirmed`) gets a
confirmation page from `confirmation_required`, whose button posts it again, confirmed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"


def confirmation_required(
    request: HttpRequest, *, title: str, question: str, confirm_label: str, cancel_url: str
) -> HttpResponse | None:
    """The confirmation page if the post is not confirmed yet, else None (go ahead)."""
    if request.POST.get(CONFIRMED) == "1":
        return None
    # What the person typed (a comment, a reason…) is posted again with the confirmation.
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", CONFIRMED)
        for value in values
    ]
    context = {
        "title": title,
        "question": question,
        "confirm_label": confirm_label,
        "cancel_url": cancel_url,
        "action": request.get_full_path(),
        "fields": fields,
        "breadcrumb_data": {"current": title},
    }
    return render(request, "core/confirm.html", context)
