import datetime
import hashlib
import sqlite3
import stat

import pytest

from conftest import MINI_DECK
from mlsquiz.store import migrations
from mlsquiz.deckfile.reading import load_deck, parse_deck
from mlsquiz.errors import CollectionError
from mlsquiz.store.bundled import open_synced as open_collection
from mlsquiz.store import connection
from mlsquiz.store.decks import card_rows, import_deck
from mlsquiz.store.study import record_answer
from mlsquiz.scheduling.sm2 import review


def rows(db_path, sql):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_new_collection_has_the_schema_and_the_bundled_deck(db_path):
    open_collection(db_path).close()
    tables = {name for (name,) in rows(db_path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"decks", "cards", "card_state", "reviews", "config", "_sqlite_migrations"} <= tables
    columns = {name for (_, name, *_) in rows(db_path, "PRAGMA table_info(reviews)")}
    assert {"card", "reviewed_at", "study_day", "grade", "kind", "answer_ms", "ease_before", "ease_after"} <= columns
    assert rows(db_path, "PRAGMA user_version") == [(migrations.SCHEMA_VERSION,)]
    assert rows(db_path, "PRAGMA journal_mode") == [("wal",)]
    assert rows(db_path, "SELECT id, bundled FROM decks ORDER BY id") == [("aws-ml-specialty", 1), ("mla-c01", 1)]
    applied = rows(db_path, "SELECT name FROM _sqlite_migrations ORDER BY id")
    assert [name for (name,) in applied] == [step.__name__ for step in migrations.MIGRATIONS]


def test_connection_is_durable_and_waits_for_locks(db_path):
    collection = open_collection(db_path)
    try:
        assert collection.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert collection.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    finally:
        collection.close()


def test_a_transaction_without_reference_checks_turns_them_back_on(db_path):
    collection = open_collection(db_path)
    foreign_keys = lambda: collection.conn.execute("PRAGMA foreign_keys").fetchone()[0]  # noqa: E731
    with collection.transaction(check_references=False):
        assert foreign_keys() == 0
    assert foreign_keys() == 1
    with pytest.raises(ZeroDivisionError), collection.transaction(check_references=False):
        1 / 0
    assert foreign_keys() == 1 and not collection.conn.in_transaction
    with pytest.raises(sqlite3.IntegrityError), collection.transaction() as conn:  # checked again, by default
        conn.execute("INSERT INTO reviews (card, reviewed_at, study_day, grade, kind) VALUES (-5, '', '', 3, 'x')")
    collection.close()


def test_default_folder_is_private_and_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("MLSQUIZ_DB")
    path = connection.default_collection_path()
    assert path == str(tmp_path / "data" / "mlsquiz" / "collection.db")
    open_collection(path).close()
    assert stat.S_IMODE((tmp_path / "data" / "mlsquiz").stat().st_mode) == 0o700


def import_mini(collection, text_edit=None):
    raw = MINI_DECK.read_bytes()
    if text_edit:
        raw = text_edit(raw)
    return import_deck(collection, parse_deck(raw, "mini.toml"), file_hash=str(hash(raw)))


def test_reimport_keeps_progress_updates_text_and_retires_dropped_cards(db_path):
    collection = open_collection(db_path)
    try:
        first = import_mini(collection)
        assert (first.added, first.updated, first.retired) == (5, 0, 0)
        b1 = next(r for r in card_rows(collection, "mini") if r["card_id"] == "b1")
        day = datetime.date(2026, 3, 2)
        record_answer(collection, b1["id"], 5, "review", "2026-03-02T09:00:00.000+00:00", day, 1200,
                      lambda state: review(state, 5, day))

        def edit(raw: bytes) -> bytes:
            raw = raw.replace(b"Why learn Python first?", b"Why learn Python before ML?")
            start = raw.index(b'[[cards]]\nid = "t1"')
            return raw[:start]  # drops the typed card

        second = import_mini(collection, edit)
        assert (second.added, second.updated, second.retired, second.unchanged) == (0, 1, 1, 3)
        by_id = {r["card_id"]: r for r in card_rows(collection, "mini")}
        assert by_id["b1"]["prompt"] == "Why learn Python before ML?"
        assert by_id["b1"]["repetitions"] == 1 and by_id["b1"]["last_review"] is not None
        assert by_id["t1"]["retired"] == 1
        third = import_mini(collection, edit)
        assert not third.changed and third.unchanged == 4
        back = import_mini(collection)
        assert (back.updated, back.retired) == (2, 0)  # b1's text back, t1 revived
    finally:
        collection.close()


def test_bundled_deck_resyncs_when_its_file_changes(db_path, monkeypatch):
    open_collection(db_path).close()
    from mlsquiz.deckfile import bundled

    original = bundled.bundled_deck_bytes()[0]
    monkeypatch.setattr(bundled, "bundled_deck_bytes", lambda: (original + b"\n# edited\n", "bundled"))
    open_collection(db_path).close()
    assert len(rows(db_path, "SELECT id FROM decks")) == 2  # the roadmap deck and the MLA-C01 deck, no third
    hashes = rows(db_path, "SELECT file_hash FROM decks WHERE id = 'aws-ml-specialty'")
    assert hashes == [(hashlib.sha256(original + b"\n# edited\n").hexdigest(),)]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        (b"\x00\x13garbage" * 100, "not an SQLite database"),
    ],
)
def test_non_collection_files_are_refused_and_untouched(db_path, content, message):
    db_path.write_bytes(content)
    with pytest.raises(CollectionError, match=message) as caught:
        open_collection(db_path)
    assert str(db_path) in str(caught.value)
    assert db_path.read_bytes() == content


def test_another_apps_database_is_refused(db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(CollectionError, match="another application"):
        open_collection(db_path)
    assert db_path.read_bytes() == before


def test_newer_schema_is_refused(db_path):
    open_collection(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(CollectionError, match="newer mlsquiz"):
        open_collection(db_path)


def test_truncated_collection_is_reported_not_repaired(db_path, cli):
    cli("import", MINI_DECK)
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])
    result = cli("cards")
    assert result.code != 0
    assert str(db_path) in result.err or "collection" in result.err
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert db_path.read_bytes() == data[: len(data) // 2]


def test_upgrade_backs_up_then_migrates_keeping_data(db_path, monkeypatch, cli):
    cli("import", MINI_DECK)
    cards_before = rows(db_path, "SELECT card_id, prompt FROM cards ORDER BY id")

    def m999_add_note_column(db):
        db["cards"].add_column("note", str)

    steps = [*migrations.MIGRATIONS, m999_add_note_column]
    monkeypatch.setattr(migrations, "MIGRATIONS", steps)
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", len(steps))
    monkeypatch.setattr(connection, "SCHEMA_VERSION", len(steps))
    open_collection(db_path).close()
    backup = db_path.with_name(f"{db_path.name}.schema{len(steps) - 1}.bak")
    assert backup.exists()
    assert rows(backup, "SELECT card_id, prompt FROM cards ORDER BY id") == cards_before
    assert rows(db_path, "SELECT card_id, prompt FROM cards ORDER BY id") == cards_before
    assert "note" in {name for (_, name, *_) in rows(db_path, "PRAGMA table_info(cards)")}
    assert rows(db_path, "PRAGMA user_version") == [(len(steps),)]


def test_invalid_deck_import_changes_nothing(cli, db_path, tmp_path):
    cli("import", MINI_DECK)
    before = rows(db_path, "SELECT * FROM cards")
    bad = tmp_path / "bad.toml"
    bad.write_text(MINI_DECK.read_text().replace('answer = "SageMaker"', 'answer = "Glue"'))
    result = cli("import", bad)
    assert result.code == 1
    assert result.err.strip() == f"{bad}:33: card 'c1': answer 'Glue' is not among the options"
    assert rows(db_path, "SELECT * FROM cards") == before


def test_load_deck_on_bundled_file_matches_collection(db_path):
    open_collection(db_path).close()
    from mlsquiz.deckfile.bundled import BUNDLED_DECKS, shipped_deck

    for deck_id in BUNDLED_DECKS:  # every shipped deck, card for card
        deck = parse_deck(shipped_deck(deck_id)[0], deck_id)
        assert rows(db_path, f"SELECT count(*) FROM cards WHERE retired = 0 AND deck = '{deck_id}'") == \
            [(len(deck.cards),)]
    assert load_deck(MINI_DECK).id == "mini"


def test_schema_version_counts_the_migrations():
    from mlsquiz.store import schema

    assert schema.SCHEMA_VERSION == len(migrations.MIGRATIONS) == migrations.SCHEMA_VERSION
    assert schema.APPLICATION_ID == migrations.APPLICATION_ID
