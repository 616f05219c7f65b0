"""ID-porten's rules, as configuration of django-allauth's generic OpenID Connect login, so
that another provider works the same way (one without security levels sets
OIDC_ACR_MINIMUM empty).

- **Security level** (`acr`): a login asks for at least ``OIDC_ACR_MINIMUM`` with
  ``acr_values`` and is refused when the `acr` in the ID token is lower. Levels are ordered by
  ``OIDC_ACR_LEVELS`` (lowest first); a value outside the list counts as below every level.
- **The identity session**: what the portal must remember of a login through the provider
  to log out of it again (the raw ID token for ``id_token_hint``, the provider's
  ``end_session_endpoint``) and to be logged out by it (``iss`` and ``sid`` for front-channel
  logout), kept in the portal session under ``SESSION_KEY``.
- **The national identity number** (`pid`): kept only as a keyed hash (``pid_digest``).
- **Discovery** (``DiscoveryCachingAdapter``): the provider's discovery document is kept in
  the cache, so a login costs the provider one request fewer at each step, and the cache
  being away costs nothing but that request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from requests import Response
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

logger = logging.getLogger(__name__)

# In the portal session: the identity session of a completed login, and one waiting for the
# login to be completed (a new person fills in an email address first).
SESSION_KEY = "hubportal_oidc"
PENDING_KEY = "hubportal_oidc_pending"
REQUIRED_LEVEL_KEY = "hubportal_oidc_required_acr"
LOGOUT_STATE_KEY = "hubportal_oidc_logout_state"
# A waiting login older than this is not completed by a later sign-in.
PENDING_SECONDS = 15 * 60

DISCOVERY_PATH = "/.well-known/openid-configuration"
# A discovery document is kept only when it names what a login needs.
DISCOVERY_REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint")


# --------------------------------------------------------------------------- security level


# ID-porten's levels as a person knows them; another provider's levels are shown as they are.
LEVEL_LABELS = {
    "idporten-loa-substantial": _("substantial (e.g. MinID)"),
    "idporten-loa-high": _("high (e.g. BankID or Buypass)"),
}


def level_label(acr: str | None) -> str:
    if not acr:
        return _("none given")
    return LEVEL_LABELS.get(acr, acr)


def level_rank(acr: str | None) -> int:
    """Where a level stands among OIDC_ACR_LEVELS (0 lowest); -1 for none or an unknown one."""
    levels = settings.OIDC_ACR_LEVELS
    return levels.index(acr) if acr in levels else -1


def level_at_least(acr: str | None, required: str | None) -> bool:
    return not required or level_rank(acr) >= level_rank(required)


def required_level(asked: str | None = None) -> str | None:
    """The level a login must reach: the configured minimum, or a higher one asked for (a
    step-up for the admin). A lower or unknown one asked for does not lower it."""
    minimum = settings.OIDC_ACR_MINIMUM or None
    if asked in settings.OIDC_ACR_LEVELS and level_rank(asked) > level_rank(minimum):
        return asked
    return minimum


def default_provider_id() -> str:
    """The OpenID Connect provider a step-up signs in with when the session has none."""
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    return settings.OIDC_PROVIDER_ID or (apps[0]["provider_id"] if apps else "")


def staff_level_missing(session) -> str | None:
    """The level staff must sign in with to open the admin, if this session lacks it."""
    required = settings.OIDC_STAFF_ACR_MINIMUM or None
    identity = IdentitySession.from_session(session)
    if level_at_least(identity.acr if identity else None, required):
        return None
    return required


# --------------------------------------------------------------------------- identity session


@dataclass(frozen=True)
class IdentitySession:
    provider_id: str
    uid: str  # the provider's `sub`: the person this login was for
    issuer: str
    sid: str
    acr: str
    id_token: str
    end_session_endpoint: str
    started_at: float  # time.time() when the provider confirmed who it is

    @classmethod
    def from_session(cls, session, key: str = SESSION_KEY) -> IdentitySession | None:
        data = session.get(key)
        if not isinstance(data, dict):
            return None
        try:
            return cls(**data)
        except TypeError:
            return None

    def as_session_data(self) -> dict:
        return asdict(self)

    def end_session_url(self, *, post_logout_redirect_uri: str, state: str) -> str | None:
        """Where the browser logs out of the provider (RP-initiated logout), or None when the
        provider offers no end_session_endpoint."""
        if not self.end_session_endpoint:
            return None
        query = urlencode(
            {
                "id_token_hint": self.id_token,
                "post_logout_redirect_uri": post_logout_redirect_uri,
                "state": state,
            }
        )
        separator = "&" if "?" in self.end_session_endpoint else "?"
        return f"{self.end_session_endpoint}{separator}{query}"


def claim(claims: dict, name: str):
    """A claim from the ID token, or else from userinfo (allauth keeps both)."""
    for source in ("id_token", "userinfo"):
        value = (claims.get(source) or {}).get(name)
        if value not in (None, ""):
            return value
    return None


# --------------------------------------------------------------------------- national identity


def pid_digest(pid: str) -> str:
    """The keyed hash the portal keeps of a national identity number. A keyed hash rather
    than encryption: the portal never needs the number back, only to know the same person
    again (a new `sub` after the municipality changes client); a copy of the database
    without the key (OIDC_PID_HMAC_KEY) reveals nothing, and no key in the portal can turn
    it back into the number."""
    return hmac.new(
        settings.OIDC_PID_HMAC_KEY.encode(), pid.strip().encode(), hashlib.sha256
    ).hexdigest()


# --------------------------------------------------------------------------- discovery cache


def _discovery_cache_key(url: str) -> str:
    return "oidc-discovery:" + hashlib.sha256(url.encode()).hexdigest()


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception as error:  # a cache that is away is a cache miss
        logger.warning("discovery cache unavailable (%s: %s)", type(error).__name__, error)
        return None


def _cache_set(key: str, value, timeout: int) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception as error:
        logger.warning("discovery cache unavailable (%s: %s)", type(error).__name__, error)


def _usable_discovery(content: bytes) -> bool:
    try:
        document = json.loads(content)
    except ValueError:
        return False
    return isinstance(document, dict) and all(document.get(key) for key in DISCOVERY_REQUIRED)


class DiscoveryCachingAdapter(HTTPAdapter):
    """A requests transport that answers GETs of a discovery document from the cache and
    keeps a good answer there for OIDC_DISCOVERY_CACHE_SECONDS; everything else (and a
    cache miss) goes to the provider. Every request allauth makes to the provider passes
    through the adapter's requests session, so every step of a login is served."""

    def send(self, request, **kwargs):
        if request.method != "GET" or DISCOVERY_PATH not in (request.url or ""):
            return super().send(request, **kwargs)
        key = _discovery_cache_key(request.url)
        cached = _cache_get(key)
        if isinstance(cached, bytes):
            return self._cached_response(request, cached)
        response = super().send(request, **kwargs)
        if response.status_code == 200 and _usable_discovery(response.content):
            _cache_set(key, response.content, settings.OIDC_DISCOVERY_CACHE_SECONDS)
        return response

    @staticmethod
    def _cached_response(request, content: bytes) -> Response:
        response = Response()
        response.status_code = 200
        response._content = content
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        response.reason = "OK (cached)"
        return response


def pending_is_fresh(started_at: float) -> bool:
    return time.time() - started_at < PENDING_SECONDS
