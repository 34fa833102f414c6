from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "saveit.certificates"
    verbose_name = _("Certificates")
    default_auto_field = "django.db.models.BigAutoField"
