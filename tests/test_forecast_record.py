"""The kept-plan forecast uses the learner's record: every planned review succeeds with the memory model's
(calibrated) recall, and two learners with the same cards and plan but different records get different forecasts."""

import datetime
import json

import pytest
from history import History

from mlsquiz.exam import forecast
from mlsquiz.scheduling import memory
from mlsquiz.scheduling.memory import DEFAULT_PARAMETERS as W

D = datetime.date
CARDS = 20


def deck_file(path):
    lines = ['[deck]\nid = "record"\nname = "Record"\ndescription = "forecast"\nsource = "tests"\n',
             '[[sections]]\nid = "a"\ntitle = "Part A"\nstage = 1\n', '[[sections]]\nid = "b"\ntitle = "Part B"\nstage = 2\n',
             '[[sections]]\nid = "c"\ntitle = "Part C"\nstage = 3\n']
    for n in range(CARDS):
        lines.append(f'[[cards]]\nid = "k{n}"\ntype = "basic"\nsection = "{"ab"[n % 2]}"\ntags = []\n'
                     f'prompt = "Question {n}?"\nanswer = "A{n}"\nexplanation = "Because {n}."\n')
    lines.append('[[cards]]\nid = "later"\ntype = "basic"\nsection = "c"\ntags = []\n'
                 'prompt = "Later?"\nanswer = "L"\nexplanation = "Not started."\n')
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def learner(cli, tmp_path, wrong_every: int | None) -> dict:
    """The same 20 cards answered on the same days (1, 2, 4, 8, 15 March); every `wrong_every`-th answer Again."""
    db = tmp_path / f"learner-{wrong_every}.db"
    assert cli("--db", db, "import", deck_file(tmp_path / "record.toml")).code == 0
    history, n = History(db, deck="record"), 0
    for day in (1, 2, 4, 8, 15):
        for card in range(CARDS):
            n += 1
            grade = 1 if wrong_every and n % wrong_every == 0 else 4
            history.answer(f"k{card}", grade, f"2026-03-{day:02d} 10:{card:02d}")
    history.close()
    now = ("--db", db, "--now", "2026-03-16 09:00")
    assert cli(*now, "exam", "date", "2026-04-20", "--deck", "record").code == 0
    return {"readiness": json.loads(cli(*now, "exam", "readiness", "--deck", "record", "--json").out),
            "text": cli(*now, "exam", "readiness", "--deck", "record").out,
            "plan": cli(*now, "exam", "plan", "--deck", "record").out}


def test_a_learner_who_fails_half_their_reviews_gets_a_clearly_lower_kept_plan_forecast(cli, tmp_path):
    right, half = learner(cli, tmp_path, None), learner(cli, tmp_path, 2)
    kept_right, kept_half = right["readiness"]["readiness"]["if_plan_kept"], half["readiness"]["readiness"]["if_plan_kept"]
    assert kept_right - kept_half >= 0.10, (kept_right, kept_half)
    for figures in (right, half):
        ready = figures["readiness"]["readiness"]
        low, high = ready["if_plan_kept_range"]
        assert low < ready["if_plan_kept"] < high
        assert "10th-90th percentile" in figures["text"] and "Assumes:" in figures["text"]
        assert "10th-90th percentile" in figures["plan"]
    assert half["readiness"]["readiness"]["record"]["recalled"] == pytest.approx(0.5, abs=0.05)


def test_weakest_sections_are_among_cards_seen_and_unstarted_sections_are_listed_apart(cli, tmp_path):
    figures = learner(cli, tmp_path, 3)
    ready = figures["readiness"]["readiness"]
    assert ready["not_started"] == ["c"] and "c" not in ready["weakest_sections"]
    assert set(ready["weakest_sections"]) == {"a", "b"}
    ranked = sorted((s for s in ready["sections"] if s["seen"]), key=lambda s: s["if_stopped_seen"])
    assert ready["weakest_sections"] == [s["section"] for s in ranked]
    assert "Not started: Part C" in figures["text"]


def test_kept_plan_without_planned_reviews_before_the_window_is_the_hand_computed_expectation():
    # one card last reviewed 10 days ago, exam in 3 days, window of 7: its one window review today, then 3 days
    today, exam = D(2026, 3, 10), D(2026, 3, 13)
    state = memory.Memory(4.0, 6.0)
    card = forecast.CardMemory(1, "s", state, D(2026, 3, 1), D(2026, 3, 5))
    r = memory.recall(W, 4.0, 9)
    model = memory.engine(W)
    right = memory.next_memory(model, state, 4, 9).stability
    wrong = memory.next_memory(model, state, 1, 9).stability
    expected = r * memory.recall(W, right, 3) + (1 - r) * memory.recall(W, wrong, 3)
    [kept] = forecast.recall_if_kept(W, [card], today, exam, 7, [])
    assert kept == pytest.approx(expected, rel=1e-4)
    # a record worse than the model lowers the chance of a right answer, and with it the forecast
    shift = forecast.recall_shift([(0.9, n % 2 == 0) for n in range(200)])
    assert shift < -1
    [lower] = forecast.recall_if_kept(W, [card], today, exam, 7, [], shift=shift)
    assert lower < kept - 0.05


def test_lapse_and_difficulty_formulas_equal_the_engine():
    model, curve = memory.engine(W), forecast.recall_curve(W)
    lapse, harder, good = forecast.lapse_review(W), forecast.next_difficulty(W), forecast.good_review(W)
    for stability in (0.3, 2.3, 40.0, 300.0):
        for difficulty in (1.0, 4.2, 7.7, 10.0):
            for days in (1, 10, 200):
                before, r = memory.Memory(stability, difficulty), curve(stability, days)
                again = memory.next_memory(model, before, 1, days)
                ok = memory.next_memory(model, before, 4, days)
                assert lapse(stability, difficulty, r) == pytest.approx(again.stability, rel=1e-4)
                assert harder(difficulty, 1) == pytest.approx(again.difficulty, rel=1e-4)
                assert harder(difficulty, 3) == pytest.approx(ok.difficulty, rel=1e-4)
                assert good(stability, difficulty, r) == pytest.approx(ok.stability, rel=1e-4)


def test_planned_reviews_before_the_window_count():
    # a card due tomorrow and an exam 60 days away: reviews before the window make the forecast differ from
    # one with no reviews before it (the card's due date pushed into the window)
    today, exam = D(2026, 3, 10), D(2026, 5, 9)
    state = memory.Memory(3.0, 5.0)
    early = forecast.CardMemory(1, "s", state, D(2026, 3, 8), D(2026, 3, 11))
    late = forecast.CardMemory(1, "s", state, D(2026, 3, 8), D(2026, 5, 5))
    [with_reviews] = forecast.recall_if_kept(W, [early], today, exam, 7, [])
    [without] = forecast.recall_if_kept(W, [late], today, exam, 7, [])
    assert with_reviews > without + 0.02
