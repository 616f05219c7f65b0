import json
import logging
import secrets
from functools import wraps
from http import HTTPStatus
from urllib.parse import parse_qsl, urlsplit

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect import views as openid_connect
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from hubportal.notifications.phone import display_phone
from hubportal.notifications.selectors import message_preferences

from . import oidc, selectors, services
from .adapters import IDENTITY_PROVIDER_UNAVAILABLE, IdentityProviderLoginAdapter
from .forms import DeleteAccountForm, ProfileForm

logger = logging.getLogger(__name__)


@login_required
def profile(request):
    user = request.user
    initial = {
        "full_name": user.full_name,
        "language": user.language,
        "phone": display_phone(user.phone),
        **{
            ProfileForm.channel_field(kind): channels
            for kind, channels in message_preferences(user=user).items()
        },
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(
            user=user,
            full_name=form.cleaned_data["full_name"],
            language=form.cleaned_data["language"],
            phone=form.cleaned_data["phone"],
            message_channels=form.message_channels(),
        )
        messages.success(request, _("Your profile is saved."))
        return redirect("account_profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_GET
def export_data(request):
    data = services.user_export_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="mine-data-hubportal.json"'
    return response


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.user_delete(user=user)
        messages.success(request, _("Your account and your personal data have been deleted."))
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})


def _identity_provider_failures_answered(view):
    """allauth lets a provider that is down or answers nonsense escape as a 500 at the start
    of the login (the discovery document is fetched there) and at the callback before its
    own error handling; the reader gets the adapter's clear page instead."""

    @wraps(view)
    def wrapped(request, provider_id):
        try:
            return view(request, provider_id)
        except IDENTITY_PROVIDER_UNAVAILABLE as error:
            adapter = get_social_adapter(request)
            provider = adapter.get_provider(request, provider_id)
            return adapter.identity_provider_unavailable(
                request, provider_name=provider.name, error=error
            )

    return wrapped


def _security_level_asked(view):
    """The login asks the provider for the security level it must reach (`acr_values`,
    through allauth's own `auth_params`): the configured minimum, or the higher level a
    step-up asks for with `?level=` (the admin's, for staff). The callback checks it."""

    @wraps(view)
    def wrapped(request, provider_id):
        required = oidc.required_level(request.GET.get("level"))
        if required:
            auth_params = dict(parse_qsl(request.GET.get("auth_params", "")))
            auth_params["acr_values"] = required
            query = request.GET.copy()
            query["auth_params"] = urlencode(auth_params)
            request.GET = query
            request.session[oidc.REQUIRED_LEVEL_KEY] = required
        else:
            request.session.pop(oidc.REQUIRED_LEVEL_KEY, None)
        return view(request, provider_id)

    return wrapped


@login_not_required
def _callback(request, provider_id):
    try:
        adapter = IdentityProviderLoginAdapter(request, provider_id)
        return OAuth2CallbackView.adapter_view(adapter)(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error


openid_connect_login = _identity_provider_failures_answered(
    _security_level_asked(openid_connect.login)
)
openid_connect_callback = _identity_provider_failures_answered(_callback)


@require_GET
def logged_out(request):
    """Where the identity provider sends the browser back after logging out there too. The
    state proves it is the logout this browser began."""
    expected = request.session.pop(oidc.LOGOUT_STATE_KEY, None)
    state = request.GET.get("state", "")
    at_provider = bool(expected) and secrets.compare_digest(state, expected)
    if state and not at_provider:
        logger.warning("logged-out page reached with a state this browser did not send")
    return render(request, "accounts/logged_out.html", {"at_provider": at_provider})


@login_not_required
@require_GET
@xframe_options_exempt
def frontchannel_logout(request, provider_id):
    """OpenID Connect Front-Channel Logout: the provider, in an iframe of its logout page,
    says that the person logged out there; every portal session that began with that
    provider session (`sid`, from that issuer, `iss`) ends. A wrong or missing `iss` or
    `sid` is refused (400) and logged, and ends nothing."""
    try:
        provider = get_social_adapter(request).get_provider(request, provider_id)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error
    issuer = request.GET.get("iss", "")
    sid = request.GET.get("sid", "")
    refusal = selectors.identity_session_refusal(provider_id=provider_id, issuer=issuer, sid=sid)
    if refusal:
        logger.warning(
            "front-channel logout from %s refused: %s (iss=%r, sid=%r)",
            provider_id,
            refusal,
            issuer[:200],
            sid[:200],
        )
        response = render(
            request,
            "accounts/frontchannel_logout.html",
            {"ended": False, "provider_name": provider.name},
            status=HTTPStatus.BAD_REQUEST,
        )
    else:
        ended = services.identity_sessions_end(provider_id=provider_id, issuer=issuer, sid=sid)
        logger.info("front-channel logout from %s ended %d session(s)", provider_id, ended)
        response = render(
            request,
            "accounts/frontchannel_logout.html",
            {"ended": True, "provider_name": provider.name},
        )
        origin = urlsplit(issuer)
        # The provider shows this page in an iframe of its own logout page.
        response._csp_replace = {"frame-ancestors": [f"{origin.scheme}://{origin.netloc}"]}
    response["Cache-Control"] = "no-cache, no-store"
    return response
