"""The dashboards' pre-aggregated figures checked against a recount."""

from __future__ import annotations

from saveit.reporting import stats
from saveit.reporting.models import CompletionCell, ScoreCell, StatusCell, TrendCell


def cube_rows(engagement_id: int) -> dict[str, list[tuple]]:
    rows = {}
    for cube in (StatusCell, ScoreCell, CompletionCell, TrendCell):
        fields = [f.attname for f in cube._meta.concrete_fields if f.attname != "id"]
        rows[cube.__name__] = sorted(
            tuple(str(v) for v in row)
            for row in cube.objects.filter(engagement_id=engagement_id).values_list(*fields)
        )
    return rows


def assert_cube_matches_a_recount(engagement_id: int) -> None:
    incremental = cube_rows(engagement_id)
    stats.rebuild([engagement_id])
    assert cube_rows(engagement_id) == incremental
