"""Writes the schemathesis configuration for a fresh demo installation (run by schemathesis.sh).

Usage: manage.py shell -c "exec(open('scripts/schemathesis_seed.py').read())" with SEED_OUT set.

The fuzzer reaches the real paths only with real ids: every path parameter gets the id of a demo
object of Laboratoires Hélios (one engagement that has modules, populations and attestations).
Two identities are issued: the Hélios owner (the main run) and the owner of Transports Ardent
(the outsider run, which must meet only 403/404 on Hélios's objects). Tokens are written to
files next to the configuration, never printed.
"""

from __future__ import annotations

import os
from pathlib import Path

from saveit.accounts.models import ApiToken, Invitation, Membership, Organization
from saveit.accounts.roles import Role
from saveit.accounts.services import invite_member, issue_api_token

out = Path(os.environ["SEED_OUT"])
helios = Organization.objects.get(name="Laboratoires Hélios")
ardent = Organization.objects.get(name="Transports Ardent")
owner = Membership.objects.get(organization=helios, role=Role.CLIENT_OWNER)
outsider = Membership.objects.get(organization=ardent, role=Role.CLIENT_OWNER)


missing: list[str] = []


def _pick(queryset, what):  # type: ignore[no-untyped-def]
    """The first such object of the demo; 0 (a 404 path) when the demo has none."""
    row = queryset.order_by("pk").first()
    if row is None:
        missing.append(what)
        return 0
    return row.pk


from saveit.audit.models import Document  # noqa: E402
from saveit.catalog.models import Block, Item, Lesson, ModuleVersion  # noqa: E402
from saveit.certificates.models import Attestation  # noqa: E402
from saveit.documents.models import DocumentVersion  # noqa: E402
from saveit.engagements.models import Engagement  # noqa: E402
from saveit.learning.models import (  # noqa: E402
    Assignment,
    Population,
    PopulationImport,
    RecertificationCampaign,
)

engagements = Engagement.objects.filter(client=helios)
engagement = (
    engagements.filter(modules__isnull=False, populations__isnull=False).order_by("pk").first()
    or engagements.order_by("pk").first()
)
assert engagement is not None, "schemathesis seed: no Hélios engagement in the demo"
version = ModuleVersion.objects.filter(module__engagement=engagement).order_by("-pk").first()
population = Population.objects.filter(engagement=engagement).order_by("pk").first()
learner_id = population.learners.order_by("pk").first().pk if population else 0
invitation = invite_member(
    organization=helios, email="invitee@helios-fuzz.fr", role=Role.LEARNER, by=owner
).invitation

ids = {
    "org_id": helios.pk,
    "client_id": helios.pk,
    "organization_id": helios.pk,
    "membership_id": Membership.objects.get(organization=helios, role=Role.CLIENT_MANAGER).pk,
    "invitation_id": invitation.pk,
    "engagement_id": engagement.pk,
    "document_id": _pick(Document.objects.filter(organization=helios), "document"),
    "population_id": population.pk if population else 0,
    "learner_id": learner_id,
    "import_id": _pick(PopulationImport.objects.filter(organization=helios), "import"),
    "campaign_id": _pick(RecertificationCampaign.objects.filter(organization=helios), "campaign"),
    "assignment_id": _pick(Assignment.objects.filter(organization=helios), "assignment"),
    "attestation_id": _pick(Attestation.objects.filter(organization=helios), "attestation"),
    "number": 1,
    "revision": 1,
}
# The new domains' objects of Hélios: the outsider run must meet Hélios's ids, not the first
# ids of the demo (which may be the outsider's own, e.g. Transports Ardent's invoices).
from saveit.attendance.models import Slot, TrainingSession  # noqa: E402
from saveit.billing.models import Invoice  # noqa: E402
from saveit.privacy.models import DataSubjectRequest  # noqa: E402
from saveit.quality.models import Complaint  # noqa: E402
from saveit.support.models import SlaReport, SupportContract, Ticket  # noqa: E402

ids |= {
    "invoice_id": _pick(Invoice.objects.filter(client=helios), "invoice"),
    "ticket_id": _pick(Ticket.objects.filter(organization=helios), "ticket"),
    "contract_id": _pick(SupportContract.objects.filter(client=helios), "support contract"),
    "report_id": _pick(SlaReport.objects.filter(contract__client=helios), "SLA report"),
    "session_id": _pick(TrainingSession.objects.filter(organization=helios), "session"),
    "slot_id": _pick(Slot.objects.filter(session__organization=helios), "slot"),
    "request_id": _pick(DataSubjectRequest.objects.filter(organization=helios), "request"),
    "complaint_id": _pick(Complaint.objects.filter(client=helios), "complaint"),
}
if version is not None:
    ids["version_id"] = version.pk
    ids["lesson_id"] = _pick(Lesson.objects.filter(version=version), "lesson")
    ids["block_id"] = _pick(Block.objects.filter(lesson__version=version), "block")
    ids["item_id"] = _pick(Item.objects.filter(version=version), "item")
source_version = DocumentVersion.objects.filter(source__engagement=engagement).first()

main = issue_api_token(membership=owner, name="schemathesis").secret
other = issue_api_token(membership=outsider, name="schemathesis outsider").secret
# The fuzzer must not revoke the token it runs with: DELETE /tokens/{id} gets a decoy.
decoy = issue_api_token(membership=owner, name="decoy").token.pk
(out / "token").write_text(main)
(out / "outsider_token").write_text(other)

lines = ["# Generated by scripts/schemathesis_seed.py for one run.", "[parameters]"]
lines += [f'"path.{name}" = {value}' for name, value in sorted(ids.items())]
lines += [
    "",
    "[[operations]]",
    'include-method = "DELETE"',
    "include-path-regex = '/tokens/[{]token_id[}]$'",
    f"parameters = {{ token_id = {decoy} }}",
]
if source_version is not None:  # the sources' version_id is a document version, not a module's
    lines += [
        "",
        "[[operations]]",
        "include-path-regex = '/sources/versions/'",
        f"parameters = {{ version_id = {source_version.pk} }}",
    ]
(out / "schemathesis.toml").write_text("\n".join(lines) + "\n")
print(f"seeded {len(ids)} path parameters from engagement {engagement.pk}", end="")
print(f"; the demo has no {', '.join(missing)} (their operations meet 404)" if missing else "")
assert ApiToken.objects.filter(name="decoy").count() == 1
assert Invitation.objects.filter(pk=invitation.pk).exists()
