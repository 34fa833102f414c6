from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "saveit.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from .templatetags.cached_i18n import install

        install()  # {% translate %} of a constant kept per language (issue 22)
