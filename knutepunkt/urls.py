from django.urls import path

from . import legal_views, views

app_name = "knutepunkt"

urlpatterns = [
    path("finn-bydel/", views.find_district, name="find_district"),
    path("sok/", views.search, name="search"),
    path("informasjonskapsler/", legal_views.cookie_notice, name="cookies"),
    path(
        "tilgjengelighet/",
        legal_views.statements_index,
        {"kind": "accessibility"},
        name="accessibility_index",
    ),
    path("personvern/", legal_views.statements_index, {"kind": "privacy"}, name="privacy_index"),
    path("<slug:municipality>/", views.municipality_page, name="municipality"),
    path("<slug:municipality>/sok/", views.search, name="municipality_search"),
    path(
        "<slug:municipality>/tilgjengelighet/",
        legal_views.accessibility_statement,
        name="accessibility",
    ),
    path(
        "<slug:municipality>/tilgjengelighet/tilbakemelding/",
        legal_views.accessibility_feedback,
        name="accessibility_feedback",
    ),
    path("<slug:municipality>/personvern/", legal_views.privacy_statement, name="privacy"),
    path("<slug:municipality>/knutepunkt/<slug:hub>/", views.hub_page, name="hub"),
    path("<slug:municipality>/<slug:district>/", views.district_page, name="district"),
]
