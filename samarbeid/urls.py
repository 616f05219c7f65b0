from django.urls import path

from . import views

app_name = "samarbeid"

urlpatterns = [
    path("samarbeid/", views.cooperations, name="cooperations"),
    path("samarbeid/<slug:cooperation>/", views.cooperation_page, name="cooperation"),
    path("samarbeid/<slug:cooperation>/koordinering/", views.coordination, name="coordination"),
    path(
        "samarbeid/<slug:cooperation>/koordinering/<slug:figure>.csv",
        views.figure_csv,
        name="figure_csv",
    ),
]
