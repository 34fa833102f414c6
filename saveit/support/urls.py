from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("support/", views.tickets, name="tickets"),
    path("support/tickets/nouveau/", views.ticket_new, name="ticket_new"),
    path("support/tickets/<int:ticket_id>/", views.ticket, name="ticket"),
    path("support/tickets/<int:ticket_id>/message/", views.ticket_message, name="ticket_message"),
    path("support/tickets/<int:ticket_id>/statut/", views.ticket_status, name="ticket_status"),
    path(
        "support/tickets/<int:ticket_id>/criticite/",
        views.ticket_criticity,
        name="ticket_criticity",
    ),
    path("support/tickets/<int:ticket_id>/prise-en-charge/", views.ticket_take, name="ticket_take"),
    path(
        "support/tickets/<int:ticket_id>/exclusion/",
        views.ticket_exclusion,
        name="ticket_exclusion",
    ),
    path("support/pieces-jointes/<int:attachment_id>/", views.attachment, name="attachment"),
    path("support/contrats/", views.contracts, name="contracts"),
    path(
        "support/contrats/<int:contract_id>/reversibilite/",
        views.contract_reversibility,
        name="contract_reversibility",
    ),
    path("support/contrats/<int:contract_id>/registre/", views.register, name="register"),
    path(
        "support/contrats/<int:contract_id>/indisponibilites/", views.outage_add, name="outage_add"
    ),
    path("support/contrats/<int:contract_id>/calendrier/", views.calendar, name="calendar"),
    path("support/contrats/<int:contract_id>/rapports/", views.reports, name="reports"),
    path("support/rapports/<int:report_id>/", views.report, name="report"),
    path("support/rapports/<int:report_id>/pdf/", views.report_pdf, name="report_pdf"),
    path("support/rapports/<int:report_id>/xlsx/", views.report_xlsx, name="report_xlsx"),
    path("support/maintenances/", views.notices, name="notices"),
]
