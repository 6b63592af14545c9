"""The foreign partner is heard: asked in its language a few weeks after the return, through
a secret, expiring, single-use link; reminded once; the embassy may relay its answers. The
collectivity says what followed six and twelve months on. Answers show on the mission page
and in the programme figures."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from missions import feedback, tasks
from missions.feedback import hash_token
from missions.models import CollectivityFollowUp, Mission, PartnerFeedback
from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory, UserFactory
from tests.missions.factories import MissionFactory

pytestmark = pytest.mark.django_db
D = datetime.date
RETURN = D(2027, 3, 20)
ANSWERS = {
    "need_met": "partly",
    "usefulness": "4",
    "rating_expertise": "5",
    "rating_organisation": "3",
    "next_steps": "Une seconde mission sur la tarification.",
    "comment": "Merci aux équipes de Lyon.",
}
LINK = re.compile(r"https?://[^/\s]+(/avis-partenaire/[^/\s]+/)")


def _on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9)), tick=False)


def _mission(language="fr", email="maire@podor.sn", **kwargs) -> Mission:
    return MissionFactory(
        state=Mission.State.RETURNED,
        departure_date=RETURN - datetime.timedelta(days=8),
        return_date=RETURN,
        proposal__request__partner_contact_name="Aminata Diop",
        proposal__request__partner_contact_email=email,
        proposal__request__partner_language=language,
        **kwargs,
    )


def _link(to: str) -> str:
    for message in reversed(mail.outbox):
        if to in message.to and (found := LINK.search(message.body)):
            return found.group(1)
    raise AssertionError(f"no feedback link sent to {to}")


def _sweep(day, django_capture_on_commit_callbacks):
    with _on(day), django_capture_on_commit_callbacks(execute=True):
        return tasks.what_followed()


# Asking


@pytest.mark.parametrize(
    ("days", "asked"), [(20, False), (21, True), (22, True)], ids=["day-1", "day", "day+1"]
)
def test_the_partner_is_asked_21_days_after_the_return(
    django_capture_on_commit_callbacks, days, asked
):
    mission = _mission()
    _sweep(RETURN + datetime.timedelta(days=days), django_capture_on_commit_callbacks)
    assert PartnerFeedback.objects.filter(mission=mission).exists() == asked
    assert (["maire@podor.sn"] in [m.to for m in mail.outbox]) == asked


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "Votre avis"), ("en", "Your opinion"), ("es", "Su opinión")],
)
def test_the_e_mail_is_in_the_language_of_the_need(
    django_capture_on_commit_callbacks, language, words
):
    _mission(language=language)
    _sweep(RETURN + datetime.timedelta(days=21), django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert words in message.subject


def test_asking_twice_sends_once_and_keeps_only_the_token_s_hash(
    django_capture_on_commit_callbacks,
):
    mission = _mission()
    day = RETURN + datetime.timedelta(days=21)
    assert _sweep(day, django_capture_on_commit_callbacks)["asked"] == 1
    assert _sweep(day, django_capture_on_commit_callbacks)["asked"] == 0
    assert len(mail.outbox) == 1
    token = _link("maire@podor.sn").split("/")[-2]
    stored = PartnerFeedback.objects.get(mission=mission)
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash


def test_no_contact_no_e_mail(django_capture_on_commit_callbacks):
    _mission(email="")
    _sweep(RETURN + datetime.timedelta(days=30), django_capture_on_commit_callbacks)
    assert not PartnerFeedback.objects.exists() and mail.outbox == []


@pytest.mark.parametrize(
    ("days", "reminded"), [(13, False), (14, True), (15, True)], ids=["day-1", "day", "day+1"]
)
def test_one_reminder_14_days_later_with_a_new_link(
    django_capture_on_commit_callbacks, days, reminded
):
    _mission()
    asked_on = RETURN + datetime.timedelta(days=21)
    _sweep(asked_on, django_capture_on_commit_callbacks)
    first = _link("maire@podor.sn")
    _sweep(asked_on + datetime.timedelta(days=days), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == (2 if reminded else 1)
    # A week on, the reminder is due in any case: it leaves once, never twice.
    _sweep(asked_on + datetime.timedelta(days=days + 7), django_capture_on_commit_callbacks)
    _sweep(asked_on + datetime.timedelta(days=days + 8), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    assert _link("maire@podor.sn") != first
    assert "Relance" in mail.outbox[-1].subject


# Answering through the link


@pytest.fixture
def asked(django_capture_on_commit_callbacks):
    mission = _mission()
    _sweep(RETURN + datetime.timedelta(days=21), django_capture_on_commit_callbacks)
    return mission, _link("maire@podor.sn")


def test_the_partner_answers_without_an_account_once(client, asked):
    mission, link = asked
    with _on(RETURN + datetime.timedelta(days=25)):
        page = client.get(link)
        assert page.status_code == 200
        assert mission.request.partner_name in page.content.decode()
        response = client.post(link, ANSWERS)
        assert response.status_code == 200
        stored = PartnerFeedback.objects.get(mission=mission)
        assert (stored.need_met, stored.usefulness, stored.answered_via) == ("partly", 4, "link")
        again = client.post(link, {**ANSWERS, "need_met": "no"})
    assert again.status_code == 410
    assert PartnerFeedback.objects.get(mission=mission).need_met == "partly"


def test_an_incomplete_answer_is_refused_with_a_message_and_nothing_saved(client, asked):
    mission, link = asked
    with _on(RETURN + datetime.timedelta(days=25)):
        response = client.post(link, {**ANSWERS, "need_met": ""})
    assert response.status_code == 200
    assert "Dites si le besoin a été satisfait." in response.content.decode()
    assert not PartnerFeedback.objects.get(mission=mission).is_answered


def test_an_expired_link_shows_a_clear_page(client, asked):
    mission, link = asked
    with _on(RETURN + datetime.timedelta(days=21 + 61)):
        response = client.get(link)
        assert response.status_code == 410
        assert client.post(link, ANSWERS).status_code == 410
    assert "expiré" in response.content.decode()
    assert not PartnerFeedback.objects.get(mission=mission).is_answered


def test_a_token_of_mission_a_neither_shows_nor_answers_mission_b(client, asked):
    mission_a, link_a = asked
    other = _mission(email="alcaldesa@ejemplo.es")
    feedback.ask_partner(mission=other)
    with _on(RETURN + datetime.timedelta(days=25)):
        page = client.get(link_a).content.decode()
        client.post(link_a, ANSWERS)
    assert str(other.collectivity) not in page or other.collectivity == mission_a.collectivity
    assert not PartnerFeedback.objects.get(mission=other).is_answered
    assert client.get("/avis-partenaire/pas-un-jeton/").status_code == 404


def test_the_answers_show_on_the_mission_page_for_each_party(client, asked):
    mission, link = asked
    with _on(RETURN + datetime.timedelta(days=25)):
        client.post(link, ANSWERS)
    for user in (
        MembershipFactory(collectivity=mission.collectivity, state="active").user,
        EmbassyAgentFactory(embassy__countries=["SN"]),
        UserFactory(role="daect"),
    ):
        client.force_login(user)
        page = client.get(reverse("missions:mission_detail", args=[mission.pk])).content.decode()
        assert "Une seconde mission sur la tarification." in page
    client.force_login(MembershipFactory(state="active").user)
    assert client.get(reverse("missions:mission_detail", args=[mission.pk])).status_code == 404


def test_the_figures_count_the_answers_and_average_the_ratings(client, asked):
    mission, link = asked
    with _on(RETURN + datetime.timedelta(days=25)):
        client.post(link, ANSWERS)
    figures = {
        f.slug: dict(f.rows) for f in client.get(reverse("reports:figures")).context["figures"]
    }
    assert figures["partner_feedback"]["Réponses reçues"] == 1
    assert figures["partner_ratings"]["Utilité de la mission"] == 4


# The embassy relays


def test_the_embassy_of_the_country_relays_the_answers(client):
    mission = _mission()
    agent = EmbassyAgentFactory(embassy__countries=["SN"])
    client.force_login(agent)
    url = reverse("missions:feedback_relay", args=[mission.pk])
    assert client.get(url).status_code == 200
    client.post(url, ANSWERS)
    stored = PartnerFeedback.objects.get(mission=mission)
    assert (stored.answered_via, stored.relayed_by) == ("embassy", agent)
    assert mail.outbox == [] or all("podor" not in m.to[0] for m in mail.outbox)


def test_another_embassy_or_the_collectivity_cannot_relay(client):
    mission = _mission()
    url = reverse("missions:feedback_relay", args=[mission.pk])
    for user in (
        EmbassyAgentFactory(embassy__countries=["ML"]),
        MembershipFactory(collectivity=mission.collectivity, state="active").user,
    ):
        client.force_login(user)
        assert client.post(url, ANSWERS).status_code == 404
        with pytest.raises(PermissionDenied):
            feedback.embassy_relay(mission=mission, by=user, answers=ANSWERS)
    assert not PartnerFeedback.objects.exists()


def test_answers_are_recorded_once(client):
    mission = _mission()
    agent = EmbassyAgentFactory(embassy__countries=["SN"])
    feedback.embassy_relay(mission=mission, by=agent, answers=ANSWERS)
    with pytest.raises(ValidationError) as refused:
        feedback.embassy_relay(mission=mission, by=agent, answers={**ANSWERS, "need_met": "no"})
    assert refused.value.code == "answered"


# The collectivity's follow-up


@pytest.mark.parametrize(
    ("day", "steps"),
    [
        (D(2027, 9, 19), []),
        (D(2027, 9, 20), ["6m"]),
        (D(2028, 3, 20), ["6m", "12m"]),
    ],
)
def test_the_collectivity_is_asked_six_and_twelve_months_on(
    django_capture_on_commit_callbacks, day, steps
):
    mission = _mission(email="")
    member = MembershipFactory(collectivity=mission.collectivity, state="active").user
    if steps == ["6m", "12m"]:
        _sweep(D(2027, 9, 20), django_capture_on_commit_callbacks)
    _sweep(day, django_capture_on_commit_callbacks)
    _sweep(day, django_capture_on_commit_callbacks)
    assert sorted(mission.follow_ups.values_list("step", flat=True)) == sorted(steps)
    assert len([m for m in mail.outbox if member.email in m.to]) == len(steps)


def test_a_member_says_what_followed_on_the_portal(client):
    mission = _mission(email="")
    follow_up = CollectivityFollowUp.objects.create(mission=mission, step="6m")
    member = MembershipFactory(collectivity=mission.collectivity, state="active").user
    url = reverse("missions:follow_up", args=[mission.pk, "6m"])
    client.force_login(MembershipFactory(state="active").user)
    assert client.get(url).status_code == 404
    client.force_login(member)
    client.post(url, {"continuing_cooperation": "on", "comment": "Convention signée en juin."})
    follow_up.refresh_from_db()
    assert follow_up.continuing_cooperation and follow_up.answered_by == member
    page = client.get(reverse("missions:mission_detail", args=[mission.pk])).content.decode()
    assert "Convention signée en juin." in page


def test_the_embassy_relays_only_once_the_team_is_back():
    mission = _mission()
    Mission.objects.filter(pk=mission.pk).update(state=Mission.State.CONFIRMED)
    mission.refresh_from_db()
    agent = EmbassyAgentFactory(embassy__countries=["SN"])
    with pytest.raises(ValidationError) as refused:
        feedback.embassy_relay(mission=mission, by=agent, answers=ANSWERS)
    assert refused.value.code == "not_back"
    assert not PartnerFeedback.objects.exists()


def test_the_partner_s_page_speaks_spanish(client, django_capture_on_commit_callbacks):
    _mission(language="es")
    _sweep(RETURN + datetime.timedelta(days=21), django_capture_on_commit_callbacks)
    with _on(RETURN + datetime.timedelta(days=22)):
        page = client.get(_link("maire@podor.sn")).content.decode()
    assert "¿Se satisfizo la necesidad?" in page and "Enviar mis respuestas" in page
