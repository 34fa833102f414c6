from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "saveit.quality"
    verbose_name = _("Quality")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from saveit.learning.hooks import attempt_passed

        from . import collectors  # noqa: F401  (registers one collector per indicator)
        from .surveys import request_hot_survey

        # A pass completes the training: the learner is asked at once for a hot survey.
        attempt_passed.register(request_hot_survey)
