from django.urls import path

from . import views

app_name = "innbyggertorg"

urlpatterns = [
    path(
        "arrangement/bekreft/<str:token>/", views.registration_confirm, name="registration_confirm"
    ),
    path("arrangement/avmeld/<str:token>/", views.registration_cancel, name="registration_cancel"),
    path("<slug:municipality>/arrangementer/", views.event_list, name="events"),
    path("<slug:municipality>/arrangementer/<int:event>/", views.event_page, name="event"),
    path(
        "<slug:municipality>/arrangementer/<int:event>/kalender.ics",
        views.event_ics,
        name="event_ics",
    ),
    path(
        "<slug:municipality>/knutepunkt/<slug:hub>/arrangementer.ics",
        views.hub_events_ics,
        name="hub_events_ics",
    ),
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
