"""A real OpenID Connect provider on loopback for the ProConnect tests (oidc-provider-mock).

The mock serves discovery, JWKS, authorisation, token, userinfo and end-session. A thin
WSGI layer in front of it checks PKCE (the mock ignores it, ProConnect does not) and,
for the bad cases the mock cannot produce, re-signs the ID token it issues with a key of
ours (served as the provider's JWKS) after `alter` changed its claims, or with a rogue
key the JWKS does not hold.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import runpy
import threading
from collections.abc import Callable
from importlib import import_module, reload
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
import werkzeug.serving
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import clear_url_caches

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "expect" / "settings.py"
CLIENT_ID = "expe-ct-tests"


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Provider:
    def __init__(self):
        # authlib refuses plain http unless told it runs in a test.
        os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
        from oidc_provider_mock import app

        self.mock = app(require_nonce=True)
        self.challenges: dict[str, str] = {}
        self.alter: Callable[[dict], dict] | None = None
        self.rogue = False
        self.token_requests: list[dict] = []
        self._key = _new_key()
        self._rogue_key = _new_key()
        self.server = werkzeug.serving.make_server("127.0.0.1", 0, self, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,))
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self._thread.join(2)

    def set_user(self, sub: str, **claims) -> None:
        """The identity the provider signs in as `sub` (the mock's PUT /users/<sub>)."""
        requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5).raise_for_status()

    # The WSGI layer.

    def __call__(self, environ, start_response):
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if path == "/oauth2/token" and method == "POST":
            return self._token(environ, start_response)
        if path == "/jwks" and self.alter is not None:
            return self._json(start_response, {"keys": [self._public_jwk(self._key)]})
        if path == "/oauth2/authorize" and method == "POST":
            return self._authorize(environ, start_response)
        return self.mock(environ, start_response)

    def _authorize(self, environ, start_response):
        status, headers, body = self._call_mock(environ)
        location = dict(headers).get("Location", "")
        code = parse_qs(urlsplit(location).query).get("code", [""])[0]
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if code:
            self.challenges[code] = query.get("code_challenge", [""])[0]
        start_response(status, headers)
        return [body]

    def _token(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length)
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        self.token_requests.append(form)
        challenge = self.challenges.pop(form.get("code", ""), "")
        verifier = form.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode()).digest()
        if not challenge or base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != challenge:
            return self._json(start_response, {"error": "invalid_grant"}, "400 Bad Request")
        environ["wsgi.input"] = io.BytesIO(raw)
        status, headers, body = self._call_mock(environ)
        if status.startswith("200") and (self.alter is not None or self.rogue):
            answer = json.loads(body)
            claims = jwt.decode(answer["id_token"], options={"verify_signature": False})
            claims = self.alter(claims) if self.alter else claims
            key = self._rogue_key if self.rogue else self._key
            answer["id_token"] = jwt.encode(
                claims, key, algorithm="RS256", headers={"kid": self._kid(key)}
            )
            return self._json(start_response, answer)
        start_response(status, headers)
        return [body]

    def _call_mock(self, environ):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers

        body = b"".join(self.mock(environ, capture))
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        return captured["status"], headers, body

    @staticmethod
    def _json(start_response, data, status="200 OK"):
        body = json.dumps(data).encode()
        start_response(status, [("Content-Type", "application/json")])
        return [body]

    def _kid(self, key) -> str:
        # The rogue key claims to be ours: only its signature can give it away.
        return "tests-key"

    def _public_jwk(self, key) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        return {**jwk, "kid": self._kid(key), "alg": "RS256", "use": "sig"}


@pytest.fixture(scope="session")
def provider():
    running = Provider()
    yield running
    running.stop()


@pytest.fixture
def proconnect(settings, provider, monkeypatch):
    """The portal configured for the test provider, as the environment would configure it:
    the settings module is read again with PROCONNECT_* set, and the URLs follow."""
    provider.alter, provider.rogue = None, False
    env = {
        "PROCONNECT_ISSUER": provider.url,
        "PROCONNECT_CLIENT_ID": CLIENT_ID,
        "PROCONNECT_CLIENT_SECRET": "tests-secret",
        "PROCONNECT_TRUSTED_IDP_IDS": "idp-of-the-ministry",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    configured = runpy.run_path(str(SETTINGS_FILE))
    for name in (
        "PROCONNECT_ISSUER",
        "PROCONNECT_CLIENT_ID",
        "PROCONNECT_CLIENT_SECRET",
        "PROCONNECT_ENABLED",
        "PROCONNECT_TRUSTED_IDP_IDS",
        "AUTHENTICATION_BACKENDS",
        "CONTENT_SECURITY_POLICY",
        *(name for name in configured if name.startswith("OIDC_")),
    ):
        setattr(settings, name, configured[name])
    _reload_urls()
    yield settings
    settings.PROCONNECT_ENABLED = False
    _reload_urls()


def _reload_urls() -> None:
    clear_url_caches()
    reload(import_module("expect.urls"))
    clear_url_caches()
