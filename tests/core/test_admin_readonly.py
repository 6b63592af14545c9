"""What the applicant, the embassy or the experts handed in is shown, never edited, in the
back office; the owner of a record is never reassigned from its change form."""

import pytest
from django.urls import reverse
from django.utils import timezone

from expect.accounts.models import User
from labellisation.models import LabelApplication
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.admin_forms import change_form_data
from tests.labellisation.factories import LabelFactory, complete_application
from tests.missions.factories import MissionFactory, MissionRequestFactory
from tests.organisations.factories import CollectivityFactory, EmbassyFactory
from tests.reports.factories import MissionReportFactory

pytestmark = pytest.mark.django_db
APPLICANT_FIELDS = ["theme", "expertise", "territory_actions", "commitment"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _editable(client, obj) -> set[str]:
    return set(client.get(_change_url(obj)).context["adminform"].form.fields)


def _submitted():
    return complete_application(state=LabelApplication.State.SUBMITTED, submitted_at=timezone.now())


def test_a_submitted_dossier_is_shown_not_editable(client, daect):
    application = _submitted()
    client.force_login(daect)
    page = client.get(_change_url(application))
    assert not set(APPLICANT_FIELDS) & set(page.context["adminform"].form.fields)
    assert application.expertise in page.content.decode()  # shown, as text
    for inline in page.context["inline_admin_formsets"]:
        if inline.opts.model.__name__ in ("ProposedExpert", "CooperationProject"):
            assert not inline.has_add_permission and not inline.has_change_permission


def test_posting_a_submitted_dossiers_content_changes_nothing(client, daect):
    application = _submitted()
    expert = application.experts.get()
    client.force_login(daect)
    data = change_form_data(client.get(_change_url(application)))
    data.update(
        expertise="Réécrit par la DAECT",
        collectivity=CollectivityFactory().pk,
        **{"experts-0-id": expert.pk, "experts-0-name": "Quelqu’un d’autre"},
    )
    client.post(_change_url(application), data)
    application.refresh_from_db()
    expert.refresh_from_db()
    assert application.expertise != "Réécrit par la DAECT"
    assert expert.name != "Quelqu’un d’autre"
    assert application.collectivity == expert.application.collectivity


def test_the_owners_of_records_are_not_in_their_change_forms(client, daect):
    client.force_login(daect)
    owners = [
        (MembershipFactory(), {"user", "collectivity"}),
        (_submitted(), {"collectivity", "created_by"}),
        (LabelFactory(), {"collectivity", "theme", "application"}),
        (MissionRequestFactory(state="submitted"), {"embassy", "created_by", "country"}),
        (MissionFactory(), {"request", "collectivity"}),
        (MissionReportFactory(state="submitted"), {"mission"}),
    ]
    for obj, fields in owners:
        page = client.get(_change_url(obj))
        assert page.status_code == 200
        form = page.context["adminform"].form
        assert not fields & set(form.fields), f"{obj._meta.model_name}: {fields & set(form.fields)}"


def test_a_membership_is_not_moved_to_another_person_or_collectivity(client, daect):
    membership = MembershipFactory()
    other_user, other_place = UserFactory(), CollectivityFactory()
    client.force_login(daect)
    data = change_form_data(client.get(_change_url(membership)))
    client.post(
        _change_url(membership), {**data, "user": other_user.pk, "collectivity": other_place.pk}
    )
    membership.refresh_from_db()
    assert membership.user != other_user and membership.collectivity != other_place


def test_a_need_is_the_embassys_text(client, daect):
    need = MissionRequestFactory(state="submitted")
    client.force_login(daect)
    before = need.description
    response = client.post(
        _change_url(need), {"description": "Réécrit", "embassy": EmbassyFactory().pk}
    )
    assert response.status_code == 403
    need.refresh_from_db()
    assert need.description == before


def test_a_handed_in_report_is_not_edited(client, daect):
    report = MissionReportFactory(state="submitted")
    client.force_login(daect)
    assert not {"summary", "results", "mission"} & _editable(client, report)


def test_the_team_is_not_typed_into_a_users_memberships(client, daect):
    """An existing membership shows on the person's page; it is decided on its own page."""
    member = MembershipFactory(state="active").user
    client.force_login(daect)
    page = client.get(_change_url(member))
    [inline] = page.context["inline_admin_formsets"]
    assert not inline.has_change_permission
    assert member.role == User.Role.MEMBER
