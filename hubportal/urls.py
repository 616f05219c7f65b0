from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, register_converter

from hubportal.core import views as core_views
from hubportal.notifications import views as notification_views
from knutepunkt import views as knutepunkt_views


class ColourConverter:
    """Six lower-case hexadecimal digits, a brand colour without its #, and nothing else."""

    regex = "[0-9a-f]{6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ColourConverter, "colour")

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # The public API: one address in every language (the language is a parameter).
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sprak/<str:code>/", core_views.choose_language, name="choose_language"),
    # A municipality's brand colour as a stylesheet (the CSP allows no inline style).
    path("merkefarge/<colour:colour>.css", core_views.brand_stylesheet, name="brand_stylesheet"),
    # For search engines: robots.txt and sitemap.xml (every language, hreflang alternates).
    path("", include("api.site_urls")),
    # The SMS gateway's delivery reports (a gate set up at LINK Mobility posts here).
    path(
        "sms/leveringsrapport/",
        notification_views.sms_delivery_report,
        name="sms_delivery_report",
    ),
    # OAuth 2: applications swap codes for tokens and give them back (api/oauth_token_urls.py).
    path("", include("api.oauth_token_urls")),
    # Vipps' webhooks (signed; betaling checks the signature).
    path("", include("betaling.webhook_urls")),
]

urlpatterns += i18n_patterns(
    path("", knutepunkt_views.front_page, name="home"),
    path("admin/", admin.site.urls),
    path("konto/", include("hubportal.accounts.urls")),  # first: it answers some of allauth's
    path("konto/", include("allauth.urls")),
    # OAuth 2: a person consents to an application reading their own data.
    path("", include("api.oauth_urls")),
    path("", include("innbyggertorg.urls")),
    path("", include("booking.urls")),
    path("", include("frivillighet.urls")),
    path("", include("sesong.urls")),
    path("", include("betaling.urls")),
    path("", include("samarbeid.urls")),
    # Last: municipality and district addresses are top-level slugs.
    path("", include("knutepunkt.urls")),
    prefix_default_language=False,
)

handler400 = "hubportal.core.views.bad_request"
handler404 = "hubportal.core.views.page_not_found"
handler500 = "hubportal.core.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
