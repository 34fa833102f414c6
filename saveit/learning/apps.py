from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "saveit.learning"
    verbose_name = _("Learning")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from saveit.audit.services import document_signed

        from .services.recertification import recertify_on_signature

        document_signed.register(recertify_on_signature)
