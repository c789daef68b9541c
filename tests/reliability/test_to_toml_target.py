"""`import X.apkg --to-toml PATH` follows `export -o`'s rules: never the collection, its files, links to them,
devices, FIFOs or folders; an existing file that is not a deck file only with --force; an empty name is a usage
error. Every target is made by the test inside tmp_path."""

import os
import sqlite3
import stat
import subprocess

import pytest
from anki_fixtures import (
    anki,  # noqa: F401  (a fixture)
    export,
)
from conftest import MINI_DECK, venv_bin


@pytest.fixture
def package(anki, tmp_path):  # noqa: F811
    """A one-deck Anki package made by Anki itself."""
    note = anki.new_note(anki.models.by_name("Basic"))
    note["Front"], note["Back"] = "el perro", "the dog"
    anki.add_note(note, anki.decks.id("Animals"))
    return export(anki, tmp_path / "animals.apkg", legacy=False)


@pytest.fixture
def collection(cli, db_path):
    assert cli("import", MINI_DECK).code == 0
    return db_path


def run(db, *args):
    """The installed program, as the learner runs it."""
    return subprocess.run([venv_bin("mlsquiz"), "--db", str(db), *map(str, args)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "MLSQUIZ_NOW": "2026-03-02 09:00"})


def refused(done, *words):
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


def cards_in(db) -> int:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return conn.execute("SELECT count(*) FROM cards").fetchone()[0]
    finally:
        conn.close()


def test_the_collection_its_files_and_links_to_them_are_never_written(collection, package, tmp_path):
    cards, before = cards_in(collection), collection.read_bytes()
    backup = tmp_path / "collection.db.schema4.bak"
    backup.write_bytes(before)
    (tmp_path / "sub").mkdir()
    os.link(collection, tmp_path / "hard-link.toml")
    os.symlink(collection, tmp_path / "alias.toml")
    targets = [collection, tmp_path / "collection.db-wal", tmp_path / "collection.db-shm", backup,
               tmp_path / "sub" / ".." / "collection.db", tmp_path / "hard-link.toml", tmp_path / "alias.toml"]
    for target in targets:
        for force in ([], ["--force"]):
            refused(run(collection, "import", package, "--to-toml", target, *force))
    assert collection.read_bytes() == before and cards_in(collection) == cards
    assert backup.read_bytes() == before and os.path.islink(tmp_path / "alias.toml")


def test_fifos_folders_and_devices_are_refused_even_with_force(collection, package, tmp_path):
    os.mkfifo(tmp_path / "pipe.toml")
    (tmp_path / "folder.toml").mkdir()
    cases = {"pipe.toml": "not a regular file", "folder.toml": "is a folder"}
    if os.geteuid() == 0:  # our own /dev/null, inside tmp_path
        os.mknod(tmp_path / "null.toml", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        cases["null.toml"] = "not a regular file"
    for name, words in cases.items():
        for force in ([], ["--force"]):
            refused(run(collection, "import", package, "--to-toml", tmp_path / name, *force), words)
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe.toml").st_mode) and (tmp_path / "folder.toml").is_dir()
    assert not any(p.name.endswith(".toml.part") for p in tmp_path.iterdir())


def test_a_file_that_is_not_a_deck_file_needs_force_and_a_deck_file_is_replaced(collection, package, tmp_path):
    notes = tmp_path / "notes.toml"
    notes.write_text("my notes, not a deck")
    refused(run(collection, "import", package, "--to-toml", notes), "not a deck file", "--force")
    assert notes.read_text() == "my notes, not a deck"
    done = run(collection, "import", package, "--to-toml", notes, "--force")
    assert done.returncode == 0, done.stderr
    assert "[deck]" in notes.read_text()
    again = run(collection, "import", package, "--to-toml", notes)  # now a deck file: replaced without --force
    assert again.returncode == 0, again.stderr


def test_an_empty_name_is_a_usage_error_and_imports_nothing(collection, package):
    cards = cards_in(collection)
    done = run(collection, "import", package, "--to-toml", "")
    refused(done, "--to-toml")
    assert done.returncode == 2 and cards_in(collection) == cards
