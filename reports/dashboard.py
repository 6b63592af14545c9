from django.utils.translation import gettext as _

from expect.accounts.models import User
from expect.core.dashboard import Section, section


@section(roles=[User.Role.EXPERT, User.Role.MEMBER, User.Role.DAECT])
def reports(request):
    if request.user.role in (User.Role.MEMBER, User.Role.EXPERT) and not request.user.collectivity:
        return None
    return Section(
        _("Mission reports"),
        "core/section_empty.html",
        {"text": _("No mission report is due.")},
        order=40,
    )
