from django.urls import path

from . import views, views_admin, views_amendments

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
    path(
        "missions/<int:engagement_id>/avenants/",
        views_amendments.amendment_list,
        name="amendments",
    ),
    path(
        "missions/<int:engagement_id>/avenants/<int:amendment_id>/",
        views_amendments.amendment_detail,
        name="amendment",
    ),
    path(
        "missions/<int:engagement_id>/avenants/<int:amendment_id>/emettre/",
        views_amendments.amendment_issue,
        name="amendment_issue",
    ),
    path(
        "missions/<int:engagement_id>/avenants/<int:amendment_id>/supprimer/",
        views_amendments.amendment_delete,
        name="amendment_delete",
    ),
    path("reglements/", views.payments, name="payments"),
    path("creances/", views.receivables, name="receivables"),
    path("facturation/exports/", views.exports_page, name="exports"),
    path("abonnements/", views_admin.subscriptions_page, name="subscriptions"),
    path(
        "abonnements/<int:subscription_id>/annee-suivante/",
        views_admin.subscription_next_year,
        name="subscription_next_year",
    ),
    path(
        "abonnements/<int:subscription_id>/resiliation/",
        views_admin.subscription_terminate,
        name="subscription_terminate",
    ),
    path("facturation/indices/", views_admin.indexes, name="indexes"),
    path("facturation/cgv/", views_admin.sales_terms, name="sales_terms"),
    path(
        "missions/<int:engagement_id>/facturation/financeurs/",
        views_admin.add_funding,
        name="add_funding",
    ),
    path(
        "missions/<int:engagement_id>/facturation/financeurs/<int:agreement_id>/facture/",
        views_admin.invoice_funder,
        name="invoice_funder",
    ),
    path(
        "missions/<int:engagement_id>/facturation/financeurs/<int:agreement_id>/refus/",
        views_admin.funder_refused,
        name="funder_refused",
    ),
    path("factures/<int:invoice_id>/penalites/", views_admin.late_penalties, name="penalties"),
    path("factures/<int:invoice_id>/suspendre/", views_admin.suspend, name="suspend"),
    path("factures/<int:invoice_id>/lever-suspension/", views_admin.lift, name="lift"),
    path(
        "missions/<int:engagement_id>/facturation/annulation/",
        views_admin.cancel,
        name="cancel",
    ),
    path("facturation/exports/<str:kind>.<str:fmt>", views.export, name="export"),
]
