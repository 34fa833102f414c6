from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "saveit.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import forget_enrolment

        user_logged_in.connect(forget_enrolment, dispatch_uid="saveit.accounts.forget_enrolment")

        from . import security_events, signals  # noqa: F401  (signals connects the receivers)

        security_events.install()
