from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementsConfig(AppConfig):
    name = "saveit.engagements"
    label = "engagements"
    verbose_name = _("Engagements")

    def ready(self) -> None:
        from saveit.audit.services import SIGNATURE_HANDLERS

        from .services.signed import tell_manager_on_signature

        SIGNATURE_HANDLERS.append(tell_manager_on_signature)
