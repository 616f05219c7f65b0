from django.urls import path

from . import views

urlpatterns = [
    path("profil/", views.profile, name="account_profile"),
    path("mine-data/", views.export_data, name="account_export_data"),
    path("slett/", views.delete_account, name="account_delete"),
]
