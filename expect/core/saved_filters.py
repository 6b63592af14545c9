"""Saved list filters: an instructor names the filters of an admin list to reopen them."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from .models import SavedFilter

# Parameters of a changelist that are not filters: the page, and the pop-up flags.
NOT_FILTERS = {"p", "_popup", "_to_field", "_changelist_filters"}


def _check_admin_list(path: str) -> None:
    """Only the path of an admin changelist is saved: never another site, never a page."""
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    if match is None or not (match.url_name or "").endswith("_changelist"):
        raise ValidationError(_("Only the filters of a back-office list can be saved."))


def clean_query(query: str) -> str:
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in NOT_FILTERS]
    return urlencode(pairs)


def saved_filter_create(*, by, name: str, path: str, query: str) -> SavedFilter:
    """Save the list's filters under a name for this instructor."""
    if not by.is_daect:
        raise PermissionDenied(_("Only DAECT staff save list filters."))
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the filter a name."), code="name_required")
    _check_admin_list(path)
    try:
        with transaction.atomic():
            return SavedFilter.objects.create(
                owner=by, name=name[:100], path=path, query=clean_query(query)[:2000]
            )
    except IntegrityError:
        raise ValidationError(
            _("You already saved a filter of this list by that name."), code="duplicate"
        ) from None


@transaction.atomic
def saved_filter_delete(*, saved: SavedFilter, by) -> None:
    if saved.owner_id != by.pk:
        raise PermissionDenied(_("This saved filter is someone else’s."))
    saved.delete()
