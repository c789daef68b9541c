"""Clock and time-zone changes, and upgrading a collection made by the first schema."""

import datetime
import json
import sqlite3

from conftest import MINI_DECK
from history import History
from mlsquiz.store import migrations


def due_json(cli, now):
    result = cli("due", "--json", "--deck", "mini", "--now", now)
    assert result.code == 0, result.err
    return json.loads(result.out)


def states(db):
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT c.card_id, s.interval, s.due FROM card_state s JOIN cards c ON c.id = s.card "
                            "WHERE c.deck = 'mini' ORDER BY c.position").fetchall()
    finally:
        conn.close()


def test_travelling_east_then_west_neither_loses_nor_doubles_a_card(cli, mini_collection, local_zone):
    local_zone("America/New_York")
    history = History(mini_collection)
    history.answer("b1", 4, "2026-06-01 22:00")  # study day 06-01 in New York, due 06-02
    history.close()
    local_zone("Asia/Tokyo")  # the same instant is already 06-02 11:00 in Tokyo
    assert due_json(cli, "2026-06-02 11:00")["due"] == 1
    local_zone("America/Los_Angeles")  # and back west, still 06-01 evening
    assert due_json(cli, "2026-06-01 19:00")["due"] == 0


def test_clock_going_backwards_keeps_intervals_positive(cli, mini_collection, local_zone):
    local_zone("Europe/Berlin")
    history = History(mini_collection)
    history.answer("b1", 5, "2026-03-10 09:00")
    history.answer("b1", 5, "2026-03-11 09:00")
    history.answer("b1", 3, "2026-03-05 09:00")  # the clock was set back a week
    history.answer("c1", 1, "2026-03-04 09:00")
    history.close()
    for card_id, interval, due in states(mini_collection):
        assert interval >= 0
        if due:
            assert interval >= 1 and datetime.date.fromisoformat(due) > datetime.date(2026, 3, 4)
    for command in (["stats", "--deck", "mini"], ["due", "--deck", "mini"], ["cards", "--deck", "mini"]):
        assert cli(*command, "--now", "2026-03-01 09:00").code == 0
    stats = json.loads(cli("stats", "--json", "--deck", "mini", "--now", "2026-03-06 09:00").out)
    assert stats["cards"]["new"] == 3 and sum(stats["cards"].values()) == 5


def test_spring_and_autumn_dst_each_day_counted_once(cli, mini_collection, local_zone):
    for zone, spring, autumn in (("America/New_York", 8, 1), ("Europe/Berlin", 29, 25)):
        local_zone(zone)
        for month, day in ((3, spring), (11 if zone.startswith("America") else 10, autumn)):
            before = due_json(cli, f"2026-{month:02d}-{day:02d} 03:59")
            after = due_json(cli, f"2026-{month:02d}-{day:02d} 04:00")
            start = datetime.date(2026, month, day)
            assert before["study_day"] == str(start - datetime.timedelta(days=1))
            assert after["study_day"] == str(start)


def first_schema_collection(path):
    """A collection exactly as the first released schema (m001 only) left it, with some history."""
    import sqlite_utils
    from sqlite_utils.migrations import Migrations

    db = sqlite_utils.Database(str(path))
    first = Migrations(migrations.MIGRATION_SET)
    first()(migrations.m001_initial)
    first.apply(db)
    db.execute("PRAGMA user_version = 1")
    db.execute("PRAGMA journal_mode = WAL")
    db["decks"].insert({"id": "old", "name": "Old deck", "sections": "[]", "resources": "[]", "file_hash": "x",
                        "bundled": 0})
    for n in range(3):
        db["cards"].insert({"id": n + 1, "deck": "old", "card_id": f"c{n}", "type": "basic", "prompt": f"P{n}",
                            "content": json.dumps({"prompt": f"P{n}", "answer": "A", "explanation": "E"}),
                            "section": "s", "tags": "[]", "position": n, "content_hash": str(n), "retired": 0})
        db["card_state"].insert({"card": n + 1, "repetitions": 1, "ease": 2.6, "interval": 1, "due": "2026-03-03",
                                 "lapses": 0, "last_review": "2026-03-02T09:00:00.000+00:00"})
        db["reviews"].insert({"card": n + 1, "reviewed_at": "2026-03-02T09:00:00.000+00:00", "study_day": "2026-03-02",
                              "grade": 5, "kind": "review", "answer_ms": 1000})
    db.close()


def test_first_schema_upgrades_with_everything_kept_and_a_backup(cli, tmp_path):
    path = tmp_path / "old.db"
    first_schema_collection(path)
    old_cards = sqlite3.connect(path).execute("SELECT * FROM cards").fetchall()
    result = cli("--db", path, "stats", "--json", "--deck", "old", "--now", "2026-03-03 09:00")
    assert result.code == 0, result.err
    figures = json.loads(result.out)
    assert figures["today"]["due"] == 3 and figures["streak"] == {"current": 1, "longest": 1}
    assert figures["history"][-2] == {"date": "2026-03-02", "reviews": 3}  # backfilled study days
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT * FROM cards WHERE deck = 'old'").fetchall() == old_cards
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 3
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
    backup = tmp_path / "old.db.schema1.bak"
    assert sqlite3.connect(backup).execute("SELECT count(*) FROM reviews").fetchone()[0] == 3
    assert cli("--db", path, "import", MINI_DECK).code == 0  # and it keeps working
