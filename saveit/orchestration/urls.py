from django.urls import path

from . import views, views_artefacts, views_closure, views_signing

app_name = "engagements"
urlpatterns = [
    path("", views.engagement_list, name="list"),
    path("nouvelle/", views.engagement_create, name="create"),
    path("a-signer/", views.to_sign, name="to_sign"),
    path(
        "clients/<int:client_id>/conditions-contractuelles/",
        views.contract_terms,
        name="contract_terms",
    ),
    path("<int:engagement_id>/", views.engagement_detail, name="detail"),
    path(
        "<int:engagement_id>/lire-et-signer/<int:document_id>/",
        views_signing.read_and_sign,
        name="read_and_sign",
    ),
    path("<int:engagement_id>/avancer/", views.engagement_advance, name="advance"),
    path("<int:engagement_id>/rouvrir/", views.engagement_reopen, name="reopen"),
    path(
        "<int:engagement_id>/rapport-de-completion/",
        views_closure.completion_report,
        name="completion_report",
    ),
    path(
        "<int:engagement_id>/bon-de-livraison/", views_closure.delivery_note, name="delivery_note"
    ),
    path("<int:engagement_id>/dossier-de-preuves/", views_closure.seal, name="seal"),
    path(
        "<int:engagement_id>/dossier-de-preuves/<int:revision>.zip",
        views_closure.evidence_pack,
        name="evidence_pack",
    ),
    path(
        "<int:engagement_id>/rouvrir-la-mission/", views_closure.reopen_closed, name="reopen_closed"
    ),
    path("<int:engagement_id>/entretien/", views_artefacts.interview_add, name="interview_add"),
    path(
        "<int:engagement_id>/note-de-cadrage/", views_artefacts.scoping_note_edit, name="note_edit"
    ),
    path(
        "<int:engagement_id>/note-de-cadrage/emettre/",
        views_artefacts.scoping_note_issue,
        name="note_issue",
    ),
    path(
        "<int:engagement_id>/cartographie/",
        views_artefacts.mapping_report_generate,
        name="mapping_report",
    ),
    path("<int:engagement_id>/proposition/", views_artefacts.proposal_edit, name="proposal_edit"),
    path(
        "<int:engagement_id>/proposition/emettre/",
        views_artefacts.proposal_issue,
        name="proposal_issue",
    ),
    path("<int:engagement_id>/proforma/", views_artefacts.proforma_issue, name="proforma"),
    path(
        "<int:engagement_id>/proforma/<int:proforma_id>/",
        views_artefacts.proforma_page,
        name="proforma_page",
    ),
    path(
        "<int:engagement_id>/bon-de-commande/",
        views_artefacts.purchase_order_upload,
        name="purchase_order",
    ),
    path(
        "<int:engagement_id>/accord/",
        views_artefacts.purchase_agreement_create,
        name="purchase_agreement",
    ),
    path(
        "<int:engagement_id>/artefacts/<slug:kind>/<int:revision>/",
        views_artefacts.artefact_page,
        name="artefact",
    ),
    path(
        "<int:engagement_id>/pdf/<int:document_id>/",
        views_artefacts.engagement_pdf,
        name="pdf",
    ),
]
