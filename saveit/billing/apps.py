from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "saveit.billing"
    verbose_name = _("Billing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from saveit.audit.services import document_signed

        from .contracts import record_signed_terms

        document_signed.register(record_signed_terms)  # the CGV version a signature accepts
