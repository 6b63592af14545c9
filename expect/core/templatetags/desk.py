"""The saved filters box of the back-office lists."""

from django import template

from ..models import SavedFilter
from ..saved_filters import clean_query

register = template.Library()


@register.inclusion_tag("admin/saved_filters.html", takes_context=True)
def saved_filters(context) -> dict:
    request = context["request"]
    user = request.user
    if not getattr(user, "is_daect", False):
        return {"shown": False}
    return {
        "shown": True,
        "saved": SavedFilter.objects.of(user).filter(path=request.path),
        "path": request.path,
        "query": clean_query(request.GET.urlencode()),
        "csrf_token": context.get("csrf_token"),
    }
