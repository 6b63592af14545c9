from django.utils.translation import gettext as _

from expect.accounts.models import User
from expect.core.dashboard import Section, section


@section(roles=[User.Role.EMBASSY])
def needs(request):
    return Section(
        _("Needs of foreign authorities"),
        "core/section_empty.html",
        {"text": _("Your embassy has submitted no need yet.")},
        order=20,
    )


@section(roles=[User.Role.MEMBER, User.Role.EXPERT, User.Role.EMBASSY, User.Role.DAECT])
def missions(request):
    if request.user.role in (User.Role.MEMBER, User.Role.EXPERT) and not request.user.collectivity:
        return None
    return Section(
        _("Missions"), "core/section_empty.html", {"text": _("No mission yet.")}, order=30
    )
