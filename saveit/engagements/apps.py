from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementsConfig(AppConfig):
    name = "saveit.engagements"
    label = "engagements"
    verbose_name = _("Engagements")

    def ready(self) -> None:
        from saveit.accounts.roles import AuditorScope
        from saveit.accounts.services import AUDITOR_SCOPE_CHECKS
        from saveit.audit.services import register_signing_check

        from .permissions import engagement_fits_auditor_scope
        from .signing_rules import artefact_signing_refusal

        AUDITOR_SCOPE_CHECKS[AuditorScope.ENGAGEMENT] = engagement_fits_auditor_scope
        register_signing_check(artefact_signing_refusal)
