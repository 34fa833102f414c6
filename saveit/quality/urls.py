from django.urls import path

from . import views, views_audits, views_feedback

app_name = "quality"
F = views_feedback
A = views_audits

urlpatterns = [
    path("", views.home, name="home"),
    path("profil/", views.profile, name="profile"),
    path("referentiels/<slug:code>/", views.framework, name="framework"),
    path("referentiels/<slug:code>/<int:number>/", views.indicator, name="indicator"),
    path("preuves/actualiser/", views.refresh, name="refresh"),
    path("offres/", views.offers, name="offers"),
    path("offres/<int:offer_id>/", views.offer, name="offer"),
    path("veille/", views.watch, name="watch"),
    path("sous-traitants/", views.subcontractors, name="subcontractors"),
    path("handicap/", views.disability, name="disability"),
    path("competences/", views.competences, name="competences"),
    path("enquetes/", F.survey_results, name="survey_results"),
    path("mes-enquetes/", F.my_surveys, name="my_surveys"),
    path("mes-enquetes/<int:request_id>/", F.my_survey, name="my_survey"),
    path("reclamations/", F.complaint_list, name="complaints"),
    path("reclamations/nouvelle/", F.complaint_new, name="complaint_new"),
    path("reclamations/<int:complaint_id>/", F.complaint_detail, name="complaint"),
    path(
        "reclamations/<int:complaint_id>/accuser-reception/",
        F.complaint_acknowledge,
        name="complaint_acknowledge",
    ),
    path("reclamations/<int:complaint_id>/reponse/", F.complaint_answer, name="complaint_answer"),
    path(
        "reclamations/<int:complaint_id>/mediation/",
        F.complaint_mediation,
        name="complaint_mediation",
    ),
    path("actions/", F.action_list, name="actions"),
    path("actions/<int:action_id>/", F.action_detail, name="action"),
    path("audits/", A.audit_list, name="audits"),
    path("audits/<int:audit_id>/", A.audit_detail, name="audit"),
    path("non-conformites/<int:nc_id>/resolue/", A.nonconformity_resolve, name="nc_resolve"),
    path("classeur/", A.binder, name="binder"),
    path("classeur/<slug:code>/", A.binder_start, name="binder_start"),
]

# Reachable without an account: the public results of an offer, the complaint form, and the
# survey link whose signed token is its only key.
public_urlpatterns = [
    path("resultats/offres/<int:offer_id>/", views.offer_results, name="offer_results"),
    path("reclamation/", F.complaint_public, name="complaint_public"),
    path("enquete/<str:token>/", F.survey_answer, name="survey_answer"),
]
urlpatterns += public_urlpatterns
