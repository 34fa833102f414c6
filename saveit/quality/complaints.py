"""Complaints and incidents (indicator 31) and improvement actions (indicator 32).

A complaint is acknowledged within QUALITY_ACK_WORKING_DAYS and answered within
QUALITY_ANSWER_WORKING_DAYS French working days of its receipt; both deadlines are fixed at
receipt, so a late answer stays flagged after it is given. The answer is kept as written.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership, Organization, User
from saveit.audit.chain import record_event
from saveit.core.dates import add_working_days
from saveit.core.errors import Refusal
from saveit.core.numbering import next_number
from saveit.core.tasks import send_email_after_commit

from .models import Complaint, ImprovementAction, NonConformity, SurveyAnswer


@transaction.atomic
def file_complaint(
    *,
    provider: Organization,
    kind: str,
    party: str,
    name: str,
    email: str,
    subject: str,
    description: str,
    client: Organization | None = None,
    engagement_id: int | None = None,
    filed_by: User | None = None,
    by: Membership | None = None,
) -> Complaint:
    if kind not in Complaint.Kind.values or party not in Complaint.Party.values:
        raise Refusal(_("Unknown kind of complaint or party."))
    if not subject.strip() or not description.strip():
        raise Refusal(_("Say what the complaint is about and describe it."))
    now = timezone.now()
    received = timezone.localdate(now)
    complaint = Complaint.objects.create(
        organization=provider,
        number=next_number("REC", received.year),
        kind=kind,
        party=party,
        client=client,
        engagement_id=engagement_id,
        filed_by=filed_by,
        name=name.strip(),
        email=email.strip().lower(),
        subject=subject.strip(),
        description=description.strip(),
        received_at=now,
        acknowledge_by=add_working_days(received, settings.QUALITY_ACK_WORKING_DAYS),
        answer_by=add_working_days(received, settings.QUALITY_ANSWER_WORKING_DAYS),
    )
    _tell(
        complaint,
        _("We received your complaint %(number)s"),
        _(
            "Your complaint “%(subject)s” is recorded under number %(number)s. We acknowledge "
            "it by %(ack)s and answer it by %(answer)s."
        )
        % {
            "subject": complaint.subject,
            "number": complaint.number,
            "ack": complaint.acknowledge_by.strftime("%d/%m/%Y"),
            "answer": complaint.answer_by.strftime("%d/%m/%Y"),
        },
    )
    record_event(
        organization=provider,
        action="quality.complaint_filed",
        actor=by,
        target=complaint,
        after={"kind": kind, "party": party, "number": complaint.number},
    )
    return complaint


def _tell(complaint: Complaint, subject: str, body: str) -> None:
    """The complainant hears of each step by e-mail (after the write commits)."""
    if complaint.email:
        send_email_after_commit(
            to=[complaint.email], subject=subject % {"number": complaint.number}, body=body
        )


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


@transaction.atomic
def acknowledge_complaint(*, complaint: Complaint, by: Membership) -> Complaint:
    complaint = _locked(complaint)
    if complaint.acknowledged_at is not None:
        raise Refusal(_("This complaint is already acknowledged."), code="replayed")
    complaint.acknowledged_at = timezone.now()
    if complaint.status == Complaint.Status.RECEIVED:
        complaint.status = Complaint.Status.ACKNOWLEDGED
    complaint.save()
    record_event(
        organization=complaint.organization,
        action="quality.complaint_acknowledged",
        actor=by,
        target=complaint,
        after={"late": complaint.acknowledged_late(timezone.localdate())},
    )
    return complaint


@transaction.atomic
def answer_complaint(*, complaint: Complaint, answer: str, by: Membership) -> Complaint:
    complaint = _locked(complaint)
    if complaint.answered_at is not None:
        raise Refusal(_("This complaint is already answered; the answer is kept as given."))
    if len(answer.strip()) < 10:
        raise Refusal(_("Write the answer given to the person (at least 10 characters)."))
    now = timezone.now()
    if complaint.acknowledged_at is None:  # answering acknowledges
        complaint.acknowledged_at = now
    complaint.answer, complaint.answered_at, complaint.answered_by = answer.strip(), now, by
    complaint.status = Complaint.Status.ANSWERED
    complaint.save()
    _tell(
        complaint,
        _("Our answer to your complaint %(number)s"),
        _(
            "%(answer)s\n\nIf this answer does not satisfy you, you may ask for mediation: "
            "reply to this message or use the complaint page."
        )
        % {"answer": complaint.answer},
    )
    record_event(
        organization=complaint.organization,
        action="quality.complaint_answered",
        actor=by,
        target=complaint,
        after={"late": complaint.answered_late(timezone.localdate())},
    )
    return complaint


@transaction.atomic
def refer_to_mediation(
    *, complaint: Complaint, outcome: str = "", by: Membership | None = None
) -> Complaint:
    complaint = _locked(complaint)
    if complaint.mediation_requested_at is None:
        complaint.mediation_requested_at = timezone.now()
    complaint.mediation_outcome = outcome.strip() or complaint.mediation_outcome
    complaint.status = Complaint.Status.CLOSED if outcome.strip() else Complaint.Status.MEDIATION
    complaint.save()
    record_event(
        organization=complaint.organization,
        action="quality.complaint_mediation",
        actor=by,
        target=complaint,
        after={"closed": bool(outcome.strip())},
    )
    return complaint


@transaction.atomic
def close_complaint(*, complaint: Complaint, by: Membership) -> Complaint:
    complaint = _locked(complaint)
    if complaint.answered_at is None:
        raise Refusal(_("A complaint is closed only once it is answered."))
    complaint.status = Complaint.Status.CLOSED
    complaint.save(update_fields=["status"])
    record_event(
        organization=complaint.organization,
        action="quality.complaint_closed",
        actor=by,
        target=complaint,
    )
    return complaint


# ---------------------------------------------------------------- improvement actions

_CAUSE_LINKS = {
    ImprovementAction.Cause.COMPLAINT: "complaint",
    ImprovementAction.Cause.INCIDENT: "complaint",
    ImprovementAction.Cause.SURVEY: "survey_answer",
    ImprovementAction.Cause.NONCONFORMITY: "nonconformity",
    ImprovementAction.Cause.DROPOUT: "assignment",
}


@transaction.atomic
def open_action(
    *,
    provider: Organization,
    title: str,
    cause: str,
    owner: Membership,
    due_on: date,
    by: Membership,
    description: str = "",
    cause_detail: str = "",
    complaint: Complaint | None = None,
    survey_answer: SurveyAnswer | None = None,
    nonconformity: NonConformity | None = None,
    assignment_id: int | None = None,
) -> ImprovementAction:
    if cause not in ImprovementAction.Cause.values:
        raise Refusal(_("Unknown cause."))
    links: dict[str, Any] = {
        "complaint": complaint,
        "survey_answer": survey_answer,
        "nonconformity": nonconformity,
        "assignment": assignment_id,
    }
    needed = _CAUSE_LINKS.get(ImprovementAction.Cause(cause))
    if needed and links[needed] is None:
        raise Refusal(_("Link the action to the record that caused it."))
    if owner.organization_id != provider.pk:
        raise Refusal(_("The owner must be a member of the provider's staff."))
    if not title.strip():
        raise Refusal(_("Name the action."))
    action = ImprovementAction.objects.create(
        organization=provider,
        number=next_number("AMQ", timezone.localdate().year),
        title=title.strip(),
        description=description.strip(),
        cause=cause,
        cause_detail=cause_detail.strip(),
        complaint=complaint,
        survey_answer=survey_answer,
        nonconformity=nonconformity,
        assignment_id=assignment_id,
        owner=owner,
        due_on=due_on,
    )
    record_event(
        organization=provider,
        action="quality.action_opened",
        actor=by,
        target=action,
        after={"cause": cause, "number": action.number, "due_on": due_on},
    )
    return action


@transaction.atomic
def update_action(
    *, action: ImprovementAction, status: str, by: Membership, efficacy_check: str = ""
) -> ImprovementAction:
    action = ImprovementAction.objects.select_for_update().get(pk=action.pk)
    if status not in ImprovementAction.Status.values:
        raise Refusal(_("Unknown status."))
    checked = status in (ImprovementAction.Status.EFFECTIVE, ImprovementAction.Status.INEFFECTIVE)
    if checked and not efficacy_check.strip():
        raise Refusal(_("Say how the efficacy was checked."))
    before = {"status": action.status}
    action.status = status
    today = timezone.localdate()
    if status in (ImprovementAction.Status.DONE,) or checked:
        action.done_on = action.done_on or today
    if checked:
        action.efficacy_check, action.efficacy_checked_on = efficacy_check.strip(), today
    action.save()
    record_event(
        organization=action.organization,
        action="quality.action_updated",
        actor=by,
        target=action,
        before=before,
        after={"status": status},
    )
    return action
