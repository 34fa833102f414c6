from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "saveit.learning"
    verbose_name = _("Learning")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from saveit.audit.services import SIGNATURE_HANDLERS

        from .services.recertification import recertify_on_signature

        SIGNATURE_HANDLERS.append(recertify_on_signature)
