"""Corrupt, foreign, newer and damaged collections; bad deck files: one clear line, nothing touched."""

import os
import random
import sqlite3

import pytest

from conftest import MINI_DECK

HEAVY_LIMIT = 64 * 1024 * 1024


def dump(db):
    conn = sqlite3.connect(db)
    try:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


def one_line_error(result):
    assert result.code != 0
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err


def foreign_db(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO photos (name) VALUES ('cat.jpg')")
    conn.commit()
    conn.close()


def newer_db(path, cli):
    cli("--db", path, "decks")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()


CASES = {
    "random-bytes": lambda path, cli: path.write_bytes(random.Random(1).randbytes(8192)),
    "empty": lambda path, cli: path.write_bytes(b""),
    "text-file": lambda path, cli: path.write_text("these are my notes, not a database\n"),
    "sqlite-header-only": lambda path, cli: path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84),
    "foreign-sqlite": lambda path, cli: foreign_db(path),
    "newer-schema": newer_db,
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("command", [["decks"], ["due"], ["stats"], ["quiz"], ["export", "-o", "x.apkg"]])
def test_unusable_collection_is_refused_and_untouched(cli, tmp_path, monkeypatch, case, command):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "victim.db"
    CASES[case](path, cli)
    before = path.read_bytes()
    result = cli("--db", path, *command)
    one_line_error(result)
    assert str(path) in result.err or "terminal" in result.err  # quiz checks for a terminal first
    assert path.read_bytes() == before
    assert not (tmp_path / "x.apkg").exists()


def test_truncated_collection_is_reported_by_every_command_and_doctor(cli, db_path):
    cli("import", MINI_DECK)
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 3])
    damaged = db_path.read_bytes()
    for command in (["cards"], ["stats"], ["due"], ["doctor"], ["import", MINI_DECK]):
        result = cli(*command)
        one_line_error(result)
        assert db_path.read_bytes() == damaged


def test_doctor_reports_a_damaged_page(cli, db_path):
    cli("import", MINI_DECK)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(db_path.read_bytes())
    for offset in range(page_size * 3 + 8, page_size * 4 - 8):  # scribble over one b-tree page
        data[offset] = 0x55
    db_path.write_bytes(bytes(data))
    result = cli("doctor")
    assert result.code != 0 and "Traceback" not in result.err and str(db_path) in result.err


def test_healthy_collection_passes_doctor(cli, mini_collection):
    result = cli("doctor")
    assert result.code == 0 and "ok" in result.out


BAD_DECKS = {
    "syntax": ('[deck]\nid = "x"\nname = "X"\n[[cards]\n', "deck.toml:4: TOML syntax"),
    "wrong-type": ('[deck]\nid = "x"\nname = "X"\n[[cards]]\nid = "a"\ntype = "basic"\nsection = "s"\n'
                   'prompt = 12\nanswer = "A"\nexplanation = "E"\n', "deck.toml:8: card 'a': 'prompt' must be a string"),
    "duplicate-ids": ('[deck]\nid = "x"\nname = "X"\n' + ('[[cards]]\nid = "a"\ntype = "basic"\nsection = "s"\n'
                      'prompt = "P"\nanswer = "A"\nexplanation = "E"\n') * 2, "deck.toml:11: duplicate card id 'a'"),
    "missing-field": ('[deck]\nid = "x"\nname = "X"\n[[cards]]\nid = "a"\ntype = "typed"\nsection = "s"\n'
                      'prompt = "P"\nexplanation = "E"\n', "deck.toml:4: card 'a': missing field 'answer'"),
    "missing-deck-id": ('[deck]\nname = "X"\n[[cards]]\nid = "a"\ntype = "basic"\nsection = "s"\nprompt = "P"\n'
                        'answer = "A"\nexplanation = "E"\n', "deck.toml:1: deck: missing field 'id'"),
    "choice-answer": ('[deck]\nid = "x"\nname = "X"\n[[cards]]\nid = "a"\ntype = "choice"\nsection = "s"\n'
                      'prompt = "P"\noptions = ["1", "2"]\nanswer = "3"\nexplanation = "E"\n',
                      "deck.toml:10: card 'a': answer '3' is not among the options"),
}


@pytest.mark.parametrize("case", list(BAD_DECKS))
def test_bad_deck_files_report_file_and_line_and_change_nothing(cli, mini_collection, tmp_path, monkeypatch, case):
    monkeypatch.chdir(tmp_path)
    text, expected = BAD_DECKS[case]
    (tmp_path / "deck.toml").write_text(text)
    before = dump(mini_collection)
    for command in ("check", "import"):
        result = cli(command, "deck.toml")
        assert result.code == 1 and "Traceback" not in result.err
        assert expected in result.err
    assert dump(mini_collection) == before


def test_non_utf8_and_huge_deck_files(cli, mini_collection, tmp_path):
    before = dump(mini_collection)
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'[deck]\nid = "x"\nname = "Fran\xe7ois"\n')
    result = cli("import", latin)
    assert result.code == 1 and f"{latin}:3: not valid UTF-8" in result.err
    huge = tmp_path / "huge.toml"
    with open(huge, "wb") as file:
        file.truncate(HEAVY_LIMIT + 1)  # sparse: costs no disk
    for command in ("check", "import"):
        result = cli(command, huge)
        assert result.code == 1 and "too large" in result.err and result.err.count("\n") == 1
    assert dump(mini_collection) == before
    os.remove(huge)
