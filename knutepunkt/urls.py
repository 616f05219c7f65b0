from django.urls import path

from . import views

app_name = "knutepunkt"

urlpatterns = [
    path("finn-bydel/", views.find_district, name="find_district"),
    path("sok/", views.search, name="search"),
    path("<slug:municipality>/", views.municipality_page, name="municipality"),
    path("<slug:municipality>/sok/", views.search, name="municipality_search"),
    path("<slug:municipality>/knutepunkt/<slug:hub>/", views.hub_page, name="hub"),
    path("<slug:municipality>/<slug:district>/", views.district_page, name="district"),
]
