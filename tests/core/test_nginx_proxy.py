"""deploy/nginx.conf, run for real in front of a live server: what a client forges is dropped.

The very file docker-compose.yml mounts is started by Debian's nginx (`apt-get install
nginx-light`), with only its addresses, certificate and directories moved to this
machine's loopback and a temporary folder. Skipped where nginx is not installed.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import requests
import urllib3
from axes.models import AccessAttempt
from django.conf import settings as django_settings

from tests.accounts.factories import PASSWORD, UserFactory

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONFIG = Path(django_settings.BASE_DIR) / "deploy" / "nginx.conf"

pytestmark = [
    pytest.mark.real_services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed"),
]
urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _certificate(folder: Path) -> None:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-keyout", str(folder / "privkey.pem")]
        + ["-out", str(folder / "fullchain.pem")],
        check=True,
        capture_output=True,
    )


def local_config(text: str, *, upstream: str, http: int, https: int, tmp: Path) -> str:
    """The deployed file with only addresses and paths moved to this machine."""
    replacements = {
        "server web:8000;": f"server {upstream};",
        "listen 80;": f"listen 127.0.0.1:{http};",
        "listen 443 ssl;": f"listen 127.0.0.1:{https} ssl;",
        "/etc/nginx/certs/": f"{tmp}/",
        "/srv/static": f"{tmp}/static",
        "pid /tmp/nginx.pid;": f"pid {tmp}/nginx.pid;",
        "access_log /dev/stdout;": f"access_log {tmp}/access.log;",
        "http {": f"http {{\n client_body_temp_path {tmp}/body;\n proxy_temp_path {tmp}/proxy;",
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    if os.geteuid() == 0:
        # Workers otherwise run as "nobody", who cannot read pytest's private folder.
        text = "user root;\n" + text
    return text


@pytest.fixture
def proxy(live_server, settings, tmp_path):
    """nginx on a free loopback port in front of the live server; yields its https URL."""
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_HOPS = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.AXES_ENABLED = True
    _certificate(tmp_path)
    (tmp_path / "static" / "errors").mkdir(parents=True)
    shutil.copy(
        Path(django_settings.BASE_DIR) / "static/errors/413.html", tmp_path / "static/errors"
    )
    (tmp_path / "static" / "hello.txt").write_text("served by nginx")
    https = _free_port()
    upstream = live_server.url.removeprefix("http://")
    config = tmp_path / "nginx.conf"
    config.write_text(
        local_config(
            CONFIG.read_text(), upstream=upstream, http=_free_port(), https=https, tmp=tmp_path
        )
    )
    command = [NGINX, "-c", str(config), "-p", str(tmp_path)]
    # As a daemon, nginx returns once its ports are open: nothing to wait for.
    # (Its output goes to a file: the daemon keeps it open, a pipe would never end.)
    log = tmp_path / "nginx.log"
    with log.open("w") as output:
        started = subprocess.run(command, stdout=output, stderr=output, check=False)
    assert started.returncode == 0, log.read_text()
    try:
        yield f"https://127.0.0.1:{https}"
    finally:
        # Stops the nginx started above, by the pid file of its own temporary folder.
        subprocess.run([*command, "-s", "quit"], stdout=subprocess.DEVNULL, check=False)


def sign_in(session: requests.Session, url: str, email: str, password: str, forged: str):
    page = session.get(f"{url}/compte/connexion/", verify=False, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(
        f"{url}/compte/connexion/",
        data={"csrfmiddlewaretoken": token, "username": email, "password": password},
        headers={
            "X-Forwarded-For": forged,
            "X-Real-IP": forged,
            # nginx passes the host without its port, as on port 443 in production.
            "Referer": "https://127.0.0.1/compte/connexion/",
        },
        verify=False,
        allow_redirects=False,
        timeout=30,
    )


def test_the_config_is_valid_for_nginx(tmp_path):
    _certificate(tmp_path)
    config = tmp_path / "nginx.conf"
    config.write_text(
        local_config(CONFIG.read_text(), upstream="127.0.0.1:9", http=1, https=2, tmp=tmp_path)
    )
    result = subprocess.run(
        [NGINX, "-t", "-c", str(config), "-p", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_the_body_cap_of_nginx_is_the_one_of_the_application():
    size = re.search(r"client_max_body_size (\d+)m;", CONFIG.read_text()).group(1)
    assert int(size) * 1024 * 1024 == django_settings.REQUEST_BODY_MAX_SIZE


def test_a_forged_forwarded_for_neither_resets_the_lockout_nor_is_counted(proxy):
    camille = UserFactory(email="camille@example.fr")
    session = requests.Session()
    for attempt in range(4):
        response = sign_in(session, proxy, camille.email, "pas-le-bon", f"203.0.113.{attempt}")
        assert response.status_code == 200  # wrong password, form shown again
    # The fifth failure locks, whatever address the client claims.
    assert sign_in(session, proxy, camille.email, "pas-le-bon", "203.0.113.4").status_code == 429

    response = sign_in(session, proxy, camille.email, PASSWORD, "203.0.113.99")

    assert response.status_code == 429
    # Every failure was counted for the address nginx saw, not for the forged ones.
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_a_request_that_bypasses_nginx_is_refused(proxy, live_server):
    response = requests.get(
        f"{live_server.url}/", headers={"X-Forwarded-For": "203.0.113.1"}, timeout=10
    )

    assert response.status_code == 400


def test_nginx_refuses_a_body_over_the_cap_with_a_french_and_english_page(proxy):
    body = b"x" * (django_settings.REQUEST_BODY_MAX_SIZE + 1)

    response = requests.post(f"{proxy}/compte/connexion/", data=body, verify=False, timeout=30)

    assert response.status_code == 413
    page = response.content.decode()
    assert "Requête trop volumineuse" in page
    assert '<div lang="en"' in page and "Request too large" in page


def test_nginx_serves_the_static_files_itself(proxy):
    response = requests.get(f"{proxy}/static/hello.txt", verify=False, timeout=10)

    assert response.text == "served by nginx"
    assert "public" in response.headers["Cache-Control"]
