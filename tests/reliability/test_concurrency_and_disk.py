"""Two writers at once, and a disk that is full or read-only: no lost answer, no half-written change."""

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading

import pexpect

from conftest import MINI_DECK, venv_bin
from mlsquiz.scheduling import sm2
from mlsquiz.store.bundled import open_synced as open_collection
from mlsquiz.store.decks import card_rows
from mlsquiz.store.study import record_answer

import datetime

DAY = datetime.date(2026, 3, 2)


def test_two_writers_on_one_card_apply_every_answer_to_the_current_state(mini_collection):
    collection = open_collection(mini_collection)
    card = next(r["id"] for r in card_rows(collection, "mini") if r["card_id"] == "b1")
    collection.close()
    errors = []

    def answer_many(count):
        own = open_collection(mini_collection, sync=False)  # its own connection, like a second terminal
        try:
            for n in range(count):
                record_answer(own, card, 5, "review", f"2026-03-02T09:00:{n:02d}.000+00:00", DAY, 100,
                              lambda state: sm2.review(state, 5, DAY))
        except Exception as err:  # noqa: BLE001 - the test reports any failure, "database is locked" included
            errors.append(err)
        finally:
            own.close()

    threads = [threading.Thread(target=answer_many, args=(25,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    conn = sqlite3.connect(mini_collection)
    assert conn.execute("SELECT count(*) FROM reviews WHERE card = ?", (card,)).fetchone()[0] == 50
    assert conn.execute("SELECT repetitions FROM card_state WHERE card = ?", (card,)).fetchone()[0] == 50
    # Both writers stamp their answers 09:00:00, 09:00:01, ...: each answer comes after the previous one in the
    # replay order (time, then uid), and the log says it saw the state that one left.
    befores = [r[0] for r in conn.execute(
        "SELECT repetitions_before FROM reviews WHERE card = ? ORDER BY reviewed_at, uid", (card,))]
    assert befores == list(range(50))


def spawn_quiz(db):
    # prompt_toolkit asks the terminal for the cursor position and waits a second; pexpect never answers.
    env = {**os.environ, "MLSQUIZ_NOW": "2026-03-02 09:00", "TZ": "UTC", "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    return pexpect.spawn(venv_bin("mlsquiz"), ["--db", str(db), "quiz", "--deck", "mini"], env=env,
                         dimensions=(40, 120), encoding="utf-8", timeout=20)


def test_two_terminals_and_a_stats_and_export_meanwhile(mini_collection, tmp_path):
    first, second = spawn_quiz(mini_collection), spawn_quiz(mini_collection)
    for child in (first, second):
        child.expect("Recall the answer")
        child.send("\r")
        child.expect("Grade")
    for child in (first, second):  # both grade the same card, one after the other (a grade is one key)
        child.send("5")
        child.expect("Choose one")
    env = {**os.environ, "MLSQUIZ_NOW": "2026-03-02 09:30", "TZ": "UTC"}
    for command in (["stats", "--deck", "mini"], ["export", "--deck", "mini", "-o", str(tmp_path / "m.apkg")]):
        done = subprocess.run([venv_bin("mlsquiz"), "--db", str(mini_collection), *command], env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    for child in (first, second):
        child.sendcontrol("c")
        child.expect("Session done")
        child.expect(pexpect.EOF)
    conn = sqlite3.connect(mini_collection)
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 2
    row = conn.execute("SELECT s.repetitions, s.interval FROM card_state s JOIN cards c ON c.id = s.card "
                       "WHERE c.card_id = 'b1'").fetchone()
    assert row == (2, 6)  # the second answer built on the first: nothing lost, nothing applied twice


def test_sigkill_after_k_answers_keeps_exactly_k(mini_collection):
    for k in (1, 3):
        db = mini_collection.with_name(f"kill-{k}.db")
        shutil.copy(mini_collection, db)
        child = spawn_quiz(db)
        keys = [("Recall the answer", "\r"), ("Grade", "4"), ("Choose one", "SageMaker\r"), ("Grade", "\r"),
                ("Select all", "Deep \x7f\x7f\x7f\x7fNeural \r"), ("Grade", "4")]
        answered = 0
        for expect, send in keys:
            child.expect(expect)
            if expect == "Grade":
                conn = sqlite3.connect(db)  # durable before the next card: visible to another process now
                assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == answered
                conn.close()
            child.send(send)
            if expect == "Grade":
                answered += 1
                if answered == k:
                    break
        child.expect(["Choose one", "Select all", "Item 1"])
        os.kill(child.pid, signal.SIGKILL)
        child.expect(pexpect.EOF)
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == k
        assert conn.execute("SELECT count(*) FROM card_state WHERE last_review IS NOT NULL").fetchone()[0] == k
        conn.close()


def dump(db):
    conn = sqlite3.connect(db)
    try:
        return [conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in ("decks", "cards", "card_state",
                                                                                   "reviews")]
    finally:
        conn.close()


def limited_writes(limit_bytes):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    return apply


def test_full_disk_is_a_clear_error_and_nothing_half_written(cli, mini_collection, tmp_path):
    big = tmp_path / "big.toml"
    sys.path.insert(0, str(MINI_DECK.parents[2] / "bench"))
    from generate import write_deck

    write_deck(big, 2000, deck_id="big")
    before = dump(mini_collection)
    limit = max(os.path.getsize(mini_collection), 64 * 1024) + 32 * 1024
    done = subprocess.run([venv_bin("mlsquiz"), "--db", str(mini_collection), "import", str(big)],
                          capture_output=True, text=True, preexec_fn=limited_writes(limit), timeout=60)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    conn = sqlite3.connect(mini_collection)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    assert dump(mini_collection) == before


def make_read_only(folder, db) -> list:
    """Read-only as this user can make it: permissions, or for root (whom permissions don't stop) the
    immutable attribute. Returns the commands that undo it."""
    if os.geteuid() != 0:
        os.chmod(db, 0o444)
        os.chmod(folder, 0o555)
        return [lambda: os.chmod(folder, 0o755), lambda: os.chmod(db, 0o644)]
    try:
        subprocess.run(["chattr", "+i", str(db), str(folder)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return []  # no immutable attribute here: the caller falls back to refusing every write
    return [lambda: subprocess.run(["chattr", "-i", str(folder), str(db)], check=True)]


def test_read_only_collection_is_a_clear_error(cli, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "collection.db"
    assert cli("--db", db, "import", MINI_DECK).code == 0
    before = dump(db)
    undo = make_read_only(folder, db)
    # Without permissions or chattr to lean on (root on a filesystem without it), no byte may be written at all.
    no_writes = {} if undo else {"preexec_fn": limited_writes(0)}
    try:
        runs = [subprocess.run([venv_bin("mlsquiz"), "--db", str(db), *command], capture_output=True, text=True,
                               timeout=60, **no_writes)
                for command in (["config", "new_per_day", "5"], ["import", str(MINI_DECK)])]
    finally:
        for step in undo:
            step()
    for done in runs:
        assert done.returncode != 0
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "read" in done.stderr.lower() or str(db) in done.stderr or "written" in done.stderr
    assert dump(db) == before
