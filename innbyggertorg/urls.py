from django.urls import path

from . import views

app_name = "innbyggertorg"

urlpatterns = [
    path("<slug:municipality>/tjenester/", views.service_list, name="services"),
    path("<slug:municipality>/tjenester/<slug:service>/", views.service_page, name="service"),
    path(
        "<slug:municipality>/tjenester/<slug:service>/kalender.ics",
        views.service_calendar,
        name="service_calendar",
    ),
    path(
        "<slug:municipality>/knutepunkt/<slug:hub>/tjenester.ics",
        views.hub_calendar,
        name="hub_calendar",
    ),
]
