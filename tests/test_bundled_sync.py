"""The bundled deck is synced only when the shipped file changes, never over a learner's own import of it."""

import sqlite3

from mlsquiz.deckfile import bundled


def prompt_of(db_path, card_id):
    return sqlite3.connect(db_path).execute(
        "SELECT prompt FROM cards WHERE deck = 'aws-ml-specialty' AND card_id = ?", (card_id,)).fetchone()[0]


def own_version(tmp_path):
    """The shipped deck with its first card's prompt edited, as a learner's own file."""
    text = bundled.bundled_deck_bytes()[0].decode()
    head, _, tail = text.partition("prompt = ")
    quote = tail[0]
    first_prompt = tail[1:].split(quote, 1)[0]
    edited = tmp_path / "mine.toml"
    edited.write_text(head + "prompt = " + quote + "MY OWN " + tail[1:])
    card_id = head.rsplit('id = "', 1)[1].split('"', 1)[0]
    return edited, card_id, first_prompt


def test_own_import_of_the_bundled_deck_survives_later_commands(cli, db_path, tmp_path):
    edited, card_id, _ = own_version(tmp_path)
    result = cli("import", edited)
    assert result.code == 0 and "1 updated" in result.out and "--bundled" in result.out
    for command in (["decks"], ["stats"], ["cards"], ["due"]):
        assert cli(*command).code == 0
    assert prompt_of(db_path, card_id).startswith("MY OWN ")


def test_shipped_update_keeps_the_own_version_and_says_so_once(cli, db_path, tmp_path, monkeypatch):
    edited, card_id, _ = own_version(tmp_path)
    cli("import", edited)
    shipped = bundled.bundled_deck_bytes()
    monkeypatch.setattr(bundled, "bundled_deck_bytes", lambda: (shipped[0] + b"\n# newer\n", shipped[1]))
    first = cli("decks")
    assert "your own imported version is kept" in first.err
    assert cli("decks").err == ""
    assert prompt_of(db_path, card_id).startswith("MY OWN ")


def test_import_bundled_goes_back_to_the_shipped_deck(cli, db_path, tmp_path, monkeypatch):
    edited, card_id, original = own_version(tmp_path)
    cli("import", edited)
    result = cli("import", "--bundled")
    assert result.code == 0 and "1 updated" in result.out
    assert prompt_of(db_path, card_id) == original
    shipped = bundled.bundled_deck_bytes()
    monkeypatch.setattr(bundled, "bundled_deck_bytes", lambda: (shipped[0].replace(original.encode(), b"NEWER"), "x"))
    assert cli("decks").code == 0
    assert prompt_of(db_path, card_id) == "NEWER"  # the shipped deck is synced again


def test_import_needs_a_file_or_bundled_not_both(cli, tmp_path):
    assert cli("import").code == 2
    both = cli("import", tmp_path / "x.toml", "--bundled")
    assert both.code == 2 and both.err.count("\n") == 1
