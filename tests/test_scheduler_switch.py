"""Switching between SM-2 and FSRS: every state recomputed from the review log, losslessly, in one transaction."""

import datetime
import json
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINI_DECK, run_cli
from history import History
from mlsquiz.scheduling import memory

MINI_CARDS = ["b1", "c1", "m1", "o1", "t1"]


def table(db, name: str) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(f"SELECT * FROM {name} ORDER BY rowid")]
    finally:
        conn.close()


def switch(db, key: str, value: str) -> None:
    result = run_cli("--db", db, "config", key, value)
    assert result.code == 0, result.err


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A collection with the mini deck, built once and copied by each example."""
    db = tmp_path_factory.mktemp("template") / "collection.db"
    assert run_cli("--db", db, "import", MINI_DECK).code == 0
    return db


answers = st.lists(
    st.tuples(st.sampled_from(MINI_CARDS), st.integers(0, 5), st.sampled_from([0, 0, 2, 20, 30, 200, 900]),
              st.sampled_from(["review", "review", "review", "drill", "cram"])),
    min_size=1, max_size=14,
)


def record(db, steps, start=datetime.datetime(2026, 1, 5, 10, 0)) -> None:
    history, moment = History(db), start
    for card, grade, gap_days, kind in steps:
        moment += datetime.timedelta(days=gap_days, minutes=7)
        history.answer(card, grade, moment.isoformat(sep=" "), kind)
    history.close()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=answers, retention=st.sampled_from(["0.7", "0.85", "0.97"]))
def test_switching_there_and_back_gives_the_same_states_and_leaves_reviews_alone(template, steps, retention):
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "collection.db"
        shutil.copy(template, db)
        record(db, steps)
        sm2_states, sm2_reviews = table(db, "card_state"), table(db, "reviews")
        switch(db, "desired_retention", retention)
        switch(db, "scheduler", "fsrs")
        fsrs_states, fsrs_reviews = table(db, "card_state"), table(db, "reviews")
        assert fsrs_reviews == sm2_reviews  # the log is not touched at all, snapshots included
        for before, after in zip(sm2_states, fsrs_states):  # memory and SM-2's grade-driven fields stay put
            for column in ("repetitions", "ease", "lapses", "last_review", "stability", "difficulty",
                           "last_review_day"):
                assert after[column] == before[column]
        switch(db, "scheduler", "sm2")
        assert (table(db, "card_state"), table(db, "reviews")) == (sm2_states, sm2_reviews)
        switch(db, "scheduler", "fsrs")
        assert (table(db, "card_state"), table(db, "reviews")) == (fsrs_states, fsrs_reviews)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=answers)
def test_answers_saved_under_fsrs_equal_a_replay_of_the_log(template, steps):
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "collection.db"
        shutil.copy(template, db)
        switch(db, "scheduler", "fsrs")
        record(db, steps)
        live_states, live_reviews = table(db, "card_state"), table(db, "reviews")
        switch(db, "scheduler", "sm2")
        switch(db, "scheduler", "fsrs")
        assert (table(db, "card_state"), table(db, "reviews")) == (live_states, live_reviews)


def test_fsrs_due_dates_follow_stability_and_desired_retention(mini_collection, cli):
    record(mini_collection, [("b1", 4, 0, "review"), ("b1", 4, 3, "review")])
    cli("config", "scheduler", "fsrs")
    [card] = [c for c in json.loads(cli("--now", "2026-01-08 12:00", "cards", "--json").out) if c["id"] == "b1"]
    interval = memory.interval(memory.DEFAULT_PARAMETERS, card["stability"], 0.9)
    assert card["interval"] == interval
    assert card["due"] == (datetime.date(2026, 1, 8) + datetime.timedelta(days=interval)).isoformat()
    assert cli("config", "desired_retention", "0.75").code == 0
    [longer] = [c for c in json.loads(cli("cards", "--json").out) if c["id"] == "b1"]
    assert longer["interval"] > interval and longer["stability"] == card["stability"]


@pytest.mark.parametrize("key, value, allowed", [("desired_retention", "1.5", "0.70 to 0.99"),
                                                 ("desired_retention", "high", "0.70 to 0.99"),
                                                 ("scheduler", "foo", "sm2, fsrs")])
def test_bad_values_are_one_line_exit_2_and_change_nothing(mini_collection, cli, key, value, allowed):
    record(mini_collection, [("b1", 4, 0, "review")])
    before = table(mini_collection, "card_state"), table(mini_collection, "config")
    result = cli("config", key, value)
    assert result.code == 2
    assert result.err.count("\n") == 1 and allowed in result.err
    assert (table(mini_collection, "card_state"), table(mini_collection, "config")) == before


def test_config_shows_the_scheduler_settings(mini_collection, cli):
    out = cli("config").out
    assert "scheduler = sm2" in out and "desired_retention = 0.9" in out
    cli("config", "scheduler", "fsrs")
    assert cli("config", "scheduler").out == "scheduler = fsrs\n"


def test_cards_json_has_stability_difficulty_and_recall_null_for_new(mini_collection, cli):
    record(mini_collection, [("b1", 4, 0, "review"), ("b1", 2, 0, "review")])
    cards = {c["id"]: c for c in json.loads(cli("--now", "2026-01-15 12:00", "cards", "--json").out)}
    assert (cards["c1"]["stability"], cards["c1"]["difficulty"], cards["c1"]["recall"]) == (None, None, None)
    seen = cards["b1"]
    [_, expected] = memory.memory_histories(memory.engine(memory.DEFAULT_PARAMETERS),
                                            [[(datetime.date(2026, 1, 5), 4), (datetime.date(2026, 1, 5), 2)]])[0]
    assert seen["stability"] == pytest.approx(expected.stability, abs=1e-4)
    assert seen["recall"] == pytest.approx(memory.recall(memory.DEFAULT_PARAMETERS, expected.stability, 10),
                                           abs=1e-4)


def test_stats_predicted_retention_is_the_average_recall_of_seen_cards(mini_collection, cli):
    record(mini_collection, [("b1", 4, 0, "review"), ("c1", 5, 0, "review"), ("c1", 3, 4, "review"),
                             ("m1", 1, 0, "drill")])
    now = ("--now", "2026-01-20 12:00")
    cards = [c for c in json.loads(cli(*now, "cards", "--json").out) if c["recall"] is not None]
    figures = json.loads(cli(*now, "stats", "--json").out)
    average = sum(c["recall"] for c in cards) / len(cards)
    assert figures["retention"]["predicted_cards"] == 2
    assert figures["retention"]["predicted_now"] == pytest.approx(average, abs=1e-3)
    predicted = {s["section"]: s["predicted_retention"] for s in figures["sections"] if s["deck"] == "mini"}
    assert any(value is not None for value in predicted.values())
    assert "Predicted retention now" in cli(*now, "stats").out


def test_damaged_parameters_fall_back_to_defaults_with_one_warning(mini_collection, cli):
    record(mini_collection, [("b1", 4, 0, "review")])
    healthy = json.loads(cli("cards", "--json").out)
    conn = sqlite3.connect(mini_collection)
    with conn:
        conn.execute("""INSERT INTO memory_parameters (fitted_on, reviews, log_loss_before, log_loss_after, parameters)
                        VALUES ('2026-01-01', 500, 0.4, 0.3, '[1, 2, "three"')""")
    conn.close()
    before = table(mini_collection, "card_state")
    for command in (("cards", "--json"), ("stats",)):
        result = cli(*command)
        assert result.code == 0
        assert result.err.count("\n") == 1 and "damaged" in result.err and "defaults" in result.err
    assert json.loads(cli("cards", "--json").out) == healthy
    assert table(mini_collection, "card_state") == before


def test_export_under_fsrs_carries_anki_memory_state(mini_collection, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    record(mini_collection, [("b1", 4, 0, "review"), ("b1", 4, 3, "review")])
    cli("config", "scheduler", "fsrs")
    cli("config", "desired_retention", "0.85")
    [ours] = [c for c in json.loads(cli("cards", "--json").out) if c["id"] == "b1"]
    package = tmp_path / "mini.apkg"
    assert cli("export", "--deck", "mini", "-o", package, "--with-progress").code == 0
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions(
            with_scheduling=True, merge_notetypes=True)))
        states = [card.memory_state for card in map(col.get_card, col.find_cards("")) if card.memory_state]
        [state] = states
        assert (state.stability, state.difficulty) == pytest.approx((ours["stability"], ours["difficulty"]), abs=1e-3)
        [card] = [col.get_card(cid) for cid in col.find_cards("") if col.get_card(cid).memory_state]
        assert card.desired_retention == pytest.approx(0.85)
    finally:
        col.close()


def test_undo_under_fsrs_restores_memory_and_schedule_exactly(mini_collection, cli):
    from mlsquiz.store.study import undo_review

    cli("config", "scheduler", "fsrs")
    record(mini_collection, [("b1", 4, 0, "review"), ("b1", 3, 2, "review")])
    before = table(mini_collection, "card_state")
    history = History(mini_collection)
    saved = history.answer("b1", 1, "2026-01-20 10:00")
    assert table(mini_collection, "card_state") != before
    undo_review(history.collection, saved.review_id)
    history.close()
    assert table(mini_collection, "card_state") == before


def test_re_drills_and_cram_leave_the_memory_alone(mini_collection, cli):
    record(mini_collection, [("b1", 4, 0, "review")])
    before = table(mini_collection, "card_state")
    record(mini_collection, [("b1", 1, 0, "drill"), ("b1", 5, 0, "cram")], start=datetime.datetime(2026, 1, 6, 10))
    assert table(mini_collection, "card_state") == before


def test_upgrading_a_collection_from_before_the_memory_model_fills_every_memory(db_path, cli, schema_before):
    from mlsquiz.store import migrations

    schema_before(migrations.m007_memory_model)
    cli("import", MINI_DECK)
    conn = sqlite3.connect(db_path)
    with conn:
        card = conn.execute("SELECT id FROM cards WHERE card_id = 'b1'").fetchone()[0]
        conn.executemany("INSERT INTO reviews (card, reviewed_at, study_day, grade, kind) "
                         "VALUES (?, ?, ?, ?, 'review')", [(card, "2026-01-05T12:00:00.000+00:00", "2026-01-05", 4),
                          (card, "2026-01-08T12:00:00.000+00:00", "2026-01-08", 2)])
    conn.close()
    schema_before(None)
    [b1] = [c for c in json.loads(cli("cards", "--json").out) if c["id"] == "b1"]
    [_, expected] = memory.memory_histories(memory.engine(memory.DEFAULT_PARAMETERS),
                                            [[(datetime.date(2026, 1, 5), 4), (datetime.date(2026, 1, 8), 2)]])[0]
    assert b1["stability"] == pytest.approx(expected.stability, abs=1e-4)
    assert (b1["interval"], b1["due"], b1["lapses"]) == (1, "2026-01-09", 1)  # SM-2's schedule, from the replay


def test_due_stats_roadmap_and_export_run_the_same_under_fsrs(mini_collection, cli, tmp_path):
    record(mini_collection, [("b1", 4, 0, "review"), ("c1", 1, 0, "review")])
    cli("config", "scheduler", "fsrs")
    now = ("--now", "2026-01-06 12:00")
    due = json.loads(cli(*now, "due", "--json").out)
    assert due["due"] == sum(c["due"] is not None and c["due"] <= "2026-01-06"
                             for c in json.loads(cli(*now, "cards", "--json").out))
    for command in (("stats",), ("roadmap",), ("export", "--deck", "mini", "-o", tmp_path / "m.apkg", "--with-progress")):
        result = cli(*now, *command)
        assert (result.code, result.err) == (0, ""), command
