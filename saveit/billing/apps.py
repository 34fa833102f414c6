from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "saveit.billing"
    verbose_name = _("Billing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from saveit.audit.services import document_signed
        from saveit.engagements.pdf_data import proposal_mentions
        from saveit.engagements.services.lifecycle import reopening

        from .amendments import require_amendment_for_reopening  # registers the artefact kind
        from .contracts import record_signed_terms, sales_terms_mention

        document_signed.register(record_signed_terms)  # the CGV version a signature accepts
        proposal_mentions.register(sales_terms_mention)  # the CGV version on the proposal
        reopening.register(require_amendment_for_reopening)  # scope or price: an amendment

        from saveit.engagements.artefact_pages import register_page

        from .amendments import AMENDMENT
        from .pdf_data import amendment_data

        register_page(AMENDMENT, amendment_data)  # read in the page before it is signed
