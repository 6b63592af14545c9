"""Signing in through ProConnect, the State's OpenID Connect federation for public agents.

mozilla-django-oidc runs the authorisation code flow (state, nonce, PKCE); this module
adds what ProConnect and the portal need on top of it:

- the endpoints come from the issuer's discovery document, fetched when first needed
  (never at import) and kept an hour in the cache;
- every token is checked against the provider's JWKS: RS256 only, our client id as
  audience, the configured issuer, not expired, the nonce of this session, and an `acr`
  at least PROCONNECT_ACR_VALUES;
- accounts are never created here. A ProConnect identity is linked to an account only
  when the provider vouches for the address (`email_verified` true, or an identity
  provider of PROCONNECT_TRUSTED_IDP_IDS: ProConnect itself sends no such claim but
  binds each identity provider to the mail domains it proved by DNS) and that address is
  an active, confirmed account's; later sign-ins match the identity's `sub` alone. An
  unknown agent is offered the usual registration, prefilled;
- an `acr` of PROCONNECT_SECOND_FACTOR_ACR (several factors at the agent's identity
  provider) counts as the session's second factor: the identity is then the django-otp
  device that verified the session. Below it, the portal asks for its own second factor.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from expect.core.addresses import canonical_email
from expect.notifications import emails
from expect.organisations.models import Collectivity

from .models import ProConnectIdentity, User

DISCOVERY_CACHE_SECONDS = 60 * 60
# The eIDAS levels in increasing order; "-mfa" variants rank with their level.
ACR_LADDER = ("eidas0", "eidas1", "eidas2", "eidas3")
# Seconds of clock difference tolerated between the provider and us.
LEEWAY = 60
ID_TOKEN_SESSION_KEY = "oidc_id_token"
LOGOUT_STATE_SESSION_KEY = "proconnect_logout_state"
REGISTRATION_SESSION_KEY = "proconnect_registration"


class ProviderUnavailable(Exception):
    """ProConnect could not be reached, or answered something that is not OpenID Connect."""


class Refused(Exception):
    """A sign-in ProConnect cannot complete; `reason` names the page's explanation."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class UnknownAgent(Exception):
    """A verified agent with no account: what the registration form is prefilled with."""

    prefill: dict


# What each refusal tells the person (templates/accounts/proconnect_refused.html).
REFUSALS = {
    "state": gettext_lazy(
        "This sign-in attempt is unknown or was already used (a page opened twice, or left "
        "open too long). Start again from the sign-in page."
    ),
    "denied": gettext_lazy("The sign-in was cancelled at ProConnect. Nothing was changed."),
    "unavailable": gettext_lazy(
        "ProConnect did not answer as expected. Try again in a few minutes, or sign in with "
        "your password."
    ),
    "signature": gettext_lazy(
        "The answer received from ProConnect is not signed by ProConnect: it was refused."
    ),
    "issuer": gettext_lazy(
        "The answer received does not come from the expected ProConnect service: it was refused."
    ),
    "audience": gettext_lazy("The answer received from ProConnect was not meant for EXPE-CT."),
    "expired": gettext_lazy(
        "The answer received from ProConnect has expired. Start again from the sign-in page."
    ),
    "nonce": gettext_lazy(
        "The answer received from ProConnect does not belong to this sign-in attempt: it was "
        "refused. Start again from the sign-in page."
    ),
    "level": gettext_lazy(
        "Your identity provider signed you in with a lower level of assurance than EXPE-CT "
        "requires. Ask your IT department, or sign in with your password."
    ),
    "unverified_email": gettext_lazy(
        "ProConnect does not vouch for your e-mail address, so it cannot be matched to an "
        "EXPE-CT account. Sign in with your password, or ask DAECT."
    ),
    "unconfirmed_account": gettext_lazy(
        "The EXPE-CT account of this address has not confirmed its address yet: open the link "
        "we sent by e-mail, then sign in with ProConnect again."
    ),
    "inactive": gettext_lazy(
        "This EXPE-CT account is deactivated. Ask DAECT if this is a mistake."
    ),
}


def acr_rank(acr: object) -> int:
    """The place of an eIDAS level on the ladder; -1 for anything else."""
    base = str(acr or "").removesuffix("-mfa")
    return ACR_LADDER.index(base) if base in ACR_LADDER else -1


def acr_is_enough(acr: object) -> bool:
    return acr_rank(acr) >= max(acr_rank(settings.PROCONNECT_ACR_VALUES), 0)


def acr_gives_second_factor(acr: object) -> bool:
    return str(acr or "") in settings.PROCONNECT_SECOND_FACTOR_ACR


def provider() -> dict:
    """The issuer's discovery document (endpoints, JWKS address), kept an hour."""
    issuer = settings.PROCONNECT_ISSUER
    key = f"proconnect:discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        try:
            response = requests.get(
                f"{issuer}/.well-known/openid-configuration", timeout=settings.PROCONNECT_TIMEOUT
            )
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise ProviderUnavailable(str(error)) from error
        # OpenID Connect Discovery: the document names the issuer it was asked for.
        if not isinstance(document, dict) or document.get("issuer") != issuer:
            raise ProviderUnavailable("The discovery document names another issuer.")
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def endpoint(name: str) -> str:
    try:
        return provider()[name]
    except KeyError as error:
        raise ProviderUnavailable(f"No {name} in the discovery document.") from error


def password_sign_in_refused(user: User) -> bool:
    """DAECT staff sign in only through ProConnect when PROCONNECT_REQUIRED_FOR_STAFF is on."""
    from .second_factor import is_required

    return bool(getattr(settings, "PROCONNECT_REQUIRED_FOR_STAFF", False)) and is_required(user)


def refuse_password_sign_in(user: User) -> None:
    """Raised by the sign-in forms (portal and admin) for staff who must use ProConnect."""
    if password_sign_in_refused(user):
        raise ValidationError(
            _(
                "DAECT staff sign in with ProConnect: use the « S’identifier avec ProConnect » "
                "button. Your password is no longer accepted here."
            ),
            code="proconnect_required",
        )


def email_is_verified(claims: dict) -> bool:
    """The provider vouches for the address: `email_verified`, or a trusted identity provider.

    An explicit `email_verified: false` is never overridden by the identity provider.
    """
    verified = claims.get("email_verified")
    if verified is not None:
        return verified is True
    return str(claims.get("idp_id") or "") in settings.PROCONNECT_TRUSTED_IDP_IDS


def registration_prefill(claims: dict) -> dict:
    """What the registration form starts with: name, address, and the collectivity whose
    SIREN (the SIRET's first nine digits) is in the official list."""
    prefill = {
        "first_name": str(claims.get("given_name") or "")[:150],
        "last_name": str(claims.get("usual_name") or claims.get("family_name") or "")[:150],
        "email": canonical_email(claims.get("email")),
    }
    siret = str(claims.get("siret") or "")
    if len(siret) == 14 and siret.isascii() and siret.isdigit():
        collectivity = Collectivity.objects.filter(siren=siret[:9]).first()
        if collectivity is not None:
            prefill["collectivity"] = collectivity.siren
    return prefill


def take_registration_prefill(request: HttpRequest) -> dict:
    """The prefill a ProConnect sign-in left for the registration form, if any."""
    return dict(request.session.get(REGISTRATION_SESSION_KEY) or {})


@transaction.atomic
def link_identity(*, user: User, sub: str, issuer: str) -> ProConnectIdentity:
    """Record that this ProConnect `sub` is this account's; its owner is told by e-mail."""
    identity = ProConnectIdentity.objects.create(
        user=user, sub=sub, issuer=issuer, name="ProConnect", confirmed=True
    )
    transaction.on_commit(partial(emails.proconnect_linked, user))
    return identity


def match_account(claims: dict) -> tuple[User, ProConnectIdentity]:
    """The account of these (verified) claims: by `sub`, else by a vouched-for address.

    Raises Refused, or UnknownAgent for a verified address without an account.
    """
    sub = str(claims.get("sub") or "")
    identity = ProConnectIdentity.objects.select_related("user").filter(sub=sub).first()
    if identity is None:
        if not email_is_verified(claims):
            raise Refused("unverified_email")
        email = canonical_email(claims.get("email"))
        user = User.objects.filter(email=email).first() if email else None
        if user is None:
            raise UnknownAgent(registration_prefill(claims))
        _check_account(user)
        # An unconfirmed account may have been opened by someone else with this address:
        # linking it would hand the agent's ProConnect identity to whoever chose its password.
        if user.email_confirmed_at is None:
            raise Refused("unconfirmed_account")
        try:
            identity = link_identity(user=user, sub=sub, issuer=settings.PROCONNECT_ISSUER)
        except IntegrityError:  # the same agent, signing in twice at once
            identity = ProConnectIdentity.objects.select_related("user").get(sub=sub)
    _check_account(identity.user)
    return identity.user, identity


def _check_account(user: User) -> None:
    if not user.is_active:
        raise Refused("inactive")


class ProConnectBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, with ProConnect's endpoints, checks and matching.

    Nothing is read from the provider until a ProConnect callback authenticates: a
    password sign-in goes through this backend too and must not depend on ProConnect.
    """

    def __init__(self, *args, **kwargs):
        self.UserModel = User
        self.OIDC_RP_CLIENT_ID = settings.PROCONNECT_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.PROCONNECT_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # noqa: N802 (the library's name)
        return endpoint("token_endpoint")

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:  # noqa: N802
        return endpoint("userinfo_endpoint")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:  # noqa: N802
        return endpoint("jwks_uri")

    def retrieve_matching_jwk(self, token):
        """The provider's signing key for this token: the one its `kid` names, or the only
        RSA signing key of the set when the token names none."""
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.PROCONNECT_TIMEOUT)
        response.raise_for_status()
        kid = jwt.get_unverified_header(token).get("kid")
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("kty") == "RSA"
            and key.get("use", "sig") == "sig"
            and key.get("alg", "RS256") == "RS256"
            and (kid is None or key.get("kid") == kid)
        ]
        if len(keys) != 1:
            raise Refused("signature")
        return jwt.PyJWK(keys[0], algorithm="RS256")

    def authenticate(self, request, **kwargs):
        # Only the ProConnect callback passes a PKCE verifier: anything else is not ours.
        if request is None or "code_verifier" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        """Check a signed token (the ID token, with its nonce; or a signed userinfo)."""
        is_id_token = "nonce" in kwargs
        try:
            key = self.retrieve_matching_jwk(token)
            payload = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=settings.PROCONNECT_CLIENT_ID,
                issuer=settings.PROCONNECT_ISSUER,
                leeway=LEEWAY,
                options={"require": ["iss", "aud", "sub", *(["exp", "iat"] * is_id_token)]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Refused("expired") from error
        except jwt.InvalidIssuerError as error:
            raise Refused("issuer") from error
        except jwt.InvalidAudienceError as error:
            raise Refused("audience") from error
        except Refused:
            raise
        except requests.RequestException as error:
            raise ProviderUnavailable(str(error)) from error
        except Exception as error:  # a bad signature, an unknown key, a malformed token
            raise Refused("signature") from error
        if is_id_token:
            if not constant_time_compare(str(payload.get("nonce") or ""), kwargs["nonce"] or "-"):
                raise Refused("nonce")
            if not acr_is_enough(payload.get("acr")):
                raise Refused("level")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        # OpenID Connect Core 5.3.2: the userinfo answer is about the ID token's subject.
        if str(userinfo.get("sub")) != str(payload.get("sub")):
            raise Refused("signature")
        claims = {**userinfo, "sub": payload["sub"], "acr": payload.get("acr")}
        user, identity = match_account(claims)
        if acr_gives_second_factor(payload.get("acr")):
            # django-otp's login signal records it: the identity verified the session.
            user.otp_device = identity
        return user

    def get_userinfo(self, access_token, id_token, payload):
        try:
            return super().get_userinfo(access_token, id_token, payload)
        except requests.RequestException as error:
            raise ProviderUnavailable(str(error)) from error


def end_session_url(request: HttpRequest) -> tuple[str, str] | None:
    """Where to send a person who signed in with ProConnect to sign out there too.

    Returns the URL and its `state`; called before the local sign-out, which forgets the
    ID token. None for everyone else.
    """
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    if not settings.PROCONNECT_ENABLED or not id_token:
        return None
    try:
        base = endpoint("end_session_endpoint")
    except ProviderUnavailable:
        return None
    state = secrets.token_urlsafe(32)
    params = {
        "id_token_hint": id_token,
        "state": state,
        "post_logout_redirect_uri": emails.absolute_url(reverse("proconnect:logged_out")),
    }
    return f"{base}?{urlencode(params)}", state
