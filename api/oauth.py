"""The consent page of the portal's OAuth 2 server: django-oauth-toolkit's authorization
view with the portal's template (Designsystemet, nb/nn/en), naming the application, the
municipality that registered it and what it asks to read."""

from __future__ import annotations

from oauth2_provider.views import AuthorizationView


class ConsentView(AuthorizationView):
    template_name = "api/oauth_consent.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = context.get("application")
        client = getattr(application, "hubportal_client", None) if application else None
        context["municipality"] = client.municipality if client else None
        return context
