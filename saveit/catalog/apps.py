from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "saveit.catalog"
    label = "catalog"
    verbose_name = _("Certifying modules")

    def ready(self) -> None:
        from saveit.audit.services import document_signed

        from . import artefacts  # noqa: F401  (registers the validation record)
        from .services.acceptance import activate_on_signature

        document_signed.register(activate_on_signature)

        from saveit.documents.services import version_superseded

        from .services.outdated import mark_outdated

        version_superseded.register(mark_outdated)
