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


def test_the_bar_draws_what_clicks_progressbar_draws(monkeypatch):
    """terminal/progress.py draws its own line (importing click cost 3% of an import): character for character
    what click.progressbar drew, the time left and the rate included, on a clock moved by hand."""
    import io
    import random
    import time

    click = pytest.importorskip("click")
    from mlsquiz.terminal import progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    clock = [1000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    for trial in range(200):
        pick = random.Random(trial)
        length = pick.choice([0, 1, 5, 2_000, 10_000, 123_456])
        theirs, ours = (Tty(), Tty()) if trial % 10 else (io.StringIO(), io.StringIO())
        start, done = clock[0], [0]

        def rate(_item, done=done, start=start):
            return f"{done[0] / (clock[0] - start):,.0f}/s" if clock[0] > start and done[0] else ""

        bar = click.progressbar(length=length, label=f"{'saving cards':<18}", file=theirs, show_eta=True,
                                show_percent=True, show_pos=True, width=24, item_show_func=rate)
        bar.__enter__()
        bar.render_progress()
        line = progress._Line(ours, f"{'saving cards':<18}", length, rate)
        line.render()
        line.render()
        for _ in range(pick.randint(0, 30)):
            clock[0] += pick.choice([0, 0.05, 0.3, 1.2, 5_000, 90_000])
            steps = pick.choice([0, 1, 7, 500, length // 3 + 1])
            done[0] += steps
            bar.update(steps)
            line.update(steps)
        bar.update(length - bar.pos)
        line.update(length - line.pos)
        bar.__exit__(None, None, None)
        line.close()
        assert ours.getvalue() == theirs.getvalue()


def test_the_bar_imports_nothing_but_mlsquiz_s_own_output():
    code = ("import sys; from mlsquiz.terminal import progress; before = set(sys.modules); "
            "progress.QUIET = False; sys.stderr.isatty = lambda: True\n"
            "with progress.progress('importing', None) as bars:\n"
            "    bars.stage('reading cards', 10).advance(10)\n"
            "print(sorted(name for name in set(sys.modules) - before if not name.startswith('mlsquiz.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
