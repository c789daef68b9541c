"""`optimize` below 400 reviews fits only what fsrs-rs fits on little data: the 4 initial stabilities (w0-w3),
from each card's first review on a later day; the other 17 parameters stay as they were."""

import sqlite3

from fsrs_oracle import simulate_learner
from mlsquiz.scheduling import memory
from test_optimize import TRUE_PARAMETERS, deck_file, insert_histories


def test_initial_only_fit_changes_w0_to_w3_and_predicts_held_out_reviews_better_than_the_defaults():
    train = simulate_learner(TRUE_PARAMETERS, cards=120, seed=5, max_reviews=3)
    assert memory.fit(train) < memory.MIN_TRAINING_REVIEWS  # too few for the full fit
    fit = memory.fit_initial(train)
    assert isinstance(fit, memory.Fit) and fit.initial_only and fit.reviews < memory.MIN_TRAINING_REVIEWS
    assert fit.parameters[4:] == memory.DEFAULT_PARAMETERS[4:]
    assert fit.parameters[:4] != memory.DEFAULT_PARAMETERS[:4]
    held_out = memory.training_items(simulate_learner(TRUE_PARAMETERS, cards=600, seed=6))
    assert memory.log_loss(fit.parameters, held_out) < memory.log_loss(memory.DEFAULT_PARAMETERS, held_out)
    # the other 17 are whatever was in use before, not the defaults
    current = (*memory.DEFAULT_PARAMETERS[:4], *TRUE_PARAMETERS[4:])
    assert memory.fit_initial(train, current).parameters[4:] == TRUE_PARAMETERS[4:]


def test_with_too_few_first_reviews_the_engine_fits_nothing_and_says_how_many():
    tiny = simulate_learner(TRUE_PARAMETERS, cards=5, seed=7, max_reviews=3)
    assert memory.fit_initial(tiny) == 5  # fsrs-rs returns its defaults below 8 items


def test_optimize_below_400_reviews_stores_the_initial_stabilities_only(cli, tmp_path, db_path):
    assert cli("import", deck_file(tmp_path / "synthetic.toml", 120)).code == 0
    insert_histories(db_path, simulate_learner(TRUE_PARAMETERS, cards=120, seed=5, max_reviews=3))
    result = cli("optimize")
    assert result.code == 0, result.err
    assert "Not enough history to fit all 21 parameters yet" in result.out
    assert "Fitted only the 4 initial stabilities" in result.out
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT reviews, parameters FROM memory_parameters").fetchall()
    conn.close()
    assert len(rows) == 1 and rows[0][0] < memory.MIN_TRAINING_REVIEWS
    import json

    stored = json.loads(rows[0][1])
    assert stored[4:] == list(memory.DEFAULT_PARAMETERS[4:]) and stored[:4] != list(memory.DEFAULT_PARAMETERS[:4])
