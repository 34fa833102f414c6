from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("pilotage/", views.overview, name="overview"),
    path("pilotage/<int:organization_id>/", views.client_dashboard, name="client"),
    path(
        "pilotage/<int:organization_id>/apprenants/",
        views.client_learners,
        name="client_learners",
    ),
    path(
        "pilotage/<int:organization_id>/apprenants/<int:learner_id>/relance/",
        views.client_remind,
        name="client_remind",
    ),
    path(
        "pilotage/<int:organization_id>/export/<slug:table>.<slug:fmt>",
        views.client_export,
        name="client_export",
    ),
    path("missions/<int:engagement_id>/pilotage/", views.engagement_dashboard, name="engagement"),
    path(
        "missions/<int:engagement_id>/pilotage/apprenants/",
        views.engagement_learners,
        name="engagement_learners",
    ),
    path(
        "missions/<int:engagement_id>/pilotage/apprenants/<int:learner_id>/relance/",
        views.engagement_remind,
        name="engagement_remind",
    ),
    path(
        "missions/<int:engagement_id>/pilotage/export/<slug:table>.<slug:fmt>",
        views.engagement_export,
        name="engagement_export",
    ),
]
