from django.urls import path

from . import views_documents, views_trail

app_name = "audit"
urlpatterns = [
    path("piste/", views_trail.trail, name="trail"),
    path(
        "piste/objet/<str:object_type>/<str:object_id>/",
        views_trail.object_trail,
        name="object_trail",
    ),
    path("piste/export.csv", views_trail.trail_csv, name="trail_csv"),
    path("piste/export.json", views_trail.trail_json, name="trail_json"),
    path("piste/verifier/", views_trail.trail_verify, name="trail_verify"),
    path("documents/", views_documents.document_list, name="document_list"),
    path("documents/<int:document_id>/", views_documents.document_detail, name="document_detail"),
    path(
        "documents/<int:document_id>/fichier/", views_documents.document_file, name="document_file"
    ),
    path(
        "documents/<int:document_id>/signer/", views_documents.document_sign, name="document_sign"
    ),
]
