from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.requests, name="requests"),
    path("demandes/<int:request_id>/", views.request_detail, name="request"),
    path("demandes/<int:request_id>/executer/", views.request_execute, name="request_execute"),
    path("demandes/<int:request_id>/prolonger/", views.request_extend, name="request_extend"),
    path("demandes/<int:request_id>/export.zip", views.request_export, name="request_export"),
    path("contact/", views.contact, name="contact"),
    path("registre/", views.register, name="register"),
    path("registre.pdf", views.register_download, name="register_pdf"),
    path("violations/", views.breaches, name="breaches"),
    path("violations/<int:breach_id>/", views.breach_detail, name="breach"),
    path("violations/<int:breach_id>/notifier/", views.breach_notify, name="breach_notify"),
    path("violations/registre.<str:fmt>", views.breaches_download, name="breaches_download"),
    path("conservation/", views.retention, name="retention"),
    path("conservation/gels/<int:hold_id>/lever/", views.hold_lift, name="hold_lift"),
    path("reversibilite/", views.reversibility, name="reversibility"),
    path(
        "reversibilite/<int:export_id>/supprimer/",
        views.reversibility_destroy,
        name="reversibility_destroy",
    ),
]
