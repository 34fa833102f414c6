from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("attestations/<int:attestation_id>/", views.detail, name="detail"),
    path("attestations/<int:attestation_id>/pdf/", views.pdf, name="pdf"),
    path("attestations/<int:attestation_id>/open-badge/", views.badge, name="badge"),
    path("attestations/<int:attestation_id>/revoquer/", views.revoke, name="revoke"),
    path(
        "missions/<int:engagement_id>/attestations.zip",
        views.engagement_zip,
        name="engagement_zip",
    ),
    path(
        "missions/<int:engagement_id>/certificat-realisation/<int:learner_id>.pdf",
        views.realisation,
        name="realisation",
    ),
    path(
        "mes-seances/certificat/<int:engagement_id>.pdf",
        views.my_realisation,
        name="my_realisation",
    ),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("verify/<str:code>/status.json", views.credential_status, name="credential"),
    path("badges/issuer", views.issuer, name="issuer"),
    path("badges/achievements/<str:token>", views.achievement_view, name="achievement"),
    path("badges/status/<int:list_id>", views.status_list, name="status_list"),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
]
