"""`{% booklet_offer filter page_obj as offer %}`: the booklet the library page offers."""

from __future__ import annotations

from django import template

from .. import booklets

register = template.Library()


@register.simple_tag
def booklet_offer(filterset, page=None) -> dict | None:
    """The booklet of the filters shown (all of the library when none is chosen).

    None when the filters are not valid or choose no report; `too_many` past the cap.
    The count is the page's own (already counted by its paginator), else one query.
    """
    if filterset is None or (filterset.is_bound and not filterset.is_valid()):
        return None
    count = page.paginator.count if page is not None else filterset.qs.count()
    if not count:
        return None
    params = booklets.scope(filterset)
    return {
        "url": booklets.url(params),
        "count": count,
        "whole_library": not params,
        "too_many": count > booklets.max_reports(),
        "max": booklets.max_reports(),
    }
