"""One learner's record typed or corrected by hand: held to the import's rules, audited."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.audit.chain import record_event
from saveit.core.errors import Refusal

from ..hooks import moving_learners
from ..importing import FIELDS, check_person, column_label
from ..models import Learner, Population, SignInLink
from .common import locked_for_deployment


class LearnerRefused(Refusal):
    """Some fields are wrong: each keeps its own message, so a form shows it beside the field."""

    def __init__(self, errors: dict[str, str], *, code: str = "invalid") -> None:
        text = " ".join(
            _("%(column)s: %(message)s") % {"column": column_label(key), "message": message}
            for key, message in errors.items()
        )
        super().__init__(text, code=code)
        self.errors = errors

    def details(self) -> dict[str, object]:
        return {"errors": self.errors}


def checked_person(
    organization_id: int, fields: Mapping[str, str | None], *, record: Learner | None
) -> dict[str, str]:
    """The values to store for `record` (None: a person added by hand, whose known e-mail
    address reuses that record), or every problem at once: the rules of a file's row, then an
    e-mail address or an employee id that names another learner of the organisation."""
    data, problems = check_person(fields)
    errors: dict[str, str] = {}
    for key, message in problems:
        errors.setdefault(key, message)
    code = "invalid" if errors else "exists"
    others = Learner.objects.filter(organization_id=organization_id)
    others = others.exclude(pk=record.pk) if record else others.exclude(email=data["email"])
    if record and "email" not in errors and others.filter(email=data["email"]).exists():
        errors["email"] = _("This e-mail address belongs to another learner of the organisation.")
    employee_id = data["employee_id"]
    if (
        employee_id
        and "employee_id" not in errors
        and others.filter(employee_id=employee_id).exists()
    ):
        errors["employee_id"] = _("This employee id belongs to another learner.")
    if errors:
        raise LearnerRefused(errors, code=code)
    return data


@transaction.atomic
def update_learner(
    *, population: Population, learner: Learner, fields: Mapping[str, str | None], by: Membership
) -> Learner:
    """Corrects one person's record, as every population of the organisation shows it.

    A new e-mail address unlinks the account that signed in with the old one and voids the
    sign-in links not used yet: otherwise whoever holds the new address would reach the old
    account (and its other organisations), or the old address the new one's.
    """
    locked_for_deployment(population.engagement, by)
    if not population.members.filter(learner_id=learner.pk).exists():
        raise Refusal(_("This learner is not in the population."), code="not_member")
    learner = Learner.objects.select_for_update().get(
        pk=learner.pk, organization_id=population.organization_id
    )
    data = checked_person(population.organization_id, fields, record=learner)
    changed = [key for key in FIELDS if getattr(learner, key) != data[key]]
    if not changed:
        return learner
    for key in changed:
        setattr(learner, key, data[key])
    update_fields = [*changed, "updated_at"]
    unlinked, voided = False, 0
    if "email" in changed:
        unlinked = learner.user_id is not None
        learner.user = None
        update_fields.append("user")
        now = timezone.now()
        voided = SignInLink.objects.filter(
            learner=learner, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
    with moving_learners([learner.pk] if "site" in changed else []):
        learner.save(update_fields=update_fields)
    record_event(  # field names only: the values are personal data, kept out of the chain
        organization=population.organization,
        action="learner.updated",
        actor=by,
        target=learner,
        after={
            "population": population.pk,
            "fields": changed,
            "account_unlinked": unlinked,
            "links_voided": voided,
        },
    )
    return learner
