from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrchestrationConfig(AppConfig):
    """The engagement workflow across apps: gates, board, closure, evidence pack.

    It sits on top of every domain app; lower apps never import it.
    """

    name = "saveit.orchestration"
    label = "orchestration"
    verbose_name = _("Engagement workflow")

    def ready(self) -> None:
        from saveit.audit.services import document_signed

        from .services.signed import tell_manager_on_signature

        document_signed.register(tell_manager_on_signature)
