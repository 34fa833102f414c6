from django.urls import path

from . import views_documents, views_trail

app_name = "audit"
urlpatterns = [
    path("piste/", views_trail.trail, name="trail"),
    path("documents/", views_documents.document_list, name="document_list"),
]
