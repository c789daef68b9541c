"""An exam date must be one a plan can count to: within ten years, or a usage error and nothing stored."""

import pytest


@pytest.mark.parametrize("day", ["9999-12-31", "2036-03-03"])
def test_an_exam_date_more_than_ten_years_away_is_a_usage_error_and_not_stored(cli, mini_collection, day):
    result = cli("exam", "date", day, "--deck", "mini")  # now is 2026-03-02
    assert result.code == 2 and "Traceback" not in result.err, result
    assert result.err.strip() == f"mlsquiz: {day} is more than 10 years away: give a date within 3653 days of today"
    assert "mini has no exam date" in cli("exam", "date", "--deck", "mini").out
    for action in ("plan", "readiness"):
        later = cli("exam", action, "--deck", "mini")
        assert "Traceback" not in later.err and "mini has no exam date" in later.err + later.out, (action, later)


def test_an_exam_date_ten_years_away_is_planned_for(cli, mini_collection):
    assert cli("exam", "date", "2036-03-01", "--deck", "mini").code == 0
    for action in (["date"], ["plan"], ["readiness"]):
        result = cli("exam", *action, "--deck", "mini")
        assert result.code == 0 and "Traceback" not in result.err, (action, result)
