"""Assembles each app's ninja router under /api/v1/ (OpenAPI at /api/v1/openapi.json)."""

from __future__ import annotations

from saveit.accounts.api import router as accounts_router
from saveit.accounts.api_auth import MemberSessionAuth, TokenAuth
from saveit.attendance.api import router as attendance_router
from saveit.audit.api_documents import router as documents_router
from saveit.audit.api_trail import router as trail_router
from saveit.billing.api import router as invoices_router
from saveit.billing.api_changes import router as contract_changes_router
from saveit.catalog.api import router as modules_router
from saveit.catalog.api_diff import router as module_diff_router
from saveit.certificates.api import router as attestations_router
from saveit.core.api_jobs import router as jobs_router
from saveit.core.api_support import SaveitNinjaAPI, install_error_handlers
from saveit.documents.api import router as sources_router
from saveit.learning.api import router as learning_router
from saveit.orchestration.api import router as engagements_router
from saveit.orchestration.api_closure import router as closure_router
from saveit.privacy.api import router as privacy_router
from saveit.quality.api import router as quality_router
from saveit.reporting.api import router as reporting_router
from saveit.support.api import router as support_router

api = SaveitNinjaAPI(
    title="SAVE IT API",
    version="1",
    description=(
        "Authenticate with the browser session (CSRF token required for writes) or with a "
        "personal token: `Authorization: Bearer sit_…`. A token acts for one organisation "
        'with one role. Errors are JSON: `{"detail": "…", "code": "…"}`; validation '
        "errors answer 422 with the list of invalid fields. 403: your role, organisation or "
        "ended access does not allow the operation; 409: it is allowed to you, but the state "
        "of things refuses it now (a gate, a frozen version, a replay)."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), MemberSessionAuth()],
)
install_error_handlers(api)
api.add_router("/", accounts_router)
api.add_router("/audit/", trail_router)
api.add_router("/documents/", documents_router)
api.add_router("/engagements/", engagements_router)
api.add_router("/engagements/", sources_router)
api.add_router("/engagements/", closure_router)
api.add_router("/", modules_router)
api.add_router("/", module_diff_router)
api.add_router("/", learning_router)
api.add_router("/", attestations_router)
api.add_router("/", reporting_router)
api.add_router("/", quality_router)
api.add_router("/", invoices_router)
api.add_router("/", contract_changes_router)
api.add_router("/", jobs_router)
api.add_router("/support/", support_router)
api.add_router("/", attendance_router)
api.add_router("/privacy/", privacy_router)
