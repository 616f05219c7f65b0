from django.http import HttpResponse
from django.urls import path

from hubportal.urls import handler404, handler500  # noqa: F401
from hubportal.urls import urlpatterns as portal_urlpatterns


def bare(request):
    """The framework's own limit on this machine: the full middleware, no work."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("_bench/bare", bare), *portal_urlpatterns]
