from django.urls import path

from . import views

app_name = "betaling"

urlpatterns = [
    path("betaling/<int:booking>/betal/", views.pay, name="pay"),
    path("betaling/retur/<str:reference>/", views.payment_return, name="return"),
    path("betaling/kvittering/<str:reference>/", views.receipt, name="receipt"),
    path("betaling/fakturagrunnlag/", views.invoices, name="invoices"),
    path(
        "betaling/fakturagrunnlag/<slug:municipality>/<int:year>/<int:month>/",
        views.invoice_month,
        name="invoice_month",
    ),
    path(
        "betaling/fakturagrunnlag/<slug:municipality>/<int:year>/<int:month>/eksport/",
        views.invoice_export,
        name="invoice_export",
    ),
    path(
        "betaling/okonomi/<slug:municipality>/<int:year>/<int:month>/",
        views.finance_report,
        name="finance_report",
    ),
    path(
        "betaling/okonomi/<slug:municipality>/<int:year>/<int:month>/rapport.csv",
        views.finance_report_csv,
        name="finance_report_csv",
    ),
    path("betaling/refusjon/<int:refund>/frafall-gebyr/", views.waive_fee, name="waive_fee"),
]
