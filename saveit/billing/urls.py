from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("factures/", views.invoices, name="invoices"),
    path("factures/<int:invoice_id>/", views.invoice, name="invoice"),
    path("factures/<int:invoice_id>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("factures/<int:invoice_id>/factur-x.xml", views.invoice_xml, name="invoice_xml"),
    path("factures/<int:invoice_id>/modifier/", views.edit, name="edit"),
    path("factures/<int:invoice_id>/emettre/", views.issue, name="issue"),
    path("factures/<int:invoice_id>/supprimer/", views.delete, name="delete"),
    path("factures/<int:invoice_id>/avoir/", views.credit_note, name="credit_note"),
    path("factures/<int:invoice_id>/reglement/", views.record_payment, name="record_payment"),
    path("missions/<int:engagement_id>/facturation/", views.engagement, name="engagement"),
    path(
        "missions/<int:engagement_id>/facturation/acompte/",
        views.create_deposit,
        name="create_deposit",
    ),
    path(
        "missions/<int:engagement_id>/facturation/solde/",
        views.create_balance,
        name="create_balance",
    ),
    path("reglements/", views.payments, name="payments"),
    path("creances/", views.receivables, name="receivables"),
    path("facturation/exports/", views.exports_page, name="exports"),
    path("facturation/exports/<str:kind>.<str:fmt>", views.export, name="export"),
]
