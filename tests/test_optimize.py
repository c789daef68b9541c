"""Fitting FSRS to the learner: a synthetic learner with known parameters, and `mlsquiz optimize` end to end."""

import json
import sqlite3

import pytest

from fsrs_oracle import simulate_learner
from mlsquiz.scheduling import memory

# A learner unlike the defaults: slower to forget at first, faster decay of the curve.
TRUE_PARAMETERS = (0.5, 1.8, 4.0, 12.0, 6.0, 0.6, 2.0, 0.01, 1.6, 0.14, 1.0, 1.7, 0.08, 0.35, 1.4, 0.45, 2.2, 0.5,
                   0.15, 0.1, 0.25)


def test_fit_on_a_synthetic_learner_predicts_held_out_reviews_as_well_as_the_true_parameters():
    train = simulate_learner(TRUE_PARAMETERS, cards=1200, seed=1)
    held_out = memory.training_items(simulate_learner(TRUE_PARAMETERS, cards=600, seed=2))
    assert sum(map(len, train)) >= 10_000
    fit = memory.fit(train)
    assert fit.reviews >= 10_000 and fit.improved
    truth = memory.log_loss(TRUE_PARAMETERS, held_out)
    assert memory.log_loss(fit.parameters, held_out) <= truth * 1.01
    # the check has teeth: the default parameters miss it on this learner
    assert memory.log_loss(memory.DEFAULT_PARAMETERS, held_out) > truth * 1.01


def test_too_little_history_reports_how_many_reviews_it_has():
    assert memory.fit(simulate_learner(TRUE_PARAMETERS, cards=10, seed=3, max_reviews=4)) == 30


def deck_file(path, cards: int):
    lines = ['[deck]\nid = "synthetic"\nname = "Synthetic"\ndescription = "fit"\nsource = "tests"\n']
    for n in range(cards):
        lines.append(f'[[cards]]\nid = "c{n}"\ntype = "basic"\nsection = "s{n % 2}"\ntags = []\n'
                     f'prompt = "Question {n}?"\nanswer = "A{n}"\nexplanation = "Because {n}."\n')
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def insert_histories(db, histories) -> None:
    """Reviews written straight into the log (as an import from another app would), then replayed."""
    from mlsquiz.store.bundled import open_synced
    from mlsquiz.store.replay import recompute_states

    conn = sqlite3.connect(db)
    ids = [row[0] for row in conn.execute("SELECT id FROM cards WHERE deck = 'synthetic' ORDER BY position")]
    with conn:
        conn.executemany(
            """INSERT INTO reviews (card, reviewed_at, study_day, grade, kind, answer_ms)
               VALUES (?, ?, ?, ?, 'review', 0)""",
            [(card, f"{day.isoformat()}T12:{n:02d}:00.000+00:00", day.isoformat(), grade)
             for card, history in zip(ids, histories) for n, (day, grade) in enumerate(history)],
        )
    conn.close()
    collection = open_synced(db)
    with collection.transaction() as transaction:
        recompute_states(transaction)
    collection.close()


@pytest.fixture
def learner_collection(cli, tmp_path, db_path):
    assert cli("import", deck_file(tmp_path / "synthetic.toml", 500)).code == 0
    histories = simulate_learner(TRUE_PARAMETERS, cards=500, seed=4, max_reviews=12)
    insert_histories(db_path, histories)
    return db_path


def stored(db, sql):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_optimize_stores_the_fit_and_recomputes_every_memory(learner_collection, cli):
    before = {c["id"]: c for c in json.loads(cli("cards", "--deck", "synthetic", "--json").out)}
    result = cli("--now", "2026-06-01 10:00", "optimize")
    assert result.code == 0, result.err
    [(fitted_on, reviews, loss_before, loss_after, parameters)] = stored(
        learner_collection,
        "SELECT fitted_on, reviews, log_loss_before, log_loss_after, parameters FROM memory_parameters")
    assert fitted_on == "2026-06-01" and reviews > 4000 and loss_after < loss_before
    for shown in (f"to {reviews} reviews", f"{loss_before:.4f} before", f"{loss_after:.4f} after"):
        assert shown in result.out
    parameters = tuple(json.loads(parameters))
    after = {c["id"]: c for c in json.loads(cli("cards", "--deck", "synthetic", "--json").out)}
    assert after["c0"]["stability"] != before["c0"]["stability"]
    histories = simulate_learner(TRUE_PARAMETERS, cards=500, seed=4, max_reviews=12)[:3]
    expected = memory.memory_histories(memory.engine(parameters), histories)
    for n, states in enumerate(expected):
        assert after[f"c{n}"]["stability"] == pytest.approx(states[-1].stability, abs=1e-4)


def test_optimize_under_fsrs_moves_due_dates_with_the_new_parameters(learner_collection, cli):
    cli("config", "scheduler", "fsrs")
    before = {c["id"]: c["due"] for c in json.loads(cli("cards", "--deck", "synthetic", "--json").out)}
    assert cli("optimize").code == 0
    after = {c["id"]: c["due"] for c in json.loads(cli("cards", "--deck", "synthetic", "--json").out)}
    assert sum(before[card] != after[card] for card in before) > 100


def test_optimize_with_little_history_says_how_many_reviews_are_needed_and_keeps_the_defaults(mini_collection, cli):
    from history import History

    history = History(mini_collection)
    history.answer("b1", 4, "2026-03-01 10:00")
    history.answer("b1", 4, "2026-03-03 10:00")
    history.close()
    result = cli("optimize")
    assert result.code == 0
    assert f"1 of the {memory.MIN_TRAINING_REVIEWS} reviews needed" in result.out
    assert "Keeping the default parameters" in result.out
    assert stored(mini_collection, "SELECT count(*) FROM memory_parameters") == [(0,)]


def test_optimize_over_damaged_parameters_warns_once_and_fits_from_the_defaults(learner_collection, cli):
    conn = sqlite3.connect(learner_collection)
    with conn:
        conn.execute("""INSERT INTO memory_parameters (fitted_on, reviews, log_loss_before, log_loss_after, parameters)
                        VALUES ('2026-01-01', 500, 0.4, 0.3, '{"w": 1}')""")
    conn.close()
    result = cli("optimize")
    assert result.code == 0 and result.err.count("\n") == 1 and "damaged" in result.err
    assert stored(learner_collection, "SELECT count(*) FROM memory_parameters") == [(2,)]
    assert cli("cards", "--json").err == ""  # the new fit is sound again
