from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "saveit.certificates"
    verbose_name = _("Certificates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from saveit.learning.hooks import attempt_passed

        from .services import issue_attestation

        attempt_passed.register(issue_attestation)  # no pass without its attestation
