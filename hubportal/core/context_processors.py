from django.conf import settings
from django.utils.translation import gettext_lazy as _

# Each language named in itself, as a reader looking for their language expects.
LANGUAGE_SELF_NAMES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}


def site(request):
    return {
        "SITE_NAME": _("Hub portal"),
        "SITE_URL": settings.SITE_URL,
        "SITE_CONTACT_EMAIL": settings.SITE_CONTACT_EMAIL,
        "SITE_CONTACT_PHONE": settings.SITE_CONTACT_PHONE,
        "LANGUAGE_LINKS": [
            (code, LANGUAGE_SELF_NAMES.get(code, code)) for code, _name in settings.LANGUAGES
        ],
    }
