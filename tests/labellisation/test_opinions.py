"""DAECT asks opinions of eligible people only; each is given once with a declaration of
interests, DAECT hears when it comes back, and a request can be withdrawn."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from expect.accounts.models import User
from labellisation import permissions, services
from labellisation.models import ApplicationEvent, Opinion
from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory, UserFactory
from tests.labellisation.factories import CommitteeSessionFactory, complete_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    draft = complete_application()
    return services.application_submit(application=draft, by=draft.created_by)


def _give(opinion, by, **overrides):
    data = {"recommendation": "favourable", "text": "Partenaire sérieux.", "conflict": "none"}
    return services.opinion_give(opinion=opinion, by=by, **{**data, **overrides})


def test_an_embassy_agent_gives_an_opinion_once(
    client, daect, submitted, django_capture_on_commit_callbacks
):
    agent = EmbassyAgentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        opinion = services.opinion_request(
            application=submitted,
            by=daect,
            of=agent,
            question="Le poste connaît-il ce partenaire ?",
        )
    assert mail.outbox[-1].to == [agent.email]
    client.force_login(agent)
    url = reverse("labellisation:opinion_give", args=[opinion.pk])
    assert submitted.expertise in client.get(url).content.decode()
    data = {"recommendation": "favourable", "text": "Partenaire sérieux.", "conflict": "none"}
    client.post(url, data)
    client.post(url, {**data, "recommendation": "unfavourable", "text": "Changement d’avis."})
    opinion.refresh_from_db()
    assert (opinion.recommendation, opinion.text) == ("favourable", "Partenaire sérieux.")
    assert opinion.conflict == Opinion.Conflict.NONE


def test_daect_is_told_by_e_mail_when_the_opinion_comes_back(
    daect, submitted, django_capture_on_commit_callbacks
):
    agent = EmbassyAgentFactory(first_name="Inès", last_name="Poste")
    opinion = services.opinion_request(application=submitted, by=daect, of=agent)
    with django_capture_on_commit_callbacks(execute=True):
        _give(opinion, agent, recommendation="reserved")
    [message] = mail.outbox
    assert message.to == [daect.email]
    assert submitted.reference in message.subject
    assert "Inès Poste" in message.body and "Réservé" in message.body


def test_giving_an_opinion_requires_the_declaration_of_interests(client, daect, submitted):
    agent = EmbassyAgentFactory()
    opinion = services.opinion_request(application=submitted, by=daect, of=agent)
    client.force_login(agent)
    url = reverse("labellisation:opinion_give", args=[opinion.pk])

    page = client.post(url, {"recommendation": "favourable", "text": "Oui."}).content.decode()

    assert "conflit d’intérêts" in page
    opinion.refresh_from_db()
    assert not opinion.is_given
    with pytest.raises(ValidationError, match="conflit"):
        _give(opinion, agent, conflict="")


def test_a_declared_conflict_must_be_described_and_is_kept(client, daect, submitted):
    agent = EmbassyAgentFactory()
    opinion = services.opinion_request(application=submitted, by=daect, of=agent)
    client.force_login(agent)
    url = reverse("labellisation:opinion_give", args=[opinion.pk])
    data = {"recommendation": "favourable", "text": "Oui.", "conflict": "declared"}

    page = client.post(url, data).content.decode()
    assert "Décrivez votre conflit d’intérêts." in page
    client.post(url, {**data, "conflict_details": "Mon conjoint y est élu."})

    opinion.refresh_from_db()
    assert opinion.conflict == Opinion.Conflict.DECLARED
    assert opinion.conflict_details == "Mon conjoint y est élu."


def test_nobody_else_reaches_the_opinion_page(client, daect, submitted):
    opinion = services.opinion_request(application=submitted, by=daect, of=EmbassyAgentFactory())
    client.force_login(EmbassyAgentFactory())
    assert client.get(reverse("labellisation:opinion_give", args=[opinion.pk])).status_code == 404


def test_the_same_person_is_not_asked_twice(daect, submitted):
    agent = EmbassyAgentFactory()
    services.opinion_request(application=submitted, by=daect, of=agent)
    with pytest.raises(ValidationError):
        services.opinion_request(application=submitted, by=daect, of=agent)


def test_the_eligible_are_daect_embassies_committee_members_and_thematic_desks(submitted):
    staff = UserFactory(role=User.Role.DAECT)
    agent = EmbassyAgentFactory()
    committee_member = UserFactory()
    CommitteeSessionFactory().members.add(committee_member)
    committee_member_elsewhere = MembershipFactory(state="active").user
    CommitteeSessionFactory().members.add(committee_member_elsewhere)
    desk = UserFactory()
    submitted.theme.desk.add(desk)
    plain_member = MembershipFactory(state="active").user

    candidates = set(permissions.opinion_candidates(submitted))

    assert {staff, agent, committee_member, committee_member_elsewhere, desk} <= candidates
    assert plain_member not in candidates


def test_nobody_of_the_applying_collectivity_is_asked(daect, submitted):
    colleague = MembershipFactory(collectivity=submitted.collectivity, state="active").user
    # Even on the committee, a member of the applying collectivity is not independent.
    CommitteeSessionFactory().members.add(colleague, submitted.created_by)

    for person in (submitted.created_by, colleague):
        assert not permissions.can_be_asked_an_opinion(person, submitted)
        with pytest.raises(ValidationError, match="collectivité"):
            services.opinion_request(application=submitted, by=daect, of=person)
    assert not submitted.opinions.exists()


def test_a_plain_member_of_another_collectivity_is_not_eligible(daect, submitted):
    with pytest.raises(ValidationError):
        services.opinion_request(application=submitted, by=daect, of=UserFactory())


def test_the_admin_form_offers_candidates_with_role_and_organisation(client, daect, submitted):
    agent = EmbassyAgentFactory(first_name="Inès", last_name="Poste")
    colleague = MembershipFactory(collectivity=submitted.collectivity, state="active").user
    CommitteeSessionFactory().members.add(colleague)
    client.force_login(daect)
    url = reverse("admin:labellisation_opinion_add")

    page = client.get(url).content.decode()
    assert f"Inès Poste — Agent d’ambassade — {agent.embassy}" in page

    response = client.post(url, {"application": submitted.pk, "requested_from": colleague.pk})
    assert "collectivité candidate" in response.content.decode()
    assert not Opinion.objects.exists()


def test_daect_withdraws_a_request_and_the_person_loses_the_dossier(client, daect, submitted):
    agent = EmbassyAgentFactory()
    opinion = services.opinion_request(application=submitted, by=daect, of=agent)

    services.opinion_withdraw(opinion=opinion, by=daect, reason="Demande en double.")

    opinion.refresh_from_db()
    assert opinion.withdrawn_by == daect and opinion.is_withdrawn
    event = ApplicationEvent.objects.filter(application=submitted, is_public=False).last()
    assert "retirée" in event.text and "Demande en double." in event.comment
    assert not permissions.can_view(agent, submitted)
    client.force_login(agent)
    assert client.get(reverse("labellisation:opinion_give", args=[opinion.pk])).status_code == 404
    listed = client.get(reverse("labellisation:opinion_list")).content.decode()
    assert "retirée par la DAECT" in listed
    with pytest.raises(ValidationError):
        _give(opinion, agent)
    # Asked again later, the person has a fresh request.
    assert services.opinion_request(application=submitted, by=daect, of=agent).pk != opinion.pk


def test_only_daect_withdraws_and_never_a_given_opinion(daect, submitted):
    agent = EmbassyAgentFactory()
    opinion = services.opinion_request(application=submitted, by=daect, of=agent)
    with pytest.raises(PermissionDenied):
        services.opinion_withdraw(opinion=opinion, by=agent)
    _give(opinion, agent)
    with pytest.raises(ValidationError):
        services.opinion_withdraw(opinion=opinion, by=daect)


def test_daect_reminds_an_awaited_opinion(daect, submitted, django_capture_on_commit_callbacks):
    person = EmbassyAgentFactory()
    opinion = services.opinion_request(application=submitted, by=daect, of=person)
    with django_capture_on_commit_callbacks(execute=True):
        services.opinion_remind(opinion=opinion, by=daect)
    assert "Relance" in mail.outbox[-1].subject
    opinion.refresh_from_db()
    assert opinion.reminded_at is not None


def test_the_decision_page_shows_the_opinions(client, daect, submitted):
    person = UserFactory(first_name="Hélène", last_name="Bureau-Thématique")
    submitted.theme.desk.add(person)
    opinion = services.opinion_request(application=submitted, by=daect, of=person)
    _give(opinion, person, recommendation="reserved", text="Expertise encore jeune.")
    client.force_login(daect)
    page = client.get(
        reverse("admin:labellisation_labelapplication_change", args=[submitted.pk])
    ).content.decode()
    assert "Expertise encore jeune." in page
