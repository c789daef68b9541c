"""A way back from any bulk change: a backup before each, `mlsquiz backups` to list them, `mlsquiz restore ID`."""

import os
import sqlite3
import subprocess

import pytest

from conftest import MINI_DECK, venv_bin
from history import History
from test_optimize import learner_collection  # noqa: F401 (a fixture: a learner's 500 cards of history)


def rows(db, sql):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def review_log(db):
    return rows(db, "SELECT uid, card, reviewed_at, study_day, grade, kind, answer_ms FROM reviews ORDER BY id")


def decks(db):
    return [deck for (deck,) in rows(db, "SELECT id FROM decks ORDER BY id")]


def changes(cli) -> list[str]:
    import json

    return [backup["change"] for backup in json.loads(cli("backups", "--json").out)["backups"]]


@pytest.fixture
def studied(mini_collection):
    """The mini deck with a few answers in its review log."""
    history = History(mini_collection)
    history.answer("b1", 4, "2026-02-20 10:00")
    history.answer("c1", 2, "2026-02-20 10:01")
    history.answer("b1", 5, "2026-02-25 10:00")
    history.close()
    return mini_collection


def other_deck(tmp_path):
    path = tmp_path / "other.toml"
    path.write_text(MINI_DECK.read_text(encoding="utf-8").replace('id = "mini"', 'id = "other"', 1), encoding="utf-8")
    return path


def test_restore_undoes_an_import_end_to_end(cli, studied, tmp_path):
    log_before, decks_before = review_log(studied), decks(studied)
    assert cli("import", other_deck(tmp_path)).code == 0
    assert "other" in decks(studied)
    listing = cli("backups")
    assert listing.code == 0 and "import other.toml" in listing.out and f"{studied}.backups" in listing.out
    number = len(changes(cli))  # the newest: the one taken before this import
    done = cli("restore", str(number), "--yes")
    assert done.code == 0 and "integrity check passed" in done.out, done
    assert decks(studied) == decks_before and "other" not in decks(studied)
    assert review_log(studied) == log_before
    assert cli("doctor").code == 0


def test_each_kind_of_bulk_change_keeps_a_backup(cli, studied, tmp_path):
    package = tmp_path / "mini.apkg"
    assert cli("export", "--deck", "mini", "-o", package).code == 0
    other = tmp_path / "other.db"
    assert cli("--db", other, "import", other_deck(tmp_path)).code == 0
    steps = [
        (("import", MINI_DECK.with_name("missing.toml")), None),  # refused before anything: no backup
        (("import", other_deck(tmp_path)), "import other.toml"),
        (("import", package), "import mini.apkg"),
        (("import", other), "merge of other.db"),
        (("import", "--bundled"), "import --bundled"),
        (("forget", "mini:b1"), None),  # one card by id: not a bulk change
        (("forget", "mini:b1", "mini:c1", "--yes"), "forget 2 cards"),
        (("forget", "--section", "one", "--deck", "mini", "--yes"), "forget"),
        (("config", "new_per_day", "12"), None),
        (("config", "scheduler", "fsrs"), "config scheduler fsrs"),
        (("config", "rollover_hour", "3"), "config rollover_hour 3"),
    ]
    for command, change in steps:
        before = changes(cli)
        assert cli(*command).code == (0 if change or command[0] != "import" else 1), command
        after = changes(cli)
        if change is None:
            assert after == before, command
        else:
            assert after[:-1] == before and after[-1].startswith(change), (command, after)
    folder = f"{studied}.backups"
    assert all(os.stat(os.path.join(folder, name)).st_mode & 0o077 == 0 for name in os.listdir(folder))
    assert os.stat(folder).st_mode & 0o077 == 0


@pytest.mark.usefixtures("learner_collection")
def test_optimize_keeps_a_backup_before_saving_parameters(cli):
    before = changes(cli)
    result = cli("optimize")
    assert result.code == 0 and "FSRS parameters fitted" in result.out, result
    assert changes(cli) == [*before, "optimize"]


def test_only_the_newest_backups_kept_are_kept(cli, mini_collection):
    assert cli("config", "backups_kept", "3").code == 0
    for hour in (1, 2, 3, 4, 5):
        assert cli("config", "rollover_hour", str(hour)).code == 0
    assert changes(cli) == [f"config rollover_hour {hour}" for hour in (3, 4, 5)]
    assert len(os.listdir(f"{mini_collection}.backups")) == 3
    assert "between 1 and 1000" in cli("config", "backups_kept", "0").err


def test_restore_refuses_without_a_terminal_unless_yes(studied, tmp_path):
    assert cli_run(studied, "config", "rollover_hour", "3").returncode == 0
    done = cli_run(studied, "restore", "2")  # 1 is the one before the mini deck's import
    assert done.returncode == 2 and "add --yes" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert rows(studied, "SELECT value FROM config WHERE key = 'rollover_hour'") == [("3",)]
    assert cli_run(studied, "restore", "2", "--yes").returncode == 0
    assert rows(studied, "SELECT value FROM config WHERE key = 'rollover_hour'") == []


def cli_run(db, *args):
    return subprocess.run([venv_bin("mlsquiz"), "--db", str(db), *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60, check=False)


def test_restore_asks_on_a_terminal(studied):
    from screen import Terminal

    assert cli_run(studied, "config", "rollover_hour", "3").returncode == 0
    term = Terminal(studied, "restore", "2", columns=250)
    term.wait_for(r"\[y/N\]")
    term.send("n\r")
    assert "Nothing changed" in term.settle() and term.finish() == 1
    assert rows(studied, "SELECT value FROM config WHERE key = 'rollover_hour'") == [("3",)]
    term = Terminal(studied, "restore", "2", columns=250)
    term.wait_for(r"\[y/N\]")
    term.send("y\r")
    assert "restored backup 2" in term.settle() and term.finish() == 0
    assert rows(studied, "SELECT value FROM config WHERE key = 'rollover_hour'") == []


def test_a_restore_is_itself_reversible(cli, studied, tmp_path):
    assert cli("import", other_deck(tmp_path)).code == 0
    with_other = review_log(studied), decks(studied)
    done = cli("restore", "2", "--yes")  # the one before the import of other.toml
    assert done.code == 0 and "The state before the restore is backup 3" in done.out
    assert "other" not in decks(studied)
    assert changes(cli)[-1] == "restore of backup 2"
    assert cli("restore", "3", "--yes").code == 0
    assert (review_log(studied), decks(studied)) == with_other


@pytest.mark.parametrize("damage", ["truncated", "random bytes", "empty", "another database"])
def test_a_damaged_backup_is_refused_in_one_line_and_nothing_changes(cli, studied, tmp_path, damage):
    assert cli("import", other_deck(tmp_path)).code == 0
    backup = max((tmp_path / "collection.db.backups").iterdir())  # the one before other.toml
    raw = backup.read_bytes()
    if damage == "truncated":
        backup.write_bytes(raw[: len(raw) // 3])
    elif damage == "random bytes":
        backup.write_bytes(os.urandom(len(raw)))
    elif damage == "empty":
        backup.write_bytes(b"")
    else:
        backup.unlink()
        sqlite3.connect(backup).execute("CREATE TABLE t (x)").connection.close()
    state = review_log(studied), decks(studied), sorted(p.name for p in tmp_path.iterdir())
    kept = sorted(p.name for p in backup.parent.iterdir())
    result = cli("restore", "2", "--yes")
    assert result.code != 0 and len(result.err.strip().splitlines()) == 1, result.err
    assert "Traceback" not in result.err and backup.name in result.err
    assert (review_log(studied), decks(studied), sorted(p.name for p in tmp_path.iterdir())) == state
    assert sorted(p.name for p in backup.parent.iterdir()) == kept


def test_an_unknown_backup_id_is_one_line(cli, mini_collection):
    for wanted in ("7", "x", "-1"):
        result = cli("restore", wanted, "--yes")
        assert result.code != 0 and len(result.err.strip().splitlines()) == 1 and "mlsquiz backups" in result.err


def test_restore_brings_back_a_deleted_collection(cli, studied, tmp_path):
    log = review_log(studied)
    assert cli("config", "rollover_hour", "3").code == 0
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{studied}{suffix}"):
            os.remove(f"{studied}{suffix}")
    assert cli("restore", "2", "--yes").code == 0
    assert review_log(studied) == log and cli("doctor").code == 0


def test_backups_lists_nothing_without_creating_a_collection(cli, db_path):
    result = cli("backups")
    assert result.code == 0 and "No backups yet" in result.out and f"{db_path}.backups" in result.out
    assert not db_path.exists()


def test_first_use_says_where_it_created_the_collection(cli, tmp_path):
    typo = tmp_path / "colection.db"
    first = cli("--db", typo, "decks")
    assert first.err == f"mlsquiz: created a new collection at {typo}\n"
    assert cli("--db", typo, "decks").err == ""
