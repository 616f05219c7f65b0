"""The portal's URL conf plus one view that fails, to see the 500 page production serves (in
each language: /nn/__test__/feil/ fails in Nynorsk)."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from hubportal.urls import handler404, handler500
from hubportal.urls import urlpatterns as portal_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def failing_view(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [
    *i18n_patterns(path("__test__/feil/", failing_view), prefix_default_language=False),
    *portal_urlpatterns,
]
