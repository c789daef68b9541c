"""A deck's identity comes from where it came from (the package's Anki deck and its notes), not its name:
unrelated packages whose notes sit in Anki's "Default" deck, or a learner's own deck file `anki-default`, never
lose cards or names to another import."""

import sqlite3

import pytest
from anki_fixtures import (
    anki,  # noqa: F401  (a fixture)
    export,
    open_anki,
)


def default_deck_package(col, path, fronts):
    for front in fronts:
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = front, f"answer to {front}"
        col.add_note(note, 1)  # Anki's "Default" deck
    return export(col, path, legacy=False)


def decks(db):
    conn = sqlite3.connect(db)
    try:
        return {deck: (name, conn.execute("SELECT count(*) FROM cards WHERE deck = ? AND retired = 0",
                                          (deck,)).fetchone()[0])
                for deck, name in conn.execute("SELECT id, name FROM decks WHERE bundled = 0")}
    finally:
        conn.close()


@pytest.fixture
def two_packages(anki, tmp_path):  # noqa: F811
    mine = default_deck_package(anki, tmp_path / "mine.apkg", ["uno", "dos"])
    friend = open_anki(tmp_path / "friend")
    try:
        theirs = default_deck_package(friend, tmp_path / "theirs.apkg", ["tres", "cuatro", "cinco"])
    finally:
        friend.close()
    return mine, theirs


def test_two_unrelated_default_decks_keep_their_own_cards(cli, db_path, two_packages):
    mine, theirs = two_packages
    assert cli("import", mine).code == 0
    result = cli("import", theirs)
    assert result.code == 0 and "retired" not in result.out, result.out
    found = decks(db_path)
    assert sorted(count for _, count in found.values()) == [2, 3], found
    assert found["anki-default"] == ("Default", 2)


def test_reimporting_a_package_updates_its_own_deck(cli, db_path, two_packages, anki):  # noqa: F811
    mine, theirs = two_packages
    for package in (mine, theirs, mine, theirs):
        assert cli("import", package).code == 0
    assert len(decks(db_path)) == 2
    default_deck_package(anki, mine, ["seis"])  # the same Anki deck, one note more
    result = cli("import", mine)
    assert result.code == 0 and "1 cards added" in result.out, result.out
    assert sorted(count for _, count in decks(db_path).values()) == [3, 3]


def test_a_deck_file_named_anki_default_keeps_its_name_and_cards(cli, db_path, two_packages, tmp_path):
    mine, _ = two_packages
    own = tmp_path / "own.toml"
    own.write_text('[deck]\nid = "anki-default"\nname = "My own deck"\n\n[[sections]]\nid = "s"\ntitle = "S"\n\n'
                   '[[cards]]\nid = "q1"\nsection = "s"\ntype = "basic"\nprompt = "Mine?"\nanswer = "Yes"\n'
                   'explanation = "Mine."\n')
    assert cli("import", own).code == 0, cli("check", own).out
    result = cli("import", mine)
    assert result.code == 0 and "retired" not in result.out, result.out
    found = decks(db_path)
    assert found["anki-default"] == ("My own deck", 1)
    assert sorted(found.values()) == [("Default", 2), ("My own deck", 1)]
