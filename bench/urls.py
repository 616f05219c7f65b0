from django.http import HttpResponse
from django.urls import path

from hubportal.urls import handler404, handler500  # noqa: F401
from hubportal.urls import urlpatterns as portal_urlpatterns


def bare(request):
    """The framework's own limit on this machine: the full middleware, no work."""
    return HttpResponse("ok", content_type="text/plain")


def bare_with_user(request):
    """The framework's own limit for a signed-in reader: the session is read and the user
    loaded (what Django does before any page can know who asks), no other work."""
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [
    path("_bench/bare", bare),
    path("_bench/bare-user", bare_with_user),
    *portal_urlpatterns,
]
