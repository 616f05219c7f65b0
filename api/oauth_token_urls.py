"""Where an application swaps an authorization code (with its PKCE verifier) for tokens,
refreshes them (``/o/token/``), and gives them back (``/o/revoke_token/``, RFC 7009): one
address each, outside the language prefixes."""

from django.urls import path
from oauth2_provider import views as oauth_views

urlpatterns = [
    path("o/token/", oauth_views.TokenView.as_view(), name="oauth_token"),
    path("o/revoke_token/", oauth_views.RevokeTokenView.as_view(), name="oauth_revoke_token"),
]
