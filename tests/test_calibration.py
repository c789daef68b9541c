"""How well the memory model predicts this learner (`stats`, `optimize`), and `optimize` fed in review-time order."""

import datetime
import json
import math
import sqlite3

import pytest
from fsrs_oracle import simulate_learner
from history import History

from mlsquiz.scheduling import memory
from test_optimize import TRUE_PARAMETERS, deck_file

D = datetime.date
W = memory.DEFAULT_PARAMETERS


def fifty_reviews(db) -> list:
    """5 cards answered on 10 days (every third answer Again): 50 scheduled reviews, 45 a day or more apart."""
    history, answers, n = History(db), {}, 0
    for day in range(10):
        for minute, card in enumerate(("b1", "c1", "m1", "o1", "t1")):
            n += 1
            grade = 1 if n % 3 == 0 else 4
            moment = D(2026, 3, 1) + datetime.timedelta(days=day * 2)
            history.answer(card, grade, f"{moment} 10:{minute:02d}")
            answers.setdefault(card, []).append((moment, grade))
    history.close()
    return list(answers.values())


def test_stats_json_shows_calibration_from_the_first_fifty_reviews(cli, mini_collection):
    histories = fifty_reviews(mini_collection)
    assert sum(map(len, histories)) == 50
    figures = json.loads(cli("--now", "2026-03-25 09:00", "stats", "--json").out)["calibration"]
    outcomes = []  # by hand: the engine's memory before each review and the forgetting curve at its gap
    for history in histories:
        states = memory.memory_histories(memory.engine(W), [history])[0]
        for n in range(1, len(history)):
            outcomes.append((memory.recall(W, states[n - 1].stability, (history[n][0] - history[n - 1][0]).days),
                             history[n][1] >= 3))
    assert figures["reviews"] == len(outcomes) == 45
    plain = -sum(math.log(p) if y else math.log(1 - p) for p, y in outcomes) / len(outcomes)
    assert figures["plain_log_loss"] == pytest.approx(plain, abs=1e-4)
    evaluation = memory.engine(W).evaluate(memory.training_items(histories))
    assert (figures["log_loss"], figures["rmse_bins"]) == (round(evaluation.log_loss, 4), round(evaluation.rmse_bins, 4))
    assert sum(b["reviews"] for b in figures["bins"]) == 45
    assert figures["recalled"] == pytest.approx(sum(y for _, y in outcomes) / 45, abs=1e-4)
    text = cli("--now", "2026-03-25 09:00", "stats").out
    assert "Model calibration on 45 of your reviews" in text and "RMSE (bins)" in text
    assert all(len(line) <= 80 for line in text.splitlines())


def test_stats_without_reviews_says_there_is_nothing_to_judge(cli, mini_collection):
    assert json.loads(cli("stats", "--json").out)["calibration"] is None
    assert "Model calibration: no review" in cli("stats").out


def test_optimize_shows_calibration_even_with_too_little_history(cli, mini_collection):
    fifty_reviews(mini_collection)
    out = cli("--now", "2026-03-25 09:00", "optimize").out
    assert "Model calibration on 45 of your reviews" in out and "Not enough history" in out


def collection_with_log(cli, tmp_path, name: str, reverse: bool):
    """The synthetic learner's log in a collection whose cards (and reviews) got their row ids in the given order."""
    deck = deck_file(tmp_path / f"{name}.toml", 300)
    if reverse:  # the same cards, imported in the opposite order: other row ids
        head, *cards = deck.read_text(encoding="utf-8").split("[[cards]]")
        deck.write_text(head + "".join("[[cards]]" + c for c in reversed(cards)), encoding="utf-8")
    db = tmp_path / f"{name}.db"
    assert cli("--db", db, "import", deck).code == 0
    conn = sqlite3.connect(db)
    ids = dict(conn.execute("SELECT card_id, id FROM cards WHERE deck = 'synthetic'"))
    rows = [(ids[f"c{n}"], f"{day.isoformat()}T12:{k:02d}:00.000+00:00", day.isoformat(), grade, f"u{n}-{k}")
            for n, history in enumerate(simulate_learner(TRUE_PARAMETERS, cards=300, seed=4, max_reviews=12))
            for k, (day, grade) in enumerate(history)]
    with conn:
        conn.executemany("""INSERT INTO reviews (card, reviewed_at, study_day, grade, kind, answer_ms, uid)
                            VALUES (?, ?, ?, ?, 'review', 0, ?)""", reversed(rows) if reverse else rows)
    conn.close()
    return db


def test_identical_logs_fit_identical_parameters_whatever_the_row_ids(cli, tmp_path):
    first, second = collection_with_log(cli, tmp_path, "one", False), collection_with_log(cli, tmp_path, "two", True)
    outs = [cli("--db", db, "--now", "2026-06-01 10:00", "optimize") for db in (first, second)]
    assert all(out.code == 0 for out in outs), [out.err for out in outs]
    fitted = [sqlite3.connect(db).execute("SELECT parameters FROM memory_parameters").fetchone() for db in (first, second)]
    assert fitted[0] is not None and fitted[0] == fitted[1]
    assert "plain mean log loss" in outs[0].out


def test_training_items_come_in_review_time_order():
    early, late = [(D(2026, 3, 1), 4), (D(2026, 3, 9), 4)], [(D(2026, 3, 2), 4), (D(2026, 3, 4), 1)]
    items = memory.training_items([early, late])  # card by card, `early`'s item would come first
    model = memory.engine(W)
    expected = [memory.memory_histories(model, [late])[0][-1], memory.memory_histories(model, [early])[0][-1]]
    assert [model.memory_state(item).stability for item in items] == pytest.approx([m.stability for m in expected])
