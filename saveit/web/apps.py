from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The web shell: home page, left navigation and the demo loader (the top layer)."""

    name = "saveit.web"
    label = "web"
    verbose_name = _("Web shell")
