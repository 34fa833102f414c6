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

        from saveit.engagements.artefact_pages import register_page
        from saveit.engagements.artefacts import DELIVERY_NOTE

        from .closure_data import delivery_note_data

        register_page(DELIVERY_NOTE, delivery_note_data)

        from saveit.audit.document_access import register_reading_page

        from .views_signing import reading_page_url

        register_reading_page(reading_page_url)
