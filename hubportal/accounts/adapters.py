"""django-allauth adapters: account emails go through the notification outbox, in the
recipient's language, and a new account remembers the language it was created in. An
identity provider that does not answer, or answers nonsense, gets the reader a clear page.

The OpenID Connect login follows ID-porten's rules (hubportal.accounts.oidc): the security
level is asked for and checked, the login's identity session is kept for logging out of the
provider (RP-initiated logout) and for being logged out by it (front-channel logout), the
national identity number is kept only as a keyed hash, and the names are copied to the
profile."""

from __future__ import annotations

import logging
import secrets
import time
from http import HTTPStatus

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation

from hubportal.notifications.services import notification_enqueue

from . import oidc, selectors, services


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        user = context.get("user")
        if user is None or not getattr(user, "pk", None):
            user = get_user_model().objects.filter(email__iexact=email).first()
        # Signed-out flows (password reset) answer in the language the page was read in.
        language = translation.get_language() if self.request is not None else None
        if user is not None and self.request is not None and self.request.user.is_authenticated:
            language = user.language
        context = {key: value for key, value in context.items() if key != "request"}
        notification_enqueue(
            template=template_prefix,
            context=context,
            recipient=user,
            to_address=email,
            language=language,
        )

    def save_user(self, request, user, form, commit=True):
        user.language = (translation.get_language() or "nb")[:2]
        return super().save_user(request, user, form, commit=commit)

    def login(self, request, user):
        """Every sign-in: a login through an identity provider that this very sign-in
        completes (for this user's linked login, confirmed minutes ago) becomes the session's
        identity session; any other sign-in has none, whatever an earlier attempt left."""
        pending = request.session.pop(oidc.PENDING_KEY, None)
        request.session.pop(oidc.SESSION_KEY, None)
        services.identity_session_forget(session_key=request.session.session_key)
        super().login(request, user)
        identity = _pending_identity_of(user, pending)
        if identity is None:
            return
        request.session[oidc.SESSION_KEY] = identity.as_session_data()
        services.identity_login_complete(
            user=user,
            session_key=request.session.session_key,
            identity=identity,
            names=pending.get("names") or {},
            pid_digest=pending.get("pid_digest"),
        )

    def get_logout_redirect_url(self, request):
        """After a session that began at an identity provider, the browser goes on to log
        out there too (RP-initiated logout), so that the next person at the same browser must
        sign in again; the provider sends it back to the logged-out page with the state."""
        identity = oidc.IdentitySession.from_session(request.session)
        if identity is not None:
            state = secrets.token_urlsafe(24)
            with translation.override(settings.LANGUAGE_CODE):
                back = request.build_absolute_uri(reverse("account_logged_out"))
            url = identity.end_session_url(post_logout_redirect_uri=back, state=state)
            if url:
                request.hubportal_logout_state = state
                return url
        return super().get_logout_redirect_url(request)

    def logout(self, request):
        """Also allauth's own, when someone signed in signs in again through the provider
        (a step-up): the login the provider has just confirmed waits through it."""
        session_key = request.session.session_key
        pending = None
        match = request.resolver_match
        if match is not None and match.url_name == "openid_connect_callback":
            pending = request.session.get(oidc.PENDING_KEY)
        super().logout(request)
        services.identity_session_forget(session_key=session_key)
        if pending:
            request.session[oidc.PENDING_KEY] = pending
        state = getattr(request, "hubportal_logout_state", None)
        if state:
            request.session[oidc.LOGOUT_STATE_KEY] = state


def _pending_identity_of(user, pending) -> oidc.IdentitySession | None:
    if not isinstance(pending, dict):
        return None
    identity = oidc.IdentitySession.from_session(pending, key="identity")
    if identity is None or not oidc.pending_is_fresh(identity.started_at):
        return None
    if not SocialAccount.objects.filter(
        user=user, provider=identity.provider_id, uid=identity.uid
    ).exists():
        return None
    return identity


logger = logging.getLogger(__name__)

# What an identity provider that is down, hangs or answers nonsense makes the login raise:
# no connection, a timeout, a 5xx answer (see _raise_for_server_error), a body that is not
# JSON, or a discovery document without the endpoints.
IDENTITY_PROVIDER_UNAVAILABLE = (requests.RequestException, KeyError, ValueError)


def _raise_for_server_error(response, *args, **kwargs):
    if response.status_code >= HTTPStatus.INTERNAL_SERVER_ERROR:
        response.raise_for_status()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_requests_session(self):
        """allauth's session (with SOCIALACCOUNT_REQUESTS_TIMEOUT on every request) that
        also treats a 5xx answer as the provider being unavailable, wherever allauth asks."""
        session = super().get_requests_session()
        session.hooks["response"].append(_raise_for_server_error)
        discovery = oidc.DiscoveryCachingAdapter()
        session.mount("http://", discovery)
        session.mount("https://", discovery)
        return session

    def identity_provider_unavailable(
        self, request, *, provider_name: str, error: Exception
    ) -> HttpResponse:
        """The page for a login that the identity provider cannot complete right now."""
        logger.warning(
            "identity provider %s unavailable at %s: %s: %s",
            provider_name,
            request.path,
            type(error).__name__,
            error,
        )
        return render(
            request,
            "socialaccount/provider_unavailable.html",
            {"provider_name": provider_name},
            status=HTTPStatus.SERVICE_UNAVAILABLE,
        )

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        """allauth catches the provider's failures at the callback; an unavailable provider
        gets the same page as at the start of the login. Other failures (a forged or stale
        state, a refused token) get socialaccount/authentication_error.html."""
        if isinstance(exception, IDENTITY_PROVIDER_UNAVAILABLE):
            raise ImmediateHttpResponse(
                self.identity_provider_unavailable(
                    request, provider_name=provider.name, error=exception
                )
            )
        logger.info("login with %s not completed: %s %r", provider.id, error, exception)
        return super().on_authentication_error(
            request, provider, error=error, exception=exception, extra_context=extra_context
        )

    def pre_social_login(self, request, sociallogin):
        """Claims the portal has no use for are not kept (see UNKEPT_CLAIMS). allauth has
        already stored a returning person's claims at this point: they are stored again
        without them, in the same request; a new account is saved after this, without."""
        super().pre_social_login(request, sociallogin)
        account = sociallogin.account
        self._recognise_by_national_identity(request, sociallogin)
        kept = _without_unkept_claims(account.extra_data)
        if kept != account.extra_data:
            account.extra_data = kept
            if account.pk:
                account.save(update_fields=["extra_data"])

    def _recognise_by_national_identity(self, request, sociallogin):
        """A login the portal does not know by the provider's `sub` (a new client at the
        provider gives everyone a new one) for a national identity number it knows: the
        login is linked to that person's account instead of making a second one."""
        if sociallogin.is_existing:
            return
        pending = request.session.get(oidc.PENDING_KEY) or {}
        digest = pending.get("pid_digest")
        owner = selectors.national_identity_owner(pid_digest=digest) if digest else None
        if owner is not None:
            logger.info(
                "login through %s linked to user %s by national identity",
                sociallogin.account.provider,
                owner.pk,
            )
            sociallogin.connect(request, owner)

    def save_user(self, request, sociallogin, form=None):
        sociallogin.user.language = (translation.get_language() or "nb")[:2]
        return super().save_user(request, sociallogin, form)


class IdentityProviderLoginAdapter(OpenIDConnectOAuth2Adapter):
    """allauth's generic OpenID Connect login, with ID-porten's rules at the callback: the
    security level checked, and what the login must leave in the session kept for when it
    is completed (AccountAdapter.login)."""

    def complete_login(self, request, app, token, **kwargs):
        login = super().complete_login(request, app, token, **kwargs)
        claims = login.account.extra_data
        acr = oidc.claim(claims, "acr")
        required = request.session.pop(oidc.REQUIRED_LEVEL_KEY, None) or oidc.required_level()
        if not oidc.level_at_least(acr, required):
            logger.warning(
                "login through %s refused: security level %r is below the required %r",
                self.provider_id,
                acr,
                required,
            )
            raise ImmediateHttpResponse(
                render(
                    request,
                    "socialaccount/security_level_too_low.html",
                    {
                        "provider_name": self.get_provider().name,
                        "provider_id": self.provider_id,
                        "level_given": oidc.level_label(acr),
                        "level_required": oidc.level_label(required),
                        "required": required,
                    },
                    status=HTTPStatus.FORBIDDEN,
                )
            )
        id_token = claims.get("id_token") or {}
        identity = oidc.IdentitySession(
            provider_id=self.provider_id,
            uid=login.account.uid,
            issuer=str(id_token.get("iss") or self.openid_config.get("issuer") or ""),
            sid=str(id_token.get("sid") or ""),
            acr=str(acr or ""),
            id_token=kwargs["response"].get("id_token") or "",
            end_session_endpoint=str(self.openid_config.get("end_session_endpoint") or ""),
            started_at=time.time(),
        )
        pid = oidc.claim(claims, "pid")
        request.session[oidc.PENDING_KEY] = {
            "identity": identity.as_session_data(),
            "pid_digest": oidc.pid_digest(str(pid)) if pid else None,
            "names": {
                name: str(oidc.claim(claims, name) or "")
                for name in ("name", "given_name", "family_name")
            },
        }
        return login


# Claims an identity provider sends that the portal must not keep: ID-porten's `pid` is the
# national identity number (sensitive personal data), and nothing in the portal needs it
# (the account is found by the provider's `sub`).
UNKEPT_CLAIMS = frozenset({"pid"})


def _without_unkept_claims(data):
    """The stored claims (allauth keeps them per source: userinfo, id_token) without the
    unkept ones, at any depth."""
    if isinstance(data, dict):
        return {
            key: _without_unkept_claims(value)
            for key, value in data.items()
            if key not in UNKEPT_CLAIMS
        }
    if isinstance(data, list):
        return [_without_unkept_claims(value) for value in data]
    return data
