from django.conf import settings


def site(request):
    return {"SITE_NAME": "Hubportal", "SITE_URL": settings.SITE_URL}
