"""The name in the page header of a learner is the one of their learner record.

A learner's account may spell their name otherwise (it may predate the record, or serve another
organisation); their attestations name them as the record does, so the header does too.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Learner
from .permissions import is_learner, own_learner_records


def learner_name(request: HttpRequest) -> dict[str, object]:
    member = getattr(request, "member", None)
    if not is_learner(member):
        return {}

    def record_name() -> str:
        records = own_learner_records(member)  # the one rule of whose records a learner reads
        return records[0].full_name if records else ""

    return {"header_name": SimpleLazyObject(record_name)}


def header_of(learner: Learner) -> dict[str, object]:
    """The same name, for a view that already holds the learner's own record (an assignment
    reached by access_own_assignment): a view's context wins over the processor's, whose query
    is then never run."""
    return {"header_name": learner.full_name}
