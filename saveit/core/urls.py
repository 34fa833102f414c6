from django.urls import path

from . import views, views_jobs

app_name = "core"
urlpatterns = [
    path("sante/", views.health, name="health"),
    path("taches/<uuid:job_id>/", views_jobs.job, name="job"),
    path("taches/<uuid:job_id>/telecharger/", views_jobs.job_download, name="job_download"),
    path("taches/<uuid:job_id>/relancer/", views_jobs.job_retry, name="job_retry"),
]
