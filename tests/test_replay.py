"""States are a fold over the review log: the exact-SM-2 upgrade, undo from two terminals, rollover changes."""

import datetime
import json
import math
import sqlite3

import sqlite_utils
from sqlite_utils.migrations import Migrations

from conftest import MINI_DECK
from history import History
from mlsquiz.store import migrations
from mlsquiz.scheduling.replay import LoggedAnswer, final_schedule
from mlsquiz.store.study import undo_review

DAY = datetime.date(2026, 3, 2)


def float_sm2(state, grade):
    """The scheduler as it was before exact arithmetic: float ease, ceil of a float product."""
    repetitions, ease, interval = state
    if grade >= 3:
        interval = 1 if repetitions == 0 else 6 if repetitions == 1 else math.ceil(interval * ease)
        repetitions += 1
    else:
        repetitions, interval = 0, 1
    miss = 5 - grade
    return repetitions, max(1.3, ease + 0.1 - miss * (0.08 + miss * 0.02)), interval


def schema_four_collection(path, grades_by_card):
    """A collection as schema 4 left it, with states computed by the old float code."""
    db = sqlite_utils.Database(str(path))
    old = Migrations(migrations.MIGRATION_SET)
    for step in migrations.MIGRATIONS[:4]:
        old()(step)
    old.apply(db)
    db.execute("PRAGMA user_version = 4")
    db.execute("PRAGMA journal_mode = WAL")
    db["decks"].insert({"id": "old", "name": "Old", "sections": "[]", "resources": "[]", "file_hash": "x",
                        "bundled": 0})
    for n, grades in enumerate(grades_by_card, 1):
        db["cards"].insert({"id": n, "deck": "old", "card_id": f"c{n}", "type": "basic", "prompt": f"P{n}",
                            "content": json.dumps({"answer": "A", "explanation": "E"}), "section": "s", "tags": "[]",
                            "position": n, "content_hash": str(n), "retired": 0})
        state, day, lapses = (0, 2.5, 0), DAY, 0
        db["card_state"].insert({"card": n})
        for grade in grades:
            state = float_sm2(state, grade)
            lapses += grade < 3
            moment = f"{day.isoformat()}T12:00:00.000+00:00"
            db["reviews"].insert({"card": n, "reviewed_at": moment, "study_day": day.isoformat(), "grade": grade,
                                  "kind": "review", "answer_ms": 1000})
            db.execute("UPDATE card_state SET repetitions = ?, ease = ?, interval = ?, due = ?, lapses = ?, "
                       "last_review = ? WHERE card = ?",
                       (*state, (day + datetime.timedelta(days=state[2])).isoformat(), lapses, moment, n))
            day += datetime.timedelta(days=state[2])
    db.close()


def test_upgrade_replays_float_noise_schedules_exactly_and_says_so(cli, tmp_path):
    path = tmp_path / "old.db"
    schema_four_collection(path, [[5] * 6, [1, 2, 3, 4, 4], [4, 4]])
    assert sqlite3.connect(path).execute("SELECT interval FROM card_state WHERE card = 1").fetchone() == (421,)
    result = cli("--db", path, "cards", "--deck", "old", "--json")
    assert result.code == 0
    assert "card schedules were recomputed" in result.err and "2 card" in result.err
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT interval, ease FROM card_state WHERE card = 1").fetchone() == (420, 3.1)
    assert conn.execute("SELECT interval, ease FROM card_state WHERE card = 2").fetchone() == (9, 1.5)
    assert conn.execute("SELECT interval_after FROM reviews WHERE card = 1 ORDER BY id DESC").fetchone() == (420,)
    assert (tmp_path / "old.db.schema4.bak").exists()
    again = cli("--db", path, "cards", "--deck", "old", "--json")
    assert again.err == ""  # said once


def test_undo_keeps_an_answer_given_to_the_same_card_from_another_terminal(mini_collection):
    first, second = History(mini_collection), History(mini_collection)
    try:
        mine = first.answer("b1", 5, "2026-03-02 09:00")
        theirs = second.answer("b1", 2, "2026-03-02 09:01")
        note = undo_review(first.collection, mine.review_id)
        assert "answered again elsewhere" in note
        conn = first.collection.conn
        rows = conn.execute("SELECT id, grade FROM reviews").fetchall()
        assert [tuple(r) for r in rows] == [(theirs.review_id, 2)]
        state = conn.execute("SELECT repetitions, ease, interval, due, lapses FROM card_state WHERE card = ?",
                             (first.ids["b1"],)).fetchone()
        expected = final_schedule([LoggedAnswer(theirs.review_id, "review", 2, DAY, "t")])
        assert tuple(state) == (expected.state.repetitions, expected.state.ease, expected.state.interval,
                                expected.state.due.isoformat(), 1)
        assert "no longer in the collection" in undo_review(second.collection, mine.review_id)
    finally:
        first.close()
        second.close()


def test_undo_of_the_latest_answer_restores_the_state_before_it(mini_collection):
    history = History(mini_collection)
    try:
        history.answer("b1", 4, "2026-03-02 09:00")
        before = tuple(history.collection.conn.execute("SELECT * FROM card_state").fetchall()[0])
        second = history.answer("b1", 1, "2026-03-03 09:00")
        assert undo_review(history.collection, second.review_id) is None
        assert tuple(history.collection.conn.execute("SELECT * FROM card_state").fetchall()[0]) == before
    finally:
        history.close()


def test_rollover_change_moves_earlier_answers_to_the_day_the_new_hour_gives(cli, mini_collection):
    history = History(mini_collection)
    try:
        history.answer("b1", 4, "2026-03-02 05:00")
    finally:
        history.close()
    assert cli("config", "rollover_hour", "10", "--now", "2026-03-02 09:00").code == 0
    conn = sqlite3.connect(mini_collection)
    assert conn.execute("SELECT study_day FROM reviews").fetchall() == [("2026-03-01",)]
    assert conn.execute("SELECT day FROM study_days").fetchall() == [("2026-03-01",)]
    assert conn.execute("SELECT due FROM card_state WHERE last_review IS NOT NULL").fetchall() == [("2026-03-02",)]
    stats = json.loads(cli("stats", "--json", "--deck", "mini", "--now", "2026-03-02 09:00").out)
    assert stats["today"]["reviews_done"] == 1  # 09:00 and 05:00 are one study day under a 10:00 rollover


def test_undone_day_is_not_a_study_day_in_stats(cli, mini_collection):
    history = History(mini_collection)
    try:
        history.answer("b1", 4, "2026-03-01 09:00")
        undo_review(history.collection, history.answer("c1", 4, "2026-03-02 09:00").review_id)
    finally:
        history.close()
    stats = json.loads(cli("stats", "--json", "--deck", "mini", "--now", "2026-03-02 12:00").out)
    assert stats["streak"]["longest"] == 1 and [d["date"] for d in stats["history"] if d["reviews"]] == ["2026-03-01"]


def test_section_reviews_follow_a_card_moved_by_import_and_its_undo(cli, mini_collection, tmp_path):
    history = History(mini_collection)
    try:
        saved = history.answer("b1", 1, "2026-03-02 09:00")
        moved = tmp_path / "moved.toml"
        text = MINI_DECK.read_text()
        moved.write_text(text)
        sections = [line for line in text.splitlines() if line.startswith("section = ")]
        assert len(set(sections)) > 1, "the mini deck needs two sections for this test"
        conn = history.collection.conn
        old_section = conn.execute("SELECT section FROM cards WHERE id = ?", (history.ids["b1"],)).fetchone()[0]
        other = next(s.split('"')[1] for s in sections if s.split('"')[1] != old_section)
        # move b1 by rewriting its section line (the first card's)
        head, _, tail = text.partition('id = "b1"')
        tail = tail.replace(f'section = "{old_section}"', f'section = "{other}"', 1)
        moved.write_text(head + 'id = "b1"' + tail)
        assert cli("import", moved).code == 0
        rows = conn.execute("SELECT section, reviews, scheduled, passed FROM section_days").fetchall()
        assert [tuple(r) for r in rows] == [(other, 1, 1, 0)]
        undo_review(history.collection, saved.review_id)
        assert conn.execute("SELECT count(*) FROM section_days").fetchone()[0] == 0
    finally:
        history.close()


def test_ease_average_and_buckets_use_exact_eases(cli, mini_collection):
    history = History(mini_collection)
    try:
        for day, (b1, c1) in enumerate([(3, 1), (5, 5), (None, 5)], start=2):
            for card, grade in (("b1", b1), ("c1", c1)):
                if grade is not None:
                    history.answer(card, grade, f"2026-03-{day:02d} 09:00")
    finally:
        history.close()
    ease = json.loads(cli("stats", "--json", "--deck", "mini", "--now", "2026-03-05 09:00").out)["ease"]
    assert ease["average"] == 2.31  # (2.46 + 2.16) / 2; counted to a tenth it was 2.35
    buckets = {(b["from"], b["to"]): b["cards"] for b in ease["distribution"]}
    assert buckets[(2.1, 2.5)] == 2 and buckets[(2.5, 2.9)] == 0


def test_an_answer_stamped_no_later_than_the_last_one_is_replayed_into_place(mini_collection, tmp_path):
    """Answers at one millisecond replay in uid order (random for answers given here), and an answer from a
    clock set back comes before later ones: either way the state saved is the replay's, whatever the uids."""
    import shutil

    from recount import recount_mismatches

    for attempt in range(12):  # fresh uids each time: the order they give is a coin toss
        path = tmp_path / f"c{attempt}.db"
        shutil.copy(mini_collection, path)
        history = History(path)
        history.answer("b1", 5, "2026-03-01 09:00")
        history.answer("b1", 1, "2026-03-02 09:00")
        saved = history.answer("b1", 4, "2026-03-02 09:00")  # the same instant as the one before
        conn = history.collection.conn
        assert recount_mismatches(conn) == []
        logged = conn.execute("SELECT interval_after, due_after FROM reviews WHERE id = ?", (saved.review_id,))
        assert tuple(logged.fetchone()) == (saved.after.interval, saved.after.due.isoformat())
        history.answer("b1", 2, "2026-03-01 12:00")  # a clock set back
        assert recount_mismatches(conn) == []
        history.close()
