"""The completion report as an engagement artefact: issued at closure, not signed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from saveit.engagements.artefacts import ArtefactKind, register_artefact_kind
from saveit.engagements.models import Engagement, Phase

from .models import CompletionReport


def current_completion_report(engagement: Engagement) -> CompletionReport | None:
    return (
        CompletionReport.objects.filter(engagement=engagement)
        .select_related("document")
        .order_by("-revision")
        .first()
    )


COMPLETION_REPORT = register_artefact_kind(
    ArtefactKind(
        "completion_report",
        _("Completion report"),
        Phase.CLOSURE,
        CompletionReport,
        "completion_report",
        current_completion_report,
        signed=False,
        file_stem="rapport-de-completion",
    )
)


def _register_page() -> None:
    from saveit.engagements.artefact_pages import register_page

    from .completion import report_page_data

    register_page(COMPLETION_REPORT, report_page_data)


_register_page()
