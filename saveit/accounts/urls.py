from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views, views_otp, views_security_events, views_tokens

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.SaveitLoginView.as_view(), name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path(
        "mot-de-passe/oubli/",
        views.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("2fa/", views_otp.otp_verify, name="otp_verify"),
    path("2fa/codes-de-secours/", views_otp.recovery_codes, name="otp_recovery_codes"),
    path("securite/", views_otp.security, name="security"),
    path("role/", views.switch_membership, name="switch"),
    path("invitation/<str:token>/", views.accept_invitation_view, name="invitation_accept"),
    path("organisations/", views.organization_list, name="organization_list"),
    path("organisations/nouvelle/", views.organization_create, name="organization_create"),
    path("organisations/<int:org_id>/", views.organization_detail, name="organization_detail"),
    path("organisations/<int:org_id>/modifier/", views.organization_edit, name="organization_edit"),
    path(
        "organisations/<int:org_id>/signature/",
        views.organization_signature,
        name="organization_signature",
    ),
    path(
        "organisations/<int:org_id>/signature/image.png",
        views.organization_signature_image,
        name="organization_signature_image",
    ),
    path("organisations/<int:org_id>/inviter/", views.member_invite, name="member_invite"),
    path(
        "organisations/<int:org_id>/double-authentification/",
        views.organization_second_factor,
        name="organization_second_factor",
    ),
    path("membres/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("membres/<int:membership_id>/activation/", views.member_active, name="member_active"),
    path(
        "invitations/<int:invitation_id>/retirer/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("jetons/", views_tokens.token_list, name="token_list"),
    path("jetons/<int:token_id>/revoquer/", views_tokens.token_revoke, name="token_revoke"),
    path(
        "evenements-de-securite/",
        views_security_events.security_events,
        name="security_events",
    ),
]
