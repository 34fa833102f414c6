"""Writes of the privacy app: requests of the people concerned and what answers them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership, Organization
from saveit.audit.chain import record_event
from saveit.core.dates import add_months
from saveit.core.errors import Refusal
from saveit.core.refusals import not_found
from saveit.learning.models import Learner

from .access_export import build_access_export
from .erasure import erase_person
from .models import DataSubjectRequest, ProcessingRestriction, RequestKind
from .subjects import Person, find_person

EXPORT_KINDS = (RequestKind.ACCESS, RequestKind.PORTABILITY)
RECTIFIABLE = ("first_name", "last_name", "employee_id", "site", "job", "manager")
DEFAULT_IDENTITY_NOTE = "address matched the person's record; checked by the member executing"


@transaction.atomic
def receive_request(
    *,
    organization: Organization,
    kind: str,
    email: str,
    by: Membership,
    details: str = "",
    identity_note: str = "",
) -> DataSubjectRequest:
    """A person's request, due one month after receipt. Unknown person here: the same 404 as
    another organisation's person."""
    if kind not in RequestKind.values:
        raise Refusal(_("Unknown right: %(kind)s.") % {"kind": kind}, code="unknown_kind")
    person = find_person(organization, email)
    if not person.known:
        raise not_found(Learner, 0)
    now = timezone.now()
    request = DataSubjectRequest.objects.create(
        organization=organization,
        kind=kind,
        email=person.email,
        person_name=person.names[0] if person.names else "",
        details=details,
        received_at=now,
        received_by=by,
        due_on=add_months(timezone.localdate(), 1),
        identity_checked_at=now if identity_note else None,
        identity_note=identity_note,
    )
    record_event(
        organization=organization,
        action="privacy.request_received",
        actor=by,
        target=request,
        after={"kind": kind, "due_on": request.due_on.isoformat()},
    )
    return request


@transaction.atomic
def extend_request(
    *, request: DataSubjectRequest, by: Membership, months: int, reason: str
) -> DataSubjectRequest:
    """Up to two more months for a complex or numerous request, with the reason told."""
    request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise Refusal(_("This request is already answered."), code="request_closed")
    if months not in (1, 2) or not reason.strip():
        raise Refusal(
            _("An extension is of one or two months and needs its reason."), code="bad_extension"
        )
    request.extended_to = add_months(request.due_on, months)
    request.extension_reason = reason.strip()
    request.save(update_fields=["extended_to", "extension_reason"])
    record_event(
        organization=request.organization,
        action="privacy.request_extended",
        actor=by,
        target=request,
        after={"extended_to": request.extended_to.isoformat()},
    )
    return request


@transaction.atomic
def execute_request(
    *,
    request: DataSubjectRequest,
    by: Membership,
    identity_note: str = "",
    changes: dict[str, str] | None = None,
) -> DataSubjectRequest:
    """Carries the request out and keeps the answer (what was done, kept, until when)."""
    request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise Refusal(_("This request is already answered."), code="request_closed")
    now = timezone.now()
    if request.identity_checked_at is None:
        request.identity_checked_at = now
        request.identity_note = identity_note.strip() or DEFAULT_IDENTITY_NOTE
        request.save(update_fields=["identity_checked_at", "identity_note"])
    person = find_person(request.organization, request.email)
    kind = request.kind
    report: dict[str, Any]
    if kind in EXPORT_KINDS:
        _content, counts = build_access_export(person)
        report = {"tables": counts}
    elif kind == RequestKind.ERASURE:
        report = erase_person(person)
        get_user_model().objects.filter(
            pk__in=person.user_ids, email__endswith="@effacement.invalid"
        ).update(is_active=False)
        Membership.objects.filter(pk__in=person.membership_ids).update(is_active=False)
    elif kind == RequestKind.RECTIFICATION:
        report = _rectify(person, changes or {})
    else:
        report = _restrict(request, person, now)
    request.refresh_from_db()
    request.status = DataSubjectRequest.Status.DONE
    request.executed_at = now
    request.executed_by = by
    request.report = report
    request.answer = answer_text(request, report)
    request.save(update_fields=["status", "executed_at", "executed_by", "report", "answer"])
    record_event(
        organization=request.organization,
        action="privacy.request_executed",
        actor=by,
        target=request,
        after={"kind": kind, "tables": sorted(report.get("tables", {}))},
    )
    return request


def _rectify(person: Person, changes: dict[str, str]) -> dict[str, Any]:
    unknown = set(changes) - set(RECTIFIABLE)
    if unknown:
        raise Refusal(
            _("These fields cannot be rectified here: %(f)s.") % {"f": ", ".join(sorted(unknown))},
            code="bad_fields",
        )
    updated = Learner.objects.filter(pk__in=person.learner_ids).update(
        **{k: v.strip() for k, v in changes.items()}
    )
    names = {k: changes[k].strip() for k in ("first_name", "last_name") if k in changes}
    if names:
        get_user_model().objects.filter(pk__in=person.user_ids).update(**names)
    return {"tables": {"learning.Learner": updated}, "fields": sorted(changes)}


def _restrict(request: DataSubjectRequest, person: Person, now: Any) -> dict[str, Any]:
    ProcessingRestriction.objects.update_or_create(
        organization=request.organization,
        email=person.email,
        defaults={"kind": request.kind, "request": request, "since": now},
    )
    return {"tables": {"privacy.ProcessingRestriction": 1}}


def answer_text(request: DataSubjectRequest, report: dict[str, Any]) -> str:
    """The answer kept with the request, in French (the person's language on the platform)."""
    kind = request.kind
    if kind in EXPORT_KINDS:
        tables = report.get("tables", {})
        return _("A copy of the person's data was produced: %(n)s tables, %(rows)s rows.") % {
            "n": len(tables),
            "rows": sum(tables.values()),
        }
    if kind == RequestKind.ERASURE:
        kept = "; ".join(
            _("%(table)s (%(rows)s): %(why)s, until %(until)s")
            % {"table": k["table"], "rows": k["rows"], "why": k["why"], "until": k["until"]}
            for k in report.get("kept", [])
        )
        text = _("The person's data was erased (pseudonym %(code)s).") % {
            "code": report.get("pseudonym", "")
        }
        if kept:
            text += " " + _("Kept for a legal obligation, under the pseudonym: %(kept)s.") % {
                "kept": kept
            }
        return text
    if kind == RequestKind.RECTIFICATION:
        return _("The person's data was corrected: %(fields)s.") % {
            "fields": ", ".join(report.get("fields", [])) or "—"
        }
    return _("Reminders, surveys and exports no longer process this person.")


def access_export_of(request: DataSubjectRequest) -> bytes:
    """The zip answering an access or portability request (built again on each download)."""
    if request.kind not in EXPORT_KINDS:
        raise Refusal(_("Only access and portability requests have an export."), code="no_export")
    if request.status != DataSubjectRequest.Status.DONE:
        raise Refusal(_("Execute the request first."), code="not_executed")
    content, _counts = build_access_export(find_person(request.organization, request.email))
    return content


@transaction.atomic
def set_privacy_contact(
    *, organization: Organization, by: Membership, name: str, email: str, phone: str = ""
) -> Any:
    from .models import PrivacyContact

    contact, _created = PrivacyContact.objects.update_or_create(
        organization=organization,
        defaults={"name": name.strip(), "email": email.strip().lower(), "phone": phone.strip()},
    )
    record_event(organization=organization, action="privacy.contact_set", actor=by, target=contact)
    return contact


@transaction.atomic
def place_hold(
    *, organization: Organization, by: Membership, reason: str, engagement_id: int | None = None
) -> Any:
    from .models import LegalHold

    if not reason.strip():
        raise Refusal(_("A legal hold needs its reason."), code="reason_required")
    hold = LegalHold.objects.create(
        organization=organization,
        engagement_id=engagement_id,
        reason=reason.strip(),
        placed_at=timezone.now(),
        placed_by=by,
    )
    record_event(
        organization=organization,
        action="privacy.legal_hold_placed",
        actor=by,
        target=hold,
        after={"engagement": engagement_id},
    )
    return hold


@transaction.atomic
def lift_hold(*, hold: Any, by: Membership) -> Any:
    if hold.lifted_at:
        raise Refusal(_("This hold is already lifted."), code="already_lifted")
    hold.lifted_at = timezone.now()
    hold.save(update_fields=["lifted_at"])
    record_event(
        organization=hold.organization, action="privacy.legal_hold_lifted", actor=by, target=hold
    )
    return hold
