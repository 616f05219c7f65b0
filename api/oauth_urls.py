"""Where a person consents to an application reading their own data (``/o/authorize/``,
in every language, signed in): the portal as an OAuth 2 authorization server
(django-oauth-toolkit). Only the authorization code grant with PKCE is served; the
toolkit's management pages and OpenID Connect are not. The token endpoints, which
applications call, are in ``api.oauth_token_urls``."""

from django.urls import path

from .oauth import ConsentView

urlpatterns = [
    path("o/authorize/", ConsentView.as_view(), name="oauth_authorize"),
]
