"""A permission helper that takes an object checks it: no parameter is taken and ignored.

A helper such as can_manage_engagement(member, engagement) that never looked at `engagement`
let callers believe the engagement was checked. Read from the source, so that a new helper is
held to the rule too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(
    path for pattern in ("*/permissions.py", "*/document_access.py") for path in ROOT.glob(pattern)
)
PREFIXES = ("can_", "is_", "access_", "may_")


def _helpers() -> list[tuple[str, ast.FunctionDef]]:
    found = []
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith(PREFIXES):
                found.append((f"{path.parent.name}.{node.name}", node))
    return found


def _ignored_parameters(function: ast.FunctionDef) -> list[str]:
    arguments = function.args
    names = [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]
    used = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
    return [name for name in names if name not in used]


def test_the_helpers_are_found():
    names = {name for name, _function in _helpers()}
    assert {"engagements.can_manage_engagement", "catalog.can_design"} <= names


@pytest.mark.parametrize("function", [pytest.param(f, id=name) for name, f in _helpers()])
def test_every_parameter_of_a_permission_helper_is_used(function):
    assert _ignored_parameters(function) == []
