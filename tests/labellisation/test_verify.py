"""Verification of a label certificate by its public code."""

import datetime
from urllib.parse import quote

import pytest
from django.urls import reverse

from labellisation.models import Label
from labellisation.views.public import normalise_code
from tests.labellisation.factories import LabelFactory

pytestmark = pytest.mark.django_db

FORM = reverse("labellisation:verify_form")
TODAY = datetime.date.today()


@pytest.fixture(autouse=True)
def english(client, settings):
    # English pages keep the assertions true once the French catalogue is translated.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def verify(client, code: str):
    return client.get(reverse("labellisation:verify", args=[code]))


def test_a_valid_label_is_confirmed_with_what_the_certificate_shows(client):
    label = LabelFactory(state_reason="Internal note of DAECT")
    response = verify(client, label.verification_code)
    assert response.status_code == 200
    assert response.context["verdict"] == "valid"
    page = response.content.decode()
    assert "Genuine label, valid today" in page
    for text in (str(label.collectivity), str(label.theme), label.verification_code):
        assert text in page
    assert "Internal note of DAECT" not in page


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code.lower().replace("-", ""),
        lambda code: f"  {code[:5].lower()} {code[6:]}  ",
        lambda code: code.replace("-", "\u2013"),
    ],
    ids=["lower case without dash", "spaces", "en dash"],
)
def test_the_form_normalises_what_was_typed(client, typed):
    label = LabelFactory()
    response = client.get(FORM, {"code": typed(label.verification_code)})
    assert response.status_code == 302
    assert response.url == reverse("labellisation:verify", args=[label.verification_code])
    assert verify(client, label.verification_code).context["label"] == label


def test_a_code_in_the_address_is_normalised_too(client):
    label = LabelFactory()
    response = verify(client, label.verification_code.lower().replace("-", ""))
    assert response.status_code == 200
    assert response.context["label"] == label


@pytest.mark.parametrize(
    ("fields", "verdict", "words"),
    [
        ({"state": Label.State.SUSPENDED}, "suspended", "DAECT has suspended this label"),
        ({"state": Label.State.REVOKED}, "revoked", "DAECT has revoked this label"),
        ({"state": Label.State.EXPIRED}, "expired", "This label expired"),
        (
            {
                "granted_on": TODAY - datetime.timedelta(days=1200),
                "valid_until": TODAY - datetime.timedelta(days=1),
            },
            "expired",
            "This label expired",
        ),
        (
            {"granted_on": TODAY + datetime.timedelta(days=3)},
            "not_yet_valid",
            "This label is not valid yet",
        ),
    ],
    ids=["suspended", "revoked", "expired", "past its end", "not yet valid"],
)
def test_a_genuine_label_not_valid_today_says_why(client, fields, verdict, words):
    label = LabelFactory(state_reason="Confidential reason", **fields)
    response = verify(client, label.verification_code)
    assert response.status_code == 200
    assert response.context["verdict"] == verdict
    page = response.content.decode()
    assert "Genuine label, not valid today" in page
    assert words in page
    assert "Confidential reason" not in page


def test_an_unknown_code_is_a_404_that_explains(client):
    response = verify(client, "ABCDE-FGH23")
    assert response.status_code == 404
    page = response.content.decode()
    assert "No label has the code ABCDE-FGH23: check it, or contact DAECT" in page
    assert reverse("labellisation:verify_form") in page


HOSTILE = ["\x00", "ABCDE\x00FGH23", "x" * 5000, "<script>alert(1)</script>", "' OR 1=1 --", "%"]


@pytest.mark.parametrize("typed", HOSTILE, ids=range(len(HOSTILE)))
def test_odd_input_in_the_form_is_refused_without_error(client, typed):
    LabelFactory()
    response = client.get(FORM, {"code": typed})
    if "\x00" in typed:  # refused before the view (expect/core/guards.py)
        assert response.status_code == 400
        return
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize("code", HOSTILE, ids=range(len(HOSTILE)))
def test_odd_input_in_the_address_is_an_unknown_code(client, code):
    LabelFactory()
    response = client.get(FORM + quote(code, safe="") + "/")
    # A NUL byte in the path is refused before any view (expect/core/guards.py).
    assert response.status_code == (400 if "\x00" in code else 404)
    assert "<script>alert" not in response.content.decode()


def test_the_empty_form_is_shown_without_errors(client):
    response = client.get(FORM)
    assert response.status_code == 200
    assert not response.context["form"].is_bound


@pytest.mark.parametrize("url", [FORM, reverse("labellisation:verify", args=["ABCDE-FGH23"])])
def test_the_verification_refuses_a_post(client, url):
    assert client.post(url, {"code": "ABCDE-FGH23"}).status_code == 405


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("abcdefgh23", "ABCDE-FGH23"),
        (" ABCDE - FGH23 ", "ABCDE-FGH23"),
        ("ABCDE-FGH2", None),
        ("ABCDE-FGH234", None),
        ("ÀBCDE-FGH23", None),
        ("", None),
    ],
)
def test_normalise_code(typed, code):
    assert normalise_code(typed) == code
