from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "saveit.attendance"
    verbose_name = _("Attendance")
    default_auto_field = "django.db.models.BigAutoField"
