"""Malformed notes and log rows in an Anki package: one line and nothing changed, or counted in the summary;
never a traceback, and nothing that breaks a later command."""

import json
import sqlite3

import pytest

from mlsquiz.anki.package import import_zstd
from test_anki_import_bad_input import packages, rewrite, snapshot  # noqa: F401  (packages: a fixture)
from conftest import MINI_DECK

DAY_NOON_MS = 1767268800000  # 2026-01-01 12:00 UTC


def changed(tmp_path, source, script: str, member: str = "collection.anki21"):
    """A copy of a package whose collection went through an SQL script (zstd members unpacked and packed again)."""
    zstd = import_zstd()

    def change(name, data):
        if name != member:
            return data
        path = tmp_path / "changed.sqlite"
        path.unlink(missing_ok=True)
        path.write_bytes(zstd.decompress(data) if name.endswith("b") else data)
        conn = sqlite3.connect(path)
        conn.create_collation("unicase", lambda a, b: (a.casefold() > b.casefold()) - (a.casefold() < b.casefold()))
        conn.executescript(script)
        conn.commit()
        conn.close()
        return zstd.compress(path.read_bytes()) if name.endswith("b") else path.read_bytes()

    return rewrite(source, tmp_path / "changed.apkg", change)


# Anki's legacy schema declares guid NOT NULL: a hand-made package need not.
LOOSE_NOTES = ("CREATE TABLE loose AS SELECT * FROM notes; DROP TABLE notes; ALTER TABLE loose RENAME TO notes; ")


@pytest.mark.parametrize("guid, said", [("NULL", "no GUID (NULL)"), ("x'00ff'", "a GUID that is bytes, not text")])
def test_a_note_without_a_text_guid_is_one_line_and_changes_nothing(cli, tmp_path, db_path, packages, guid, said):
    assert cli("import", MINI_DECK).code == 0
    before = snapshot(db_path)
    odd = changed(tmp_path, packages["legacy"], LOOSE_NOTES + f"UPDATE notes SET guid = {guid}")
    result = cli("import", odd)
    assert result.code == 1 and "Traceback" not in result.err, result
    assert said in result.err and result.err.count("\n") == 1, result.err
    assert snapshot(db_path) == before


def test_notes_sharing_a_guid_are_counted_in_the_summary(cli, tmp_path, packages):
    twin = ("INSERT INTO notes SELECT id + 1, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data FROM notes; "
            "INSERT INTO cards SELECT id + 1, nid + 1, did, ord, mod, usn, type, queue, due, ivl, factor, reps, "
            "lapses, left, odue, odid, flags, data FROM cards")
    result = cli("import", changed(tmp_path, packages["legacy"], twin))
    assert result.code == 0, result
    assert "2 notes read" in result.out and "1 cards added" in result.out
    assert "1 cards of notes sharing another note's GUID (the first note kept)" in result.out


def test_an_answer_duration_of_2_to_the_62_ms_is_read_as_anki_reads_it(cli, tmp_path, db_path, packages):
    """Anki takes a duration that does not fit its 32-bit field as 0; two such rows on one day once overflowed
    the day's total."""
    rows = ", ".join(f"({DAY_NOON_MS + n * 60_000}, (SELECT id FROM cards), -1, 3, 1, 0, 2500, {2**62}, 1)"
                     for n in range(2))
    rows += f", ({DAY_NOON_MS + 180_000}, (SELECT id FROM cards), -1, 3, 1, 0, 2500, 8000, 1)"
    result = cli("import", changed(tmp_path, packages["legacy"], f"INSERT INTO revlog VALUES {rows}"),
                 "--with-progress")
    assert result.code == 0 and "Traceback" not in result.err, result
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT answer_ms FROM reviews ORDER BY reviewed_at").fetchall() == [(0,), (0,), (8000,)]
    finally:
        conn.close()
    stats = cli("--now", "2026-01-01 13:00", "stats", "--json")
    assert stats.code == 0 and "Traceback" not in stats.err, stats
    json.loads(stats.out)


@pytest.mark.parametrize("column", ["models", "decks"])
def test_deeply_nested_json_in_the_models_or_decks_is_one_line(cli, tmp_path, db_path, packages, column):
    nested = f"UPDATE col SET {column} = '{{\"1\":' || replace(hex(zeroblob(100000)), '00', '[') || '}}'"
    result = cli("import", changed(tmp_path, packages["legacy"], nested))
    assert result.code == 1 and "Traceback" not in result.err and result.err.count("\n") == 1, result.err


def test_a_null_note_type_name_in_a_legacy_package_is_one_line(cli, tmp_path, packages):
    null_name = ("UPDATE col SET models = json_set(models, (SELECT '$.\"' || key || '\".name' FROM json_each(models) "
                 "LIMIT 1), json('null'))")
    result = cli("import", changed(tmp_path, packages["legacy"], null_name))
    assert result.code == 1 and "Traceback" not in result.err and result.err.count("\n") == 1, result.err


def test_a_null_note_type_name_in_a_modern_package_is_one_line(cli, tmp_path, packages):
    result = cli("import", changed(tmp_path, packages["modern"], "CREATE TABLE loose AS SELECT * FROM notetypes; "
                                   "DROP TABLE notetypes; ALTER TABLE loose RENAME TO notetypes; "
                                   "UPDATE notetypes SET name = NULL",
                                   member="collection.anki21b"))
    assert result.code == 1 and "Traceback" not in result.err and result.err.count("\n") == 1, result.err
