from django.urls import path, re_path

from . import views
from .v1 import api as v1

urlpatterns = [
    path("v1/", v1.urls),
    # Anything else under /api/ is answered in the API's own shape, not as a portal page.
    re_path(r"^(?P<rest>.*)$", views.not_found, name="api_not_found"),
]
