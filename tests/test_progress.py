"""Progress bars on long work: on a terminal only, never with --quiet or a pipe, and Ctrl-C rolls back."""

import datetime
import os
import sqlite3
import subprocess
import sys

import pytest

from conftest import REPO, venv_bin
from screen import Terminal

sys.path.insert(0, str(REPO / "bench"))
from generate import add_history, write_deck  # noqa: E402

NOW = "2026-03-02 09:00"


@pytest.fixture
def big_deck(tmp_path):
    return write_deck(tmp_path / "big.toml", 4_000)


def piped(db, *args):
    env = {k: v for k, v in os.environ.items() if k != "MLSQUIZ_NOW"}
    return subprocess.run([venv_bin("mlsquiz"), "--db", str(db), "--now", NOW, *args], capture_output=True,
                          text=True, env=env, timeout=120)


def table_rows(db):
    conn = sqlite3.connect(db)
    try:
        return [conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in ("decks", "cards", "card_state", "card_counts")]
    finally:
        conn.close()


def test_import_on_a_terminal_shows_stages_and_the_same_summary(tmp_path, big_deck):
    summary = piped(tmp_path / "piped.db", "import", big_deck)
    created = f"mlsquiz: created a new collection at {tmp_path / 'piped.db'}\n"  # first use says so
    assert summary.returncode == 0 and summary.stderr == created  # piped: no bar at all
    terminal = Terminal(tmp_path / "tty.db", "import", str(big_deck), columns=200)
    seen = terminal.wait_for("bench-4000': 4000 added", timeout=60)
    assert terminal.finish() == 0
    for stage in ("reading cards", "checking cards", "saving cards"):  # each stage ends complete, on screen
        assert any(line.startswith(stage) and "100%" in line and "4000/4000" in line for line in seen.splitlines())
    assert summary.stdout.strip().replace("piped.db", "tty.db") in seen  # the final line is unchanged


def test_quiet_hides_the_bar_on_a_terminal(tmp_path, big_deck):
    terminal = Terminal(tmp_path / "tty.db", "import", str(big_deck), "--quiet")
    terminal.wait_for("4000 added", timeout=60)
    assert terminal.finish() == 0
    assert "reading cards" not in terminal.transcript and "saving" not in terminal.transcript


def test_small_work_shows_no_bar(tmp_path):
    terminal = Terminal(tmp_path / "tty.db", "import", str(REPO / "tests" / "data" / "mini.toml"))
    terminal.wait_for("5 added")
    assert terminal.finish() == 0
    assert "reading cards" not in terminal.transcript


def test_ctrl_c_during_an_import_leaves_the_collection_as_it_was(tmp_path):
    deck = write_deck(tmp_path / "huge.toml", 30_000)
    db = tmp_path / "c.db"
    assert piped(db, "decks").returncode == 0
    before = table_rows(db)
    terminal = Terminal(db, "import", str(deck))
    terminal.wait_for("reading cards|checking cards|saving cards", timeout=60)
    terminal.child.sendintr()
    screen = terminal.wait_for("interrupted", timeout=30)
    assert terminal.finish() == 130
    assert "Traceback" not in terminal.transcript and "mlsquiz: interrupted" in screen
    assert table_rows(db) == before


def test_ctrl_c_during_an_export_leaves_no_partial_file(tmp_path):
    deck = write_deck(tmp_path / "huge.toml", 30_000)
    db = tmp_path / "c.db"
    assert piped(db, "import", deck, "--quiet").returncode == 0
    out = tmp_path / "out"
    out.mkdir()
    terminal = Terminal(db, "export", "--deck", "bench-30000", "-o", str(out / "deck.apkg"))
    terminal.wait_for("building notes", timeout=60)
    terminal.child.sendintr()
    terminal.wait_for("interrupted", timeout=30)
    assert terminal.finish() == 130
    assert os.listdir(out) == []


def test_scheduler_switch_shows_the_replay_and_changes_nothing_when_interrupted(tmp_path):
    deck = write_deck(tmp_path / "deck.toml", 3_000)
    db = tmp_path / "c.db"
    assert piped(db, "import", deck).returncode == 0
    add_history(db, 30_000, datetime.date(2026, 3, 1))
    assert piped(db, "config", "scheduler", "sm2").returncode == 0  # states now equal the log's replay
    terminal = Terminal(db, "config", "scheduler", "fsrs", columns=100)
    terminal.wait_for(r"scheduler = fsrs \(\d+ card schedules recomputed\)", timeout=120)
    assert terminal.finish() == 0
    assert "replaying cards" in terminal.transcript
    piped_switch = piped(db, "config", "scheduler", "sm2")
    assert piped_switch.returncode == 0 and "replaying" not in piped_switch.stderr
