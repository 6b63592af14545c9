from django.utils.translation import gettext as _

from expect.core.dashboard import Section, section

from .models import Membership, User


@section(roles=[User.Role.MEMBER, User.Role.EXPERT])
def my_collectivity(request):
    membership = getattr(request.user, "membership", None)
    pending = []
    if membership and membership.state == Membership.State.ACTIVE and membership.is_referent:
        pending = list(
            Membership.objects.pending()
            .filter(
                collectivity_id=membership.collectivity_id, user__email_confirmed_at__isnull=False
            )
            .select_related("user")
        )
    context = {"membership": membership, "pending": pending}
    return Section(_("My collectivity"), "accounts/section_membership.html", context, order=10)


@section(roles=[User.Role.EMBASSY])
def my_embassy(request):
    return Section(_("My embassy"), "accounts/section_embassy.html", {}, order=10)


@section(roles=[User.Role.DAECT])
def memberships_to_confirm(request):
    """Requests that only DAECT can decide: collectivities with no referent yet."""
    referent_ids = Membership.objects.referents().values("collectivity_id")
    waiting = (
        Membership.objects.pending()
        .filter(user__email_confirmed_at__isnull=False)
        .exclude(collectivity_id__in=referent_ids)
        .select_related("user", "collectivity")
    )
    return Section(
        _("Membership requests waiting for DAECT"),
        "accounts/section_daect_memberships.html",
        {"waiting": list(waiting[:20]), "count": waiting.count()},
        order=10,
    )
