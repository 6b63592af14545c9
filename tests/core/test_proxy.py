"""Behind the reverse proxy: exactly the configured hops are trusted, nothing the client wrote.

With BEHIND_PROXY, the address counted for sign-in attempts is the one the proxy saw
(it overwrites X-Forwarded-For: deploy/nginx.conf); a request that did not come
through the proxy at all is refused.
"""

import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse

from expect.core.guards import client_ip
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_HOPS = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.AXES_ENABLED = True


def through_proxy(forwarded_for: str, **extra) -> dict:
    return {
        "HTTP_X_FORWARDED_FOR": forwarded_for,
        "HTTP_X_FORWARDED_PROTO": "https",
        "REMOTE_ADDR": "172.18.0.5",  # the proxy's container
        **extra,
    }


def test_without_the_proxy_the_socket_address_is_the_client(settings):
    settings.BEHIND_PROXY = False
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="192.0.2.1")

    assert client_ip(request) == "192.0.2.1"


@pytest.mark.parametrize(
    ("hops", "forwarded_for", "expected"),
    [
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "203.0.113.9, 198.51.100.7", "198.51.100.7"),  # a proxy that appends
        (2, "203.0.113.9, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
    ],
)
def test_behind_the_proxy_the_client_is_the_entry_the_trusted_hops_wrote(
    behind_proxy, settings, hops, forwarded_for, expected
):
    settings.TRUSTED_PROXY_HOPS = hops
    request = RequestFactory().get("/", **through_proxy(forwarded_for))

    assert client_ip(request) == expected


def test_a_request_that_bypassed_the_proxy_is_refused(behind_proxy, client):
    response = client.get(reverse("core:home"), REMOTE_ADDR="192.0.2.1")

    assert response.status_code == 400
    assert "serveur frontal" in response.content.decode()


def test_the_health_check_answers_without_the_proxy(behind_proxy, client):
    assert client.get(reverse("healthz")).status_code == 200


def test_a_request_through_the_proxy_is_served(behind_proxy, client):
    assert client.get(reverse("core:home"), **through_proxy("198.51.100.7")).status_code == 200


def test_a_new_forged_header_each_time_still_locks_the_account(behind_proxy, client):
    camille = UserFactory(email="camille@example.fr")
    url = reverse("accounts:login")
    for attempt in range(5):
        # What the client wrote comes first; the proxy appends the address it saw.
        forged = f"203.0.113.{attempt}, 198.51.100.7"
        client.post(url, {"username": camille.email, "password": "non"}, **through_proxy(forged))

    response = client.post(
        url,
        {"username": camille.email, "password": PASSWORD},
        **through_proxy("203.0.113.99, 198.51.100.7"),
    )

    assert response.status_code == 429


def _start(**env) -> subprocess.CompletedProcess:
    import os

    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"BEHIND_PROXY": "true", "TRUSTED_PROXY_HOPS": "0"}, "TRUSTED_PROXY_HOPS"),
        ({"TRUSTED_PROXY_HOPS": "1"}, "BEHIND_PROXY"),
        ({"BEHIND_PROXY": "true", "TRUSTED_PROXY_HOPS": "deux"}, "TRUSTED_PROXY_HOPS"),
    ],
)
def test_an_inconsistent_proxy_configuration_stops_the_start(env, named):
    result = _start(**env)

    assert result.returncode != 0
    assert named in result.stderr
