from django.urls import path
from django.views.i18n import JavaScriptCatalog

from . import views, views_jobs

app_name = "core"
urlpatterns = [
    path("sante/", views.health, name="health"),
    # The French of the lesson editor's dialogs (django-prose-editor calls window.gettext).
    path(
        "traductions.js",
        JavaScriptCatalog.as_view(packages=["django_prose_editor"]),
        name="javascript_catalog",
    ),
    path("taches/<uuid:job_id>/", views_jobs.job, name="job"),
    path("taches/<uuid:job_id>/telecharger/", views_jobs.job_download, name="job_download"),
    path("taches/<uuid:job_id>/relancer/", views_jobs.job_retry, name="job_retry"),
]
