from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "saveit.privacy"
    verbose_name = _("Data protection")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from saveit.core.privacy import register_restricted_set

        from . import declarations  # noqa: F401  (third-party models' declarations)
        from .selectors import restricted_emails_of

        register_restricted_set(restricted_emails_of)

        from saveit.learning.hooks import contact_refused

        from .selectors import memberships_restricted

        contact_refused.register(memberships_restricted)
