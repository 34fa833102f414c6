from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "saveit.reporting"
    verbose_name = _("Reporting")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from saveit.learning import hooks

        from . import (
            artefacts,  # noqa: F401  (registers the completion report)
            stats,
        )

        # The figures stay exact in the transaction of every change of assignments.
        hooks.assignment_changing.register(stats.tracking)
        hooks.assignments_shifting.register(stats.shifting)
        hooks.learners_moving.register(stats.moving_learners)
        hooks.assignments_added.register(stats.add_queryset)
