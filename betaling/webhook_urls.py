"""Vipps' webhook: one address in every language (a server posts here, not a reader)."""

from django.urls import path

from . import views

urlpatterns = [path("betaling/vipps/webhook/", views.vipps_webhook, name="vipps_webhook")]
