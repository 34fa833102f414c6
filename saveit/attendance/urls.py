from django.urls import path

from . import views as V

app_name = "attendance"
urlpatterns = [
    path("missions/<int:engagement_id>/seances/", V.session_list, name="sessions"),
    path("seances/<int:session_id>/", V.session_detail, name="session"),
    path("seances/<int:session_id>/demi-journees/", V.add_slot, name="add_slot"),
    path("seances/<int:session_id>/participants/", V.add_population, name="add_population"),
    path("seances/<int:session_id>/convoquer/", V.convene, name="convene"),
    path("seances/<int:session_id>/annuler/", V.cancel, name="cancel"),
    path("demi-journees/<int:slot_id>/qr/", V.qr_screen, name="qr"),
    path("demi-journees/<int:slot_id>/presence/", V.record, name="record"),
    path("demi-journees/<int:slot_id>/signer/", V.trainer_sign, name="trainer_sign"),
    path("demi-journees/<int:slot_id>/papier/", V.paper_upload, name="paper_upload"),
    path("demi-journees/<int:slot_id>/feuille.pdf", V.sheet_pdf, name="sheet_pdf"),
    path("emargement/<str:token>/", V.sign, name="sign"),
    path("mes-seances/", V.my_sessions, name="my_sessions"),
    path("missions/<int:engagement_id>/presence/", V.hours, name="hours"),
    path(
        "missions/<int:engagement_id>/presence/<int:learner_id>/trace.<str:fmt>",
        V.trace,
        name="trace",
    ),
]
