from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from saveit.api import api

# The admin asks for the verified second factor too, not a password alone (django-otp's site:
# its login form takes the code, and a signed-in but unverified user is sent back to it).
admin.site.__class__ = OTPAdminSite

urlpatterns: list = [
    path("", include("saveit.core.urls")),
    path("", include("saveit.web.urls")),
    path("comptes/", include("saveit.accounts.urls")),
    path("audit/", include("saveit.audit.urls")),
    path("missions/", include("saveit.orchestration.urls")),
    path("missions/", include("saveit.documents.urls")),
    path("", include("saveit.catalog.urls")),
    path("", include("saveit.learning.urls")),
    path("", include("saveit.attendance.urls")),
    path("", include("saveit.certificates.urls")),
    path("", include("saveit.reporting.urls")),
    path("", include("saveit.support.urls")),
    path("qualite/", include("saveit.quality.urls")),
    path("", include("saveit.billing.urls")),
    path("donnees-personnelles/", include("saveit.privacy.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "saveit.web.views_errors.permission_denied"
handler404 = "saveit.web.views_errors.not_found"
handler500 = "saveit.web.views_errors.server_error"
