"""A merge checks every row of the other collection first (cards as a deck file's, reviews as the log's): one
bad row refuses the whole merge in one line naming it, and this collection is left exactly as it was. Reviews
without a uid are not added again on every merge."""

import sqlite3

import pytest
from conftest import MINI_DECK
from history import History


@pytest.fixture
def other(cli, tmp_path):
    db = tmp_path / "laptop.db"
    assert cli("--db", db, "import", MINI_DECK).code == 0
    history = History(db)
    history.answer("b1", 4, "2026-03-01 09:00")
    history.answer("c1", 5, "2026-03-01 09:05")
    history.close()
    return db


def dump(db):
    conn = sqlite3.connect(db)
    try:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in ("decks", "cards", "card_state", "reviews", "study_days")}
    finally:
        conn.close()


def spoil(db, sql):
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(sql)
    conn.commit()
    conn.close()


BAD_ROWS = {
    "content not JSON": ("UPDATE cards SET content = 'not json' WHERE card_id = 'b1'", "card 'mini'/'b1'"),
    "unknown type": ("UPDATE cards SET type = 'hologram' WHERE card_id = 'c1'", "unknown type 'hologram'"),
    "content of another type": ("""UPDATE cards SET content = '{"prompt": "p"}' WHERE card_id = 'm1'""",
                                "card 'mini'/'m1'"),
    "reviewed_at garbage": ("UPDATE reviews SET reviewed_at = 'garbage' WHERE id = 1", "reviewed_at 'garbage'"),
    "answer_ms text": ("UPDATE reviews SET answer_ms = 'slow' WHERE id = 1", "answer_ms 'slow'"),
    "grade out of range": ("UPDATE reviews SET grade = 9 WHERE id = 2", "grade 9"),
    "study day not a date": ("UPDATE reviews SET study_day = 'monday' WHERE id = 2", "study_day 'monday'"),
    "review of no card": ("UPDATE reviews SET card = 99999 WHERE id = 2", "review row 2"),
    "deck sections not JSON": ("UPDATE decks SET sections = '[' WHERE id = 'mini'", "deck 'mini'"),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_one_bad_row_refuses_the_whole_merge(cli, mini_collection, other, case):
    sql, words = BAD_ROWS[case]
    spoil(other, sql)
    before = dump(mini_collection)
    result = cli("import", other)
    assert result.code != 0 and "Traceback" not in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1 and words in result.err, result.err
    assert "nothing merged" in result.err
    assert dump(mini_collection) == before
    for command in (("cards",), ("decks",), ("stats",)):
        assert cli(*command).code == 0


def test_reviews_without_a_uid_come_once(cli, mini_collection, other):
    spoil(other, "UPDATE reviews SET uid = NULL")
    counts = []
    for _ in range(3):
        result = cli("import", other)
        assert result.code == 0, result.err
        counts.append(len(dump(mini_collection)["reviews"]))
    assert counts == [2, 2, 2]
