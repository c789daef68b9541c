"""The .apkg as written: a zip holding an SQLite collection with our decks, note types, notes and cards."""

import json
import os
import sqlite3
import zipfile

import pytest

from conftest import TESTS
from mlsquiz.anki.export import MODEL_IDS, anki_deck_id, guid_for

TRICKY = TESTS / "data" / "export.toml"


def read_package(path, tmp_path):
    with zipfile.ZipFile(path) as archive:
        assert set(archive.namelist()) == {"collection.anki2", "media"}
        archive.extract("collection.anki2", tmp_path)
    conn = sqlite3.connect(tmp_path / "collection.anki2")
    conn.row_factory = sqlite3.Row
    return conn


@pytest.fixture
def exported(cli, tmp_path):
    assert cli("import", TRICKY).code == 0
    target = tmp_path / "out.apkg"
    result = cli("export", "--deck", "tricky", "-o", target)
    assert result.code == 0, result.err
    assert result.out.strip() == f"{target}: 5 notes, 5 cards"
    return read_package(target, tmp_path)


def test_decks_and_note_types(exported):
    col = exported.execute("SELECT decks, models FROM col").fetchone()
    names = {d["name"] for d in json.loads(col["decks"]).values()}
    assert {"Tricky <deck> & co", "Tricky <deck> & co::0. First part", "Tricky <deck> & co::2. Second part"} <= names
    models = json.loads(col["models"])
    unused = {MODEL_IDS["cloze"], MODEL_IDS["matching"]}  # no card of these types here
    assert {int(k) for k in models} == set(MODEL_IDS.values()) - unused
    assert "{{type:Answer}}" in models[str(MODEL_IDS["typed"])]["tmpls"][0]["qfmt"]


def test_notes_are_escaped_with_stable_guids_and_tags(exported):
    notes = {row["guid"]: row for row in exported.execute("SELECT guid, mid, tags, flds FROM notes")}
    assert set(notes) == {guid_for("tricky", cid) for cid in ("html", "pick", "both", "steps", "price")}
    html_note = notes[guid_for("tricky", "html")]
    fields = html_note["flds"].split("\x1f")
    assert fields[0] == "Is &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt; shown literally?"
    assert fields[1] == "Yes:<br>line two"
    assert "<script>" not in html_note["flds"]
    assert html_note["tags"].split() == ["markup", "two_words", "basic"]
    order_fields = notes[guid_for("tricky", "steps")]["flds"].split("\x1f")
    assert order_fields[2] == "<ol><li>one</li><li>two</li><li>three</li><li>four</li></ol>"
    assert order_fields[1] != "<ul><li>one</li><li>two</li><li>three</li><li>four</li></ul>"  # shuffled front


def test_cards_keep_authored_order_in_their_sections(exported):
    rows = exported.execute(
        "SELECT n.guid, c.did, c.due, c.type FROM cards c JOIN notes n ON n.id = c.nid ORDER BY c.due").fetchall()
    assert [r["guid"] for r in rows] == [guid_for("tricky", cid) for cid in ("html", "pick", "both", "steps", "price")]
    assert {r["type"] for r in rows} == {0}
    assert rows[0]["did"] == anki_deck_id("tricky", "first") and rows[1]["did"] == anki_deck_id("tricky", "second")


def test_retired_cards_are_not_exported(cli, tmp_path):
    cli("import", TRICKY)
    trimmed = tmp_path / "trimmed.toml"
    text = TRICKY.read_text()
    trimmed.write_text(text[: text.index('[[cards]]\nid = "price"')])
    cli("import", trimmed)
    result = cli("export", "--deck", "tricky", "-o", tmp_path / "t.apkg")
    assert "4 notes, 4 cards" in result.out


def test_unwritable_target_is_one_line_and_leaves_nothing(cli, tmp_path):
    cli("import", TRICKY)
    missing = tmp_path / "no" / "such" / "folder" / "x.apkg"
    result = cli("export", "--deck", "tricky", "-o", missing)
    assert result.code == 1 and result.err.count("\n") == 1 and "does not exist" in result.err
    assert not missing.parent.exists()


def test_failed_export_keeps_the_existing_file(cli, tmp_path, monkeypatch):
    cli("import", TRICKY)
    target = tmp_path / "good.apkg"
    assert cli("export", "--deck", "tricky", "-o", target).code == 0
    previous = target.read_bytes()
    import zipfile as zipmodule

    def broken_zip(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipmodule, "ZipFile", broken_zip)
    # --force: with zip files broken, the earlier package cannot even be recognised as one
    result = cli("export", "--deck", "tricky", "-o", target, "--force")
    assert result.code == 1 and "No space left" in result.err
    assert target.read_bytes() == previous
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".mlsquiz-export")] == []


def test_default_file_name_and_several_decks(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cli("import", TRICKY)
    result = cli("export")
    assert result.code == 0 and os.path.exists("aws-ml-specialty.apkg")


def test_note_guids_are_genankis():
    """guid_for is worked out without genanki: it must give genanki's GUID, or re-imports would duplicate notes."""
    import genanki

    pairs = [("aws-mls", "s3-basics"), ("tricky", "html"), ("ünï", "c\u00e9.c2"), ("a__b", ""), ("x", "0")]
    for deck, card in pairs:
        assert guid_for(deck, card) == genanki.guid_for("mlsquiz", deck, card)
