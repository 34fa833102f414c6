"""Run by scripts/scale_check.sh inside `manage.py shell`: readies the demo for the journey.

Writes $SCALE_SEED_OUT: API tokens of the Hélios content owner and of the project manager, the
engagement where a procedure is uploaded, and the Hélios engagement brought to the point where
its evidence pack can be sealed (phase 7, completion report, delivery note signed).
"""

import json
import os

from saveit.accounts.models import Membership
from saveit.accounts.services import issue_api_token
from saveit.audit.services import sign_document
from saveit.engagements.models import Engagement
from saveit.orchestration import services as workflow
from saveit.orchestration.services import closure
from saveit.web.demo.accounts import DEMO_PASSWORD
from saveit.web.demo.learning import TITLE

pm = Membership.objects.get(user__email="cheffe.projet@saveit.demo", role="project_manager")
owner = Membership.objects.get(user__email="responsable@helios.demo", role="client_owner")
helios = Engagement.objects.get(title=TITLE)
while helios.phase < 7:
    helios = workflow.advance_phase(engagement=helios, by=pm)
closure.generate_completion_report(engagement=helios, by=pm)
note = closure.issue_delivery_note(engagement=helios, by=pm)
note.refresh_from_db()
sign_document(document=note.document, by=owner, intent="Lu et approuvé", password=DEMO_PASSWORD)
other = Engagement.objects.exclude(pk=helios.pk).order_by("pk").first()
out = {
    "owner_token": issue_api_token(membership=owner, name="scale-check").secret,
    "pm_token": issue_api_token(membership=pm, name="scale-check").secret,
    "password": DEMO_PASSWORD,
    "pack_engagement": helios.pk,
    "upload_engagement": other.pk,
}
with open(os.environ["SCALE_SEED_OUT"], "w", encoding="utf-8") as handle:
    json.dump(out, handle)
print("scale seed:", {k: v for k, v in out.items() if not k.endswith(("token", "password"))})
