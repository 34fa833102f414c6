from django.urls import path

from . import views_deploy as D
from . import views_learner as L

app_name = "learning"
urlpatterns = [
    path("missions/<int:engagement_id>/deploiement/", D.deployment, name="deployment"),
    path("missions/<int:engagement_id>/deploiement/assigner/", D.assign, name="assign"),
    path("populations/<int:population_id>/", D.population_detail, name="population"),
    path("populations/<int:population_id>/import/", D.import_upload, name="import_upload"),
    path(
        "populations/<int:population_id>/membres/<int:learner_id>/retirer/",
        D.member_remove,
        name="member_remove",
    ),
    path(
        "populations/<int:population_id>/membres/<int:learner_id>/modifier/",
        D.member_edit,
        name="member_edit",
    ),
    path(
        "deploiement/campagnes/<int:campaign_id>/echeance/",
        D.campaign_due,
        name="campaign_due",
    ),
    path("populations/imports/<int:import_id>/", D.import_preview, name="import"),
    path("populations/imports/<int:import_id>/valider/", D.import_commit, name="import_commit"),
    path(
        "populations/imports/<int:import_id>/rejets.<slug:fmt>",
        D.import_rejected,
        name="import_rejected",
    ),
    path("populations/modele-import.<slug:fmt>", D.import_template, name="import_template"),
    path(
        "populations/imports/<int:import_id>/abandonner/", D.import_discard, name="import_discard"
    ),
    path("acces/<str:token>/", L.sign_in_link, name="sign_in_link"),
    path("acces-nouveau-lien/", L.link_request, name="link_request"),
    path("mes-formations/", L.my_trainings, name="my_trainings"),
    path("mes-formations/mot-de-passe/", L.set_password, name="password"),
    path("mes-formations/<int:assignment_id>/", L.training, name="training"),
    path("mes-formations/<int:assignment_id>/lecons/<str:key>/", L.lesson, name="lesson"),
    path(
        "mes-formations/<int:assignment_id>/vues/<int:view_id>/",
        L.lesson_heartbeat,
        name="heartbeat",
    ),
    path("mes-formations/<int:assignment_id>/fichiers/<str:sha256>/", L.lesson_file, name="file"),
    path("mes-formations/<int:assignment_id>/evaluation/", L.assessment, name="assessment"),
    path(
        "mes-formations/<int:assignment_id>/evaluation/<int:number>/",
        L.attempt_submit,
        name="submit",
    ),
    path("mes-formations/<int:assignment_id>/resultats/<int:number>/", L.result, name="result"),
]
