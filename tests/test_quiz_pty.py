"""End to end: the installed `mlsquiz` in a real pseudo-terminal, answered by keystrokes."""

import os
import signal
import sqlite3

import pexpect

from conftest import venv_bin

DOWN = "\x1b[B"


def spawn(db, *args):
    # PROMPT_TOOLKIT_NO_CPR: pexpect never answers cursor-position queries, and each unanswered one costs 1 s
    env = {**os.environ, "TZ": "UTC", "TERM": "xterm", "LANG": "C.UTF-8", "PROMPT_TOOLKIT_NO_CPR": "1"}
    env.pop("MLSQUIZ_NOW", None)  # the moment comes from --now, as a learner would pass it
    return pexpect.spawn(venv_bin("mlsquiz"), ["--db", str(db), "--now", "2026-03-02 09:00", "quiz", "--deck", "mini",
                                               *args], env=env, dimensions=(40, 120), encoding="utf-8", timeout=20)


def answer(child, expect, keys):
    child.expect(expect)
    for key in keys:
        child.send(key)


def rows(db, sql):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_every_card_type_by_keystrokes_then_quit(mini_collection):
    child = spawn(mini_collection)
    answer(child, "Recall the answer", ["\r"])
    answer(child, "Grade", ["5"])
    answer(child, "Choose one", ["SageMaker", "\r"])
    answer(child, "Right", [])
    answer(child, "Grade", ["\r"])  # default 4 after a right answer
    answer(child, "Select all that apply", ["Deep", " ", "\x7f" * 4, "Neural", " ", "\r"])
    answer(child, "Grade", ["\r"])
    answer(child, "Item 1 of 3", ["Python", "\r"])
    answer(child, "Item 2 of 3", ["Machine", "\r"])
    answer(child, "Grade", ["\r"])
    answer(child, "Your answer", ["40 usd\r"])
    answer(child, "Right", [])
    answer(child, "Grade", ["4"])
    child.expect(r"Session done: 5 cards reviewed in \dm \d\ds\.")
    child.expect(r"right on the first try +5 of 5 \(100%; graded 3 or better\)")
    child.expect(r"sent back to re-drill +0 cards")
    child.expect(r"due by tomorrow +5 cards")
    child.expect(r"next card due +tomorrow \(2026-03-03\)")
    child.expect(r"streak +1 study day")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert rows(mini_collection, "SELECT c.card_id, r.grade, r.kind FROM reviews r JOIN cards c ON c.id = r.card "
                                 "ORDER BY r.id") == [("b1", 5, "review"), ("c1", 4, "review"), ("m1", 4, "review"),
                                                      ("o1", 4, "review"), ("t1", 4, "review")]
    states = dict(rows(mini_collection, "SELECT c.card_id, s.due FROM card_state s JOIN cards c ON c.id = s.card "
                                        "WHERE c.deck = 'mini'"))
    assert set(states.values()) == {"2026-03-03"}


def test_wrong_answers_come_back_as_drills_and_undo_takes_one_back(mini_collection):
    child = spawn(mini_collection)
    answer(child, "Recall the answer", ["\r"])
    answer(child, "Grade", ["2"])  # b1 graded 2: re-drilled three cards later
    answer(child, "Choose one", ["Lambda", "\r"])
    answer(child, "Not quite", [])
    answer(child, "Grade", ["\r"])  # default 1 after a wrong answer
    answer(child, "Select all that apply", ["Deep", " ", "\r"])  # only one of the two paid books
    answer(child, "Grade", ["\r"])
    answer(child, "Item 1 of 3", ["AWS", "\r"])
    answer(child, "Item 2 of 3", ["Python", "\r"])
    answer(child, "Your order: AWS services → Python → Machine learning", [])
    answer(child, "Grade", ["\r"])
    answer(child, r"\[5/9\] 0 due · 1 new · 4 re-drill", [])
    answer(child, "re-drill: this card comes back", [])
    answer(child, "Recall the answer", ["\r"])
    answer(child, "Grade", ["5"])
    answer(child, "Choose one", ["SageMaker", "\r"])
    answer(child, "Grade", ["\r"])
    answer(child, "Select all that apply", ["Deep", " ", "\x7f" * 4, "Neural", " ", "\r"])
    answer(child, "Grade", ["u"])  # take back the c1 drill: it is shown again
    answer(child, "Undone", [])
    answer(child, "Choose one", ["SageMaker", "\r"])
    answer(child, "Grade", ["5"])
    answer(child, "Select all that apply", ["Deep", " ", "\x7f" * 4, "Neural", " ", "\r"])
    answer(child, "Grade", ["\r"])
    answer(child, "Item 1 of 3", ["Python", "\r"])
    answer(child, "Item 2 of 3", ["Machine", "\r"])
    answer(child, "Grade", ["\r"])
    answer(child, "Your answer", ["1,000\r"])
    answer(child, "Grade", ["\r"])
    answer(child, "Your answer", ["40 dollars\r"])
    answer(child, "Right", [])
    answer(child, "Grade", ["\r"])
    child.expect(r"Session done: 5 cards reviewed")
    child.expect(r"right on the first try +0 of 5 \(0%; graded 3 or better\)")
    child.expect(r"sent back to re-drill +5 cards")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert rows(mini_collection, "SELECT c.card_id, r.grade, r.kind FROM reviews r JOIN cards c ON c.id = r.card "
                                 "ORDER BY r.id") == [
        ("b1", 2, "review"), ("c1", 1, "review"), ("m1", 1, "review"), ("o1", 1, "review"), ("b1", 5, "drill"),
        ("c1", 5, "drill"), ("m1", 4, "drill"), ("o1", 4, "drill"), ("t1", 1, "review"), ("t1", 4, "drill")]
    # the drills left every schedule as the first (failed) answer set it
    assert rows(mini_collection, "SELECT count(*) FROM card_state s JOIN reviews r ON r.card = s.card "
                                 "WHERE r.kind = 'review' AND s.repetitions = r.repetitions_after AND "
                                 "s.ease = r.ease_after AND s.interval = r.interval_after AND s.due = r.due_after "
                                 "AND s.repetitions = 0 AND s.due = '2026-03-03' AND s.lapses = 1") == [(5,)]


def test_quit_from_the_grade_prompt_prints_the_summary(mini_collection):
    child = spawn(mini_collection)
    answer(child, "Recall the answer", ["\r"])
    answer(child, "Grade", ["q"])
    child.expect("Session done: 0 cards reviewed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_sigkill_mid_session_keeps_every_saved_answer(mini_collection):
    child = spawn(mini_collection)
    answer(child, "Recall the answer", ["\r"])
    answer(child, "Grade", ["4"])
    answer(child, "Choose one", ["SageMaker", "\r"])
    answer(child, "Grade", ["\r"])
    child.expect("Select all that apply")  # two answers are saved: the third card is on screen
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert rows(mini_collection, "PRAGMA integrity_check") == [("ok",)]
    assert rows(mini_collection, "SELECT c.card_id, r.grade, r.kind, r.due_after FROM reviews r "
                                 "JOIN cards c ON c.id = r.card ORDER BY r.id") == [
        ("b1", 4, "review", "2026-03-03"), ("c1", 4, "review", "2026-03-03")]
    assert rows(mini_collection, "SELECT c.card_id, s.repetitions, s.due FROM card_state s JOIN cards c "
                                 "ON c.id = s.card WHERE s.last_review IS NOT NULL ORDER BY c.card_id") == [
        ("b1", 1, "2026-03-03"), ("c1", 1, "2026-03-03")]
    again = spawn(mini_collection)  # the next session starts normally, with the card that was on screen
    again.expect("Which are paid")
    again.expect("Select all that apply")
    again.sendcontrol("c")
    again.expect("Session done")
    again.expect(pexpect.EOF)


def test_nothing_to_do_says_when_the_next_card_is_due(mini_collection):
    child = spawn(mini_collection, "--new", "0")
    child.expect(r"Nothing to study today, and no card is scheduled\. Today's new cards are done")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
