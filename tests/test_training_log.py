"""`optimize` reads the log once (scheduling/training_log.py): the same training items, in the same order, and the
same predictions to the bit as memory.training_items and memory.review_outcomes over review_histories."""

import datetime
import sqlite3

from fsrs_oracle import simulate_learner
from mlsquiz.scheduling import memory
from mlsquiz.scheduling.training_log import predictions, read_training_log
from mlsquiz.store.memory import review_histories, training_rows
from test_calibration import collection_with_log
from test_optimize import TRUE_PARAMETERS

D = datetime.date


def rows_of(histories, moments=None):
    """Store rows (card, kind, study day, grade, moment, uid) in replay order for histories [(day, grade)]."""
    return [(card, "review", day.isoformat(), grade, (moments or {}).get((card, n), f"{day}T12:{n:02d}"), f"u{card}-{n}")
            for card, history in enumerate(histories) for n, (day, grade) in enumerate(history)]


def as_histories(rows):
    """What review_histories gives for the same rows (forgets start a card afresh)."""
    out = {}
    for card, kind, day, grade, moment, uid in rows:
        if kind == "forget":
            out[card] = []
        else:
            out.setdefault(card, []).append((D.fromisoformat(day), grade, moment, uid))
    return [history for history in out.values() if history]


def assert_same_as_the_replays(rows, parameters=memory.DEFAULT_PARAMETERS):
    log, histories = read_training_log(rows), as_histories(rows)
    assert list(map(repr, log.items)) == list(map(repr, memory.training_items(histories)))
    assert predictions(log, parameters) == memory.review_outcomes(parameters, histories)  # exactly, in order
    assert predictions(log, parameters, ordered=False) == memory.review_outcomes(parameters, histories, ordered=False)
    return log


def test_a_learners_log_gives_the_same_items_and_predictions_as_the_replays():
    log = assert_same_as_the_replays(rows_of(simulate_learner(TRUE_PARAMETERS, cards=200, seed=11)), TRUE_PARAMETERS)
    assert len(log.items) > 1_000


def test_a_forget_drops_the_cards_earlier_reviews_and_their_items():
    histories = simulate_learner(TRUE_PARAMETERS, cards=40, seed=12, max_reviews=8)
    rows = rows_of(histories)
    at = next(n for n, row in enumerate(rows) if row[0] == 3) + 3  # after card 3's third review
    rows.insert(at, (3, "forget", rows[at - 1][2], 0, rows[at - 1][4] + "z", "f3"))
    last = max(n for n, row in enumerate(rows) if row[0] == 5)  # a card reset after its last review: left out
    rows.insert(last + 1, (5, "forget", rows[last][2], 0, rows[last][4] + "z", "f5"))
    log = assert_same_as_the_replays(rows)
    assert len(log.histories) == len(histories) - 1


def test_ties_and_odd_moments_sort_as_the_tuples_do():
    # the same study day and moment on two cards (the uid decides), moments that are prefixes of others and hold
    # NULs, and cards 1 and 2 with no uid: a whole tie, kept in card order
    histories = [[(D(2026, 3, 1), grade), (D(2026, 3, 3), 4), (D(2026, 3, 9), 1)] for grade in (1, 3, 4, 5)]
    moments = {(0, 1): "m", (1, 1): "m", (2, 1): "m\0", (3, 1): "m\0\0a", (0, 2): "x", (1, 2): "x\0y",
               (2, 2): "x\0y", (3, 2): "xy"}
    rows = [(card, kind, day, grade, moment, "" if card in (1, 2) else uid)
            for card, kind, day, grade, moment, uid in rows_of(histories, moments)]
    assert_same_as_the_replays(rows)


def test_nothing_to_train_on_gives_no_items_and_no_predictions():
    log = read_training_log(rows_of([[(D(2026, 3, 1), 4), (D(2026, 3, 1), 3)]]))
    assert log.items == [] and predictions(log, memory.DEFAULT_PARAMETERS) == []
    assert read_training_log([]).histories == []


def test_the_stores_rows_fold_into_what_review_histories_gives(cli, tmp_path):
    db = collection_with_log(cli, tmp_path, "log", True)  # reviews inserted in reverse: row ids against time
    conn = sqlite3.connect(db)
    try:
        log, histories = read_training_log(training_rows(conn)), review_histories(conn)
    finally:
        conn.close()
    assert list(map(repr, log.items)) == list(map(repr, memory.training_items(histories)))
    assert predictions(log, TRUE_PARAMETERS) == memory.review_outcomes(TRUE_PARAMETERS, histories)
