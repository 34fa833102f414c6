"""Dashboard charts stay readable with many module versions; the tables keep every row."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils.translation import override

from .. import charts


def version_row(code: str, assigned: int) -> SimpleNamespace:
    figures = SimpleNamespace(
        assigned=assigned,
        not_started=assigned,
        in_progress=0,
        passed=0,
        failed=0,
        completed=0,
        completion_rate=0,
    )
    version = SimpleNamespace(module=SimpleNamespace(code=code), label="1.0")
    return SimpleNamespace(version=version, figures=figures)


def test_the_largest_rows_are_kept_in_their_order():
    items = [("a", 5), ("b", 1), ("c", 9), ("d", 3)]
    original = charts.MAX_BARS
    try:
        charts.MAX_BARS = 2
        assert charts._largest(items, lambda item: item[1]) == [("a", 5), ("c", 9)]
        charts.MAX_BARS = 10
        assert charts._largest(items, lambda item: item[1]) == items
    finally:
        charts.MAX_BARS = original


def test_a_chart_of_many_versions_draws_the_largest_and_says_so():
    rows = [version_row(f"MOD-{n:02d}", assigned=n) for n in range(1, charts.MAX_BARS + 6)]
    board = SimpleNamespace(versions=rows)
    with override("fr"):
        svg = charts.status_by_version(board)  # type: ignore[arg-type]
    assert "MOD-25 v1.0" in svg and "MOD-06 v1.0" in svg  # the 20 largest
    assert "MOD-05 v1.0" not in svg and "MOD-01 v1.0" not in svg
    assert "Seules les 20 lignes les plus importantes sur 25 sont tracées" in svg
    few = SimpleNamespace(versions=rows[:3])
    with override("fr"):
        assert "Seules" not in charts.status_by_version(few)  # type: ignore[arg-type]
