"""Each rate and average of the dashboards, checked against counts done by hand."""

from decimal import Decimal

from ..figures import Figures, median, ratio


def test_median_of_whole_scores_is_exact_for_odd_and_even_counts():
    assert median({}) is None
    assert median({70: 1}) == Decimal("70.0")
    assert median({40: 1, 70: 1, 90: 1}) == Decimal("70.0")  # 40 70 90
    assert median({40: 1, 70: 1, 90: 2}) == Decimal("80.0")  # 40 70 | 90 90
    assert median({60: 3, 100: 1}) == Decimal("60.0")  # 60 60 | 60 100
    assert median({55: 1, 56: 1}) == Decimal("55.5")


def test_rates_are_percentages_with_one_decimal_rounded_half_up():
    assert ratio(1, 3) == Decimal("33.3")
    assert ratio(2, 3) == Decimal("66.7")
    assert ratio(1, 8) == Decimal("12.5")
    assert ratio(0, 0) is None


def test_figures_of_ten_assignments_counted_by_hand():
    # 10 assignments: 2 not started, 3 in progress, 4 passed (80, 90, 90, 100), 1 failed (40),
    # and 1 replaced by a newer version (not counted as assigned).
    figures = Figures(
        by_status={"assigned": 2, "in_progress": 3, "passed": 4, "failed": 1, "replaced": 1},
        overdue=2,
        seconds=8 * 600,
        scored=5,
        score_sum=80 + 90 + 90 + 100 + 40,
        scores={80: 1, 90: 2, 100: 1, 40: 1},
    )
    assert figures.assigned == 10
    assert (figures.started, figures.completed) == (8, 5)
    assert figures.completion_rate == Decimal("50.0")  # 5 / 10
    assert figures.pass_rate == Decimal("80.0")  # 4 / 5
    assert figures.average_score == Decimal("80.0")  # 400 / 5
    assert figures.median_score == Decimal("90.0")  # 40 80 90 90 100
    assert figures.mean_seconds == 600  # 4 800 s over 8 started
    assert figures.as_dict()["completion_rate"] == "50.0"
