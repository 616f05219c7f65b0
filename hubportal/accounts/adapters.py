"""django-allauth adapters: account emails go through the notification outbox, in the
recipient's language, and a new account remembers the language it was created in. An
identity provider that does not answer, or answers nonsense, gets the reader a clear page."""

from __future__ import annotations

import logging
from http import HTTPStatus

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation

from hubportal.notifications.services import notification_enqueue


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
        kept = _without_unkept_claims(account.extra_data)
        if kept != account.extra_data:
            account.extra_data = kept
            if account.pk:
                account.save(update_fields=["extra_data"])

    def save_user(self, request, sociallogin, form=None):
        sociallogin.user.language = (translation.get_language() or "nb")[:2]
        return super().save_user(request, sociallogin, form)


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
