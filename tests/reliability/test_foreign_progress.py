"""Another learner's `export --with-progress` package holds the same notes as yours (the bundled and shared
decks' GUIDs are everyone's): their answers come into your history only with --with-progress, or when the
package is this collection's own export. Answers dated later than now are refused and counted."""

import shutil
import sqlite3
import zipfile

from anki_fixtures import (
    anki,  # noqa: F401  (a fixture)
    answer,
    export,
    last_log_id,
    retime_answers,
)
from conftest import MINI_DECK
from history import History


def review_count(db) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    finally:
        conn.close()


def studied_and_exported(cli, db, package, cards, when="2026-03-01"):
    assert cli("--db", db, "import", MINI_DECK).code == 0
    history = History(db)
    for minute, card in enumerate(cards):
        history.answer(card, 4, f"{when} 09:{minute:02d}")
    history.close()
    result = cli("--db", db, "export", "--deck", "mini", "--with-progress", "-o", package)
    assert result.code == 0, result.err
    return package


def test_a_friends_progress_stays_out_of_your_history_without_with_progress(cli, db_path, tmp_path):
    friend = studied_and_exported(cli, tmp_path / "friend.db", tmp_path / "friend.apkg", ["b1", "c1", "t1"])
    assert cli("import", MINI_DECK).code == 0
    result = cli("import", friend)
    assert result.code == 0, result.err
    assert "0 reviews merged" in result.out and "3 reviews not exported by this collection" in result.out
    assert "--with-progress" in result.out and review_count(db_path) == 0
    chosen = cli("import", friend, "--with-progress")
    assert chosen.code == 0 and "3 reviews merged" in chosen.out, chosen.out
    assert review_count(db_path) == 3


def test_this_collections_own_export_brings_its_reviews_home(cli, db_path, tmp_path):
    studied_and_exported(cli, db_path, tmp_path / "first.apkg", ["b1"])  # gives the collection its identity
    laptop = tmp_path / "laptop.db"
    shutil.copyfile(db_path, laptop)  # the same collection, on another machine
    History(db_path).answer("c1", 5, "2026-03-01 10:00")
    package = tmp_path / "second.apkg"
    assert cli("export", "--deck", "mini", "--with-progress", "-o", package).code == 0
    result = cli("--db", laptop, "import", package)
    assert result.code == 0 and "1 reviews merged" in result.out, result.out
    assert review_count(laptop) == 2


def dated_2099(package, target):
    """The package with its log rows moved to 2099 (Anki itself refuses to export answers from the future)."""
    with zipfile.ZipFile(package) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    collection = target.with_suffix(".anki21")
    collection.write_bytes(members["collection.anki21"])
    conn = sqlite3.connect(collection)
    conn.execute("UPDATE revlog SET id = id + (4070908800000 - 1772323200000)")  # 2026-03-01 -> 2099-01-01
    conn.commit()
    conn.close()
    members["collection.anki21"] = collection.read_bytes()
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target


def test_answers_dated_after_now_are_refused_and_counted(cli, db_path, anki):  # noqa: F811
    note = anki.new_note(anki.models.by_name("Basic"))
    note["Front"], note["Back"] = "el perro", "the dog"
    anki.add_note(note, anki.decks.id("Animals"))
    before = last_log_id(anki)
    answer(anki, "Animals", ["GOOD", "GOOD"])
    retime_answers(anki, before, "2026-03-01 10:00")
    package = dated_2099(export(anki, db_path.parent / "anki.apkg", legacy=True), db_path.parent / "future.apkg")
    result = cli("--now", "2026-03-02 09:00", "import", package, "--with-progress")
    assert result.code == 0, result.err
    assert "0 reviews merged" in result.out and "2 log rows later than now" in result.out, result.out
    assert review_count(db_path) == 0
