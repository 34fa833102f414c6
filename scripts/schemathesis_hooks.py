"""Schemathesis extension for scripts/schemathesis.sh (loaded with SCHEMATHESIS_HOOKS).

`no_cross_tenant_success`: in the outsider run every path parameter holds the id of another
organisation's object (Laboratoires Hélios), so an operation with a path parameter must never
succeed: any 2xx there is a cross-tenant leak.
"""

from __future__ import annotations

from typing import Any

import schemathesis


@schemathesis.check
def no_cross_tenant_success(ctx: Any, response: Any, case: Any) -> bool | None:
    """An outsider reaching another organisation's object by its id must be refused."""
    if "{" not in case.operation.path or not 200 <= response.status_code < 300:
        return None
    raise AssertionError(
        f"{case.method} {case.formatted_path} answered {response.status_code} to an outsider: "
        "another organisation's object was reached"
    )
