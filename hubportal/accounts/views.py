import json
from functools import wraps

from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.providers.openid_connect import views as openid_connect
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import services
from .adapters import IDENTITY_PROVIDER_UNAVAILABLE
from .forms import DeleteAccountForm, ProfileForm


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None, initial={"full_name": user.full_name, "language": user.language}
    )
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=user, **form.cleaned_data)
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


openid_connect_login = _identity_provider_failures_answered(openid_connect.login)
openid_connect_callback = _identity_provider_failures_answered(openid_connect.callback)
