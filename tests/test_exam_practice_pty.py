"""The practice exam in a real pseudo-terminal (pyte shows what a person sees): answering, flagging and going
back, time running out, Ctrl-C and SIGKILL; scores checked by hand; the schedule untouched."""

import re
import signal
import sqlite3

from screen import DOWN, ENTER, Terminal

UP = "\x1b[A"

MINI_QUESTIONS = {"Main AWS service": "c1", "Which are paid": "m1", "Order the first": "o1", "Price of the": "t1"}


def practice(db, *args, **kwargs) -> Terminal:
    return Terminal(db, "exam", "practice", "--deck", "mini", "--seed", "1", *args, columns=100, rows=40, **kwargs)


def rows(db, sql, *params):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def schedule(db):
    return rows(db, "SELECT card, repetitions, ease, interval, due, lapses, last_review, stability FROM card_state "
                    "ORDER BY card")


def current(term: Terminal, number: int | None = None) -> str:
    """The card id of the question on screen (once question `number` is drawn)."""
    screen = term.wait_for(rf"\[Question {number or '[0-9]+'}/\d+\]")
    return next(card for prompt, card in MINI_QUESTIONS.items() if prompt in screen)


def pick(term: Terminal, option: str, tick: bool = False) -> None:
    """Move the pointer to `option` (lines below the prompt, pointer on the first) and choose or tick it."""
    screen = term.settle()
    lines = screen.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("? "))
    options = [line for line in lines[start + 1:] if line.strip() and "time left" not in line]
    pointer = next(n for n, line in enumerate(options) if "»" in line)
    target = next(n for n, line in enumerate(options) if option in line)
    moves = [DOWN] * (target - pointer) if target >= pointer else [UP] * (pointer - target)
    term.send(*moves, " " if tick else ENTER)


def answer(term: Terminal, card: str, right: bool) -> None:
    if card == "c1":
        pick(term, "SageMaker" if right else "Lambda")
    elif card == "m1":
        for option in (["Deep Learning", "Neural Networks"] if right else ["Kaggle"]):
            pick(term, option, tick=True)
        term.send(ENTER)
    elif card == "o1":
        for item in (["Python", "Machine learning"] if right else ["AWS services", "Python"]):
            term.wait_for(r"Item \d of 3")
            pick(term, item)
            term.settle()
    else:
        term.wait_for("Your answer")
        term.send("40 USD" if right else "50", ENTER)


def test_a_submitted_exam_is_scored_by_hand_and_leaves_the_schedule_alone(mini_collection):
    before = schedule(mini_collection)
    term = practice(mini_collection, "--questions", "4", "--minutes", "30")
    plan = {"c1": True, "m1": False, "o1": True, "t1": True}
    for number in (1, 2, 3, 4):
        card = current(term, number)
        answer(term, card, plan[card])
    screen = term.wait_for("Review before submitting")
    assert "4 of 4 answered, 0 unanswered, 0 flagged" in screen
    term.send(ENTER)
    term.wait_for("Send the 1 missed card to tomorrow's quiz")
    term.send("n")
    assert term.finish() == 0
    text = re.sub(r"\s+", " ", term.transcript)
    # 3 of 4 right: 100 + 900 * 3/4 = 775 >= 750; section one 1/1 = 1000, section two 2/3 = 700
    assert "Score: 775 on 100-1000 (pass mark 750): PASS - 3 of 4 right, 4 answered" in text
    assert re.search(r"Part one\s+1\s+1\s+1000", term.transcript)
    assert re.search(r"Part two\s+3\s+2\s+700", term.transcript)
    assert "right answer: Deep Learning with Python; Neural Networks from Scratch" in text
    assert schedule(mini_collection) == before
    assert rows(mini_collection, "SELECT kind, count(*), sum(grade = 4) FROM reviews GROUP BY kind") == [("exam", 4, 3)]
    assert rows(mini_collection, "SELECT status, right, scaled, passed FROM practice_attempts") == [
        ("submitted", 3, 775, 1)]
    # practice answers count as answers of the day, never as scheduled reviews
    assert rows(mini_collection, "SELECT sum(reviews), sum(scheduled), sum(passed) FROM section_days") == [(4, 0, 0)]
    assert rows(mini_collection, "SELECT reviews FROM study_days") == [(4,)]


def test_flag_then_go_back_from_the_review_screen(mini_collection):
    term = practice(mini_collection, "--questions", "4", "--minutes", "30")
    first = current(term, 1)
    term.send("f")  # flag the first question: it is asked again, marked
    assert "(flagged for review" in term.wait_for("flagged for review")
    term.send("n")  # leave it for later
    for number in (2, 3, 4):
        card = current(term, number)
        answer(term, card, True)
    screen = term.wait_for("Review before submitting")
    assert "3 of 4 answered, 1 unanswered, 1 flagged" in screen
    assert "(unanswered and flagged)" in screen
    term.send(DOWN, ENTER)  # going back is an explicit choice
    assert current(term, 1) == first
    answer(term, first, True)
    screen = term.wait_for("Review before submitting")
    assert "4 of 4 answered, 0 unanswered, 1 flagged" in screen
    term.send(ENTER)
    term.wait_for("Score:")
    assert term.finish() == 0
    assert "Score: 1000 on 100-1000 (pass mark 750): PASS - 4 of 4 right" in re.sub(r"\s+", " ", term.transcript)
    assert rows(mini_collection, "SELECT count(*) FROM practice_questions WHERE flagged = 1") == [(1,)]


def test_time_running_out_submits_the_attempt_as_it_stands(mini_collection):
    term = practice(mini_collection, "--questions", "4", "--minutes", "0.05")  # 3 seconds
    card = current(term, 1)
    answer(term, card, True)
    term.wait_for("Send the 3 missed cards to tomorrow's quiz", timeout=15)
    term.send("y")
    assert term.finish() == 0
    text = re.sub(r"\s+", " ", term.transcript)
    assert "time ran out: submitted as it stood" in text
    assert "Score: 325 on 100-1000 (pass mark 750): FAIL - 1 of 4 right, 1 answered" in text  # 100 + 900/4
    assert rows(mini_collection, "SELECT status, right FROM practice_attempts") == [("timed_out", 1)]
    assert rows(mini_collection, "SELECT count(*), min(day) FROM practice_requeue") == [(3, "2026-03-03")]


def test_ctrl_c_keeps_the_answers_and_marks_the_attempt_unfinished(mini_collection):
    before = schedule(mini_collection)
    term = practice(mini_collection, "--questions", "4", "--minutes", "30")
    answer(term, current(term, 1), True)
    current(term, 2)
    term.send("\x03")
    assert term.finish() == 0
    assert "left unfinished (the answers given are kept)" in re.sub(r"\s+", " ", term.transcript)
    assert rows(mini_collection, "SELECT status FROM practice_attempts") == [("unfinished",)]
    assert rows(mini_collection, "SELECT count(*) FROM reviews WHERE kind = 'exam'") == [(1,)]
    assert schedule(mini_collection) == before


def test_a_killed_attempt_is_seen_as_unfinished_next_time(mini_collection):
    term = practice(mini_collection, "--questions", "4", "--minutes", "30")
    answer(term, current(term, 1), True)
    current(term, 2)
    term.child.kill(signal.SIGKILL)
    term.child.close()
    assert rows(mini_collection, "SELECT status FROM practice_attempts") == [("running",)]
    again = practice(mini_collection, "--questions", "4", "--minutes", "30")
    again.wait_for(r"\[Question 1/4\]")
    again.send("q")
    assert again.finish() == 0
    assert "was not finished; its 1 answers are kept" in re.sub(r"\s+", " ", again.transcript)
    assert rows(mini_collection, "SELECT status FROM practice_attempts ORDER BY id") == [("unfinished",),
                                                                                          ("unfinished",)]
