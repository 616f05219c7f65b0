from allauth.socialaccount import app_settings as socialaccount_settings
from django.urls import path

from . import views

# Included before allauth's URLs: the OpenID Connect login and callback under allauth's own
# addresses and names, with the identity provider's failures answered (views.py).
_prefix = socialaccount_settings.OPENID_CONNECT_URL_PREFIX
OIDC = f"{_prefix}/" if _prefix else ""

urlpatterns = [
    path("profil/", views.profile, name="account_profile"),
    path("mine-data/", views.export_data, name="account_export_data"),
    path("slett/", views.delete_account, name="account_delete"),
    path(
        f"{OIDC}<str:provider_id>/login/",
        views.openid_connect_login,
        name="openid_connect_login",
    ),
    path(
        f"{OIDC}<str:provider_id>/login/callback/",
        views.openid_connect_callback,
        name="openid_connect_callback",
    ),
    # Registered at the provider: front-channel logout, and the return after logging out.
    path(
        f"{OIDC}<str:provider_id>/logout/frontchannel/",
        views.frontchannel_logout,
        name="openid_connect_frontchannel_logout",
    ),
    path("logget-ut/", views.logged_out, name="account_logged_out"),
]
