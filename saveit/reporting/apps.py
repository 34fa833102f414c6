from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "saveit.reporting"
    verbose_name = _("Reporting")
    default_auto_field = "django.db.models.BigAutoField"
