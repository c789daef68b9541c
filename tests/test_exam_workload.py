"""`exam plan --retention`: the kept plan's reviews a day and exam-day recall for several desired retentions, on
real collections through the CLI, with fixed dates."""

import datetime
import json

import pytest
from test_forecast_record import deck_file
from history import History

from mlsquiz.exam import forecast
from mlsquiz.scheduling import memory
from mlsquiz.scheduling.memory import DEFAULT_PARAMETERS as W

D = datetime.date
NOW = ("--now", "2026-03-16 09:00")


def studied(cli, tmp_path, wrong_every=None):
    db = tmp_path / f"workload-{wrong_every}.db"
    assert cli("--db", db, "import", deck_file(tmp_path / "record.toml")).code == 0
    history, n = History(db, deck="record"), 0
    for day in (1, 2, 4, 8, 15):
        for card in range(20):
            n += 1
            history.answer(f"k{card}", 1 if wrong_every and n % wrong_every == 0 else 4,
                           f"2026-03-{day:02d} 10:{card:02d}")
    history.close()
    assert cli("--db", db, *NOW, "exam", "date", "2026-06-20", "--deck", "record").code == 0
    return db


def test_higher_retention_costs_more_reviews_and_gives_higher_recall_on_exam_day(cli, tmp_path):
    db = studied(cli, tmp_path)
    result = cli("--db", db, *NOW, "exam", "plan", "--deck", "record", "--retention", "0.80,0.85,0.90,0.95", "--json")
    assert result.code == 0, result.err
    figures = json.loads(result.out)
    rows = figures["retention"]
    assert [r["desired_retention"] for r in rows] == [0.80, 0.85, 0.90, 0.95]
    per_day = [r["reviews_per_day"] for r in rows]
    recall = [r["if_plan_kept"] for r in rows]
    assert per_day == sorted(per_day) and per_day[-1] > 1.5 * per_day[0], per_day
    assert recall == sorted(recall) and recall[-1] > recall[0] + 0.004, recall  # the window review lifts all
    for r in rows:
        assert r["reviews_per_day"] == pytest.approx(r["reviews"] / (figures["days_left"] + 1), abs=0.06)
        low, high = r["if_plan_kept_range"]
        assert low <= r["if_plan_kept"] <= high
        assert r["new_cards"] == 1  # the one card never seen
    # under FSRS at the learner's own desired retention, the row is the kept plan's forecast itself
    assert cli("--db", db, *NOW, "config", "scheduler", "fsrs").code == 0
    fsrs = json.loads(cli("--db", db, *NOW, "exam", "plan", "--deck", "record", "--retention", "0.9", "--json").out)
    assert fsrs["retention"][0]["if_plan_kept"] == pytest.approx(fsrs["readiness"]["if_plan_kept"], abs=1e-9)
    assert cli("--db", db, *NOW, "config", "scheduler", "sm2").code == 0
    text = cli("--db", db, *NOW, "exam", "plan", "--deck", "record", "--retention", "0.80,0.85,0.90,0.95").out
    assert "Workload by desired retention" in text and "0.90 (yours)" in text and "SM-2" in text
    for r in rows:
        assert f"{r['reviews_per_day']:.1f}" in text
    assert "Workload by desired retention" not in cli("--db", db, *NOW, "exam", "plan", "--deck", "record").out
    assert "retention" not in json.loads(cli("--db", db, *NOW, "exam", "plan", "--deck", "record", "--json").out)


def test_a_learner_who_fails_more_gets_more_reviews_at_the_same_retention(cli, tmp_path):
    def rows(db):
        out = cli("--db", db, *NOW, "exam", "plan", "--deck", "record", "--retention", "0.9", "--json").out
        return json.loads(out)["retention"][0]

    good, poor = rows(studied(cli, tmp_path)), rows(studied(cli, tmp_path, 2))
    assert poor["if_plan_kept"] < good["if_plan_kept"] - 0.05
    assert poor["reviews"] > good["reviews"]


@pytest.mark.parametrize("bad", ["0.5", "0.98", "0.8,1", "high", "0.8,,0.9", "0.80;0.90"])
def test_bad_retention_lists_are_one_usage_line(cli, tmp_path, bad):
    db = studied(cli, tmp_path)
    result = cli("--db", db, *NOW, "exam", "plan", "--deck", "record", "--retention", bad)
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1, result.err
    assert "--retention" in result.err and result.out == ""


def test_expected_reviews_of_one_card_are_the_hand_computed_ones():
    # one card, last reviewed 10 days ago, exam in 3 days: no planned review before the window, one in it
    card = forecast.CardMemory(1, "s", memory.Memory(4.0, 6.0), D(2026, 3, 1), D(2026, 3, 5))
    counts = []
    forecast.recall_if_kept(W, [card], D(2026, 3, 10), D(2026, 3, 13), 7, [], reviews=counts)
    assert counts == [pytest.approx(1.0)]
    # exam 60 days away, card due tomorrow: reviews before the window at the interval for the retention; a
    # higher retention means shorter intervals and more of them
    far = forecast.CardMemory(1, "s", memory.Memory(3.0, 5.0), D(2026, 3, 8), D(2026, 3, 11))
    low, high = [], []
    forecast.recall_if_kept(W, [far], D(2026, 3, 10), D(2026, 5, 9), 7, [], 0.8, reviews=low)
    forecast.recall_if_kept(W, [far], D(2026, 3, 10), D(2026, 5, 9), 7, [], 0.95, reviews=high)
    assert 2 <= low[0] < high[0]
    # a card already reviewed in the window needs no more
    done = forecast.CardMemory(1, "s", memory.Memory(3.0, 5.0), D(2026, 5, 5), D(2026, 5, 20))
    counts = []
    forecast.recall_if_kept(W, [done], D(2026, 5, 6), D(2026, 5, 9), 7, [], reviews=counts)
    assert counts == [0.0]


def test_expected_reviews_without_branching_follow_the_interval_for_the_retention():
    # a card whose recall at every planned review is far above the branching threshold... the likelier path
    # is followed after BRANCH_DEPTH reviews: count equals the reviews on the path of right answers when the
    # chance of a wrong answer is tiny (a very stable card)
    card = forecast.CardMemory(1, "s", memory.Memory(2000.0, 1.0), D(2026, 3, 1), D(2026, 3, 2))
    counts = []
    forecast.recall_if_kept(W, [card], D(2026, 3, 2), D(2026, 6, 30), 7, [], 0.9, reviews=counts)
    assert counts == [pytest.approx(2.0, abs=0.01)]  # the due review, then the window's (interval > 100 days)
