from django.urls import path

from . import views

app_name = "betaling"

urlpatterns = [
    path("betaling/<int:booking>/betal/", views.pay, name="pay"),
    path("betaling/retur/<str:reference>/", views.payment_return, name="return"),
    path("betaling/kvittering/<str:reference>/", views.receipt, name="receipt"),
]
