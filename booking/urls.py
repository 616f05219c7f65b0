from django.urls import path

from . import views

app_name = "booking"

urlpatterns = [
    path("rom/", views.find_room, name="find_room"),
    path("rom/<int:resource>/", views.resource_page, name="resource"),
    path("rom/<int:resource>/book/", views.book, name="book"),
    path("rom/<int:resource>/kalender.ics", views.resource_feed, name="resource_feed"),
    path("bookinger/", views.my_bookings, name="my_bookings"),
    path("bookinger/kalender/", views.renew_feed, name="renew_feed"),
    path("kalender/<str:token>.ics", views.private_feed, name="private_feed"),
    path("bookinger/<int:booking>/", views.booking_page, name="booking"),
    path("bookinger/<int:booking>/avbestill/", views.booking_cancel, name="cancel"),
    path("bookinger/<int:booking>/kalender.ics", views.booking_ics, name="ics"),
]
