from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("<int:engagement_id>/documents/", views.source_list, name="sources"),
    path("<int:engagement_id>/documents/<int:version_id>/", views.version_detail, name="version"),
    path(
        "<int:engagement_id>/documents/<int:version_id>/fichier/",
        views.version_file,
        name="version_file",
    ),
    path(
        "<int:engagement_id>/documents/<int:version_id>/en-vigueur/",
        views.version_put_in_force,
        name="version_put_in_force",
    ),
]
