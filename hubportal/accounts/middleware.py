"""Staff need a stronger sign-in for the admin than citizens need for the portal.

The security level is a property of the session (the `acr` its login came back with, kept
in hubportal.accounts.oidc's identity session), not of the person: the same account books a
room as a citizen and edits a hub as staff. So the check is made where the stronger level is
needed, at the door of the admin, on every admin request: a staff member whose session is
below OIDC_STAFF_ACR_MINIMUM (a password login has no level at all) gets a page that explains
it and signs them in again through the provider at that level (a step-up), and then comes
back to the admin page they asked for. The rest of the portal asks nothing more of them."""

from __future__ import annotations

import logging
from http import HTTPStatus

from django.conf import settings
from django.shortcuts import render

from . import oidc

logger = logging.getLogger(__name__)

# The admin's own sign-in and sign-out pages stay open (and its static catalogue).
OPEN_ADMIN_PAGES = frozenset({"login", "logout", "jsi18n"})


class StaffAssuranceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not settings.OIDC_STAFF_ACR_MINIMUM or match is None or match.namespace != "admin":
            return None
        if match.url_name in OPEN_ADMIN_PAGES:
            return None
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            return None
        required = oidc.staff_level_missing(request.session)
        if required is None:
            return None
        identity = oidc.IdentitySession.from_session(request.session)
        logger.info(
            "admin refused to user %s: session level %r below the staff minimum %r",
            user.pk,
            identity.acr if identity else None,
            required,
        )
        return render(
            request,
            "accounts/staff_level_required.html",
            {
                "provider_id": identity.provider_id if identity else oidc.default_provider_id(),
                "level_given": oidc.level_label(identity.acr if identity else None),
                "level_required": oidc.level_label(required),
                "required": required,
                "next": request.get_full_path(),
            },
            status=HTTPStatus.FORBIDDEN,
        )
