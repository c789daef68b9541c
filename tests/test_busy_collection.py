"""A quiz answering while another process holds the collection's write lock (a merge, an import): the answer is
kept, the learner is told, and it is saved once the lock frees; on quit, one line says what could not be saved."""

import sqlite3

import pexpect

from test_quiz_pty import answer, rows, spawn


def hold_write_lock(db) -> sqlite3.Connection:
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # as a merge holds it while it runs
    return holder


def test_an_answer_given_while_another_process_writes_is_saved_when_the_lock_frees(mini_collection):
    child = spawn(mini_collection)
    answer(child, "Recall the answer", ["\r"])
    child.expect("Grade")
    holder = hold_write_lock(mini_collection)
    try:
        child.send("5")
        # told only after a try waited its whole lock wait: the lock was held longer than a writer waits
        child.expect("The collection is busy")
        child.expect("Your answer is kept")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    child.expect("Choose one")  # saved once the lock freed: the next card
    child.sendcontrol("c")
    child.expect("Session done: 1 card reviewed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert rows(mini_collection, "SELECT c.card_id, r.grade, r.kind FROM reviews r JOIN cards c ON c.id = r.card"
                ) == [("b1", 5, "review")]


def test_quitting_while_the_collection_stays_busy_says_what_was_not_saved(mini_collection):
    child = spawn(mini_collection)
    answer(child, "Recall the answer", ["\r"])
    answer(child, "Grade", ["4"])
    answer(child, "Choose one", ["SageMaker", "\r"])
    child.expect("Grade")
    holder = hold_write_lock(mini_collection)
    try:
        child.send("\r")
        child.expect("The collection is busy")
        child.sendintr()
        child.expect(r"mlsquiz: the collection is still busy \(another program holds its write lock\): the answer "
                     r"to mini:c1 \(grade 4\) was not saved; every earlier answer is saved")
        child.expect(pexpect.EOF)
        child.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert child.exitstatus == 1
    assert rows(mini_collection, "SELECT c.card_id, r.grade FROM reviews r JOIN cards c ON c.id = r.card") == [
        ("b1", 4)]
    assert rows(mini_collection, "PRAGMA integrity_check") == [("ok",)]


def test_any_command_meeting_a_held_write_lock_says_the_collection_is_busy(mini_collection, cli, monkeypatch):
    from mlsquiz.store import connection

    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 50)
    holder = hold_write_lock(mini_collection)
    try:
        result = cli("config", "new_per_day", "7")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.code == 1
    assert "the collection is busy" in result.err and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1

