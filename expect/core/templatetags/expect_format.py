"""Template filters of expect/core/formats.py: `{{ size|size_mo }}`, `{{ name|de_name }}`."""

from django import template

from expect.core.formats import de_name as _de_name
from expect.core.formats import file_size

register = template.Library()


@register.filter
def size_mo(size) -> str:
    try:
        return file_size(int(size))
    except (TypeError, ValueError):
        return ""


@register.filter
def de_name(name) -> str:
    return _de_name(name)
