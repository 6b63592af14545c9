from django.utils.translation import gettext as _

from expect.accounts.models import User
from expect.core.dashboard import Section, section


@section(roles=[User.Role.MEMBER])
def applications_and_labels(request):
    if request.user.collectivity is None:
        return None
    text = _("Your collectivity has no label application and no label yet.")
    return Section(
        _("Label applications and labels"), "core/section_empty.html", {"text": text}, order=20
    )


@section(roles=[User.Role.DAECT])
def applications_to_review(request):
    return Section(
        _("Applications to review"),
        "core/section_empty.html",
        {"text": _("No application waits for review.")},
        order=20,
    )
