from django.utils.translation import gettext as _

from expect.accounts.models import User
from expect.core import desk
from expect.core.dashboard import Section, section

from .models import Label, LabelApplication, Opinion


@section(roles=[User.Role.MEMBER])
def applications_and_labels(request):
    collectivity = request.user.collectivity
    if collectivity is None:
        return None
    # As on the applications page: archived dossiers and labels stay in the admin only.
    applications = collectivity.label_applications.unarchived()
    context = {
        "applications": applications.select_related("theme", "committee")[:10],
        "labels": Label.objects.unarchived()
        .filter(collectivity=collectivity)
        .select_related("theme"),
    }
    return Section(
        _("Label applications and labels"), "labellisation/section_member.html", context, order=20
    )


@section(roles=[User.Role.DAECT])
def applications_to_review(request):
    waiting = LabelApplication.objects.to_review()
    return Section(
        _("Applications to review"),
        "labellisation/section_daect.html",
        {"count": waiting.count()},
        order=20,
    )


@section(roles=[User.Role.DAECT, User.Role.EMBASSY, User.Role.MEMBER, User.Role.EXPERT])
def opinions_awaited(request):
    awaited = Opinion.objects.awaited().filter(requested_from=request.user)
    count = awaited.count()
    if not count:
        return None
    return Section(
        _("Opinions asked of you"),
        "labellisation/section_opinions.html",
        {"count": count},
        order=15,
    )


@section(roles=[User.Role.DAECT])
def my_applications(request):
    """The instructor's own dossiers, per step, with the late ones."""
    State = LabelApplication.State
    steps = [State.SUBMITTED, State.IN_REVIEW, State.INFO_REQUESTED, State.RESUBMITTED]
    return desk.queue_section(
        _("My queue: label applications"),
        LabelApplication,
        request.user,
        [*steps, State.SCHEDULED],
    )
