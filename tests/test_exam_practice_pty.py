"""The practice exam in a real pseudo-terminal (pyte shows what a person sees): answering, flagging and going
back, time running out, Ctrl-C and SIGKILL; scores checked by hand; the schedule untouched."""

import re
import signal
import sqlite3

from screen import BACKSPACE, DOWN, ENTER, ESC, Terminal

UP = "\x1b[A"

MINI_QUESTIONS = {"Main AWS service": "c1", "Which are paid": "m1", "Order the first": "o1", "Price of the": "t1"}


CTRL_F, CTRL_N, CTRL_Q = "\x06", "\x0e", "\x11"


def practice(db, *args, start: bool = True, **kwargs) -> Terminal:
    """The practice exam of the mini deck, past its start screen (Enter starts the clock)."""
    term = Terminal(db, "exam", "practice", "--deck", "mini", "--seed", "1", *args, columns=100, rows=40, **kwargs)
    if start:
        term.wait_for("Start the exam")
        term.send(ENTER)
    return term


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
    """The card id of the question on screen (once question `number` and its prompt are drawn)."""
    term.wait_for(rf"\[Question {number or '[0-9]+'}/\d+\]")
    screen = term.wait_for("time left")
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
    screen = term.wait_for(r"4\. \(answered\)")
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
    term.send(CTRL_F)  # flag the first question: it is asked again, marked
    assert "(flagged for review" in term.wait_for("flagged for review")
    term.send(CTRL_N)  # leave it for later
    for number in (2, 3, 4):
        card = current(term, number)
        answer(term, card, True)
    screen = term.wait_for(r"4\. \(answered\)")
    assert "3 of 4 answered, 1 unanswered, 1 flagged" in screen
    assert "1. (UNANSWERED, flagged)" in screen and "2. (answered)" in screen  # every question is listed
    term.send(DOWN, ENTER)  # going back is an explicit choice
    assert current(term, 1) == first
    answer(term, first, True)
    screen = term.wait_for(r"4\. \(answered\)")
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


def test_ctrl_c_asks_once_then_keeps_the_answers_and_marks_the_attempt_unfinished(mini_collection):
    before = schedule(mini_collection)
    term = practice(mini_collection, "--questions", "4", "--minutes", "30")
    answer(term, current(term, 1), True)
    second = current(term, 2)
    term.send("\x03")
    assert "End the attempt? It stays resumable" in term.wait_for("End the attempt")
    term.send(ENTER)  # the default is No: back to the same question
    assert current(term, 2) == second
    term.send(CTRL_Q)
    term.wait_for("End the attempt")
    term.send(DOWN, ENTER)
    assert term.finish() == 0
    assert "left unfinished (the answers given are kept" in re.sub(r"\s+", " ", term.transcript)
    assert rows(mini_collection, "SELECT status FROM practice_attempts") == [("unfinished",)]
    assert rows(mini_collection, "SELECT count(*) FROM reviews WHERE kind = 'exam'") == [(1,)]
    assert schedule(mini_collection) == before


def test_esc_asks_too_and_esc_at_the_question_means_no(mini_collection):
    term = practice(mini_collection, "--questions", "4", "--minutes", "30")
    first = current(term, 1)
    term.send(ESC)
    term.wait_for("End the attempt")
    term.send(ESC)  # Esc again: No
    assert current(term, 1) == first
    assert rows(mini_collection, "SELECT status FROM practice_attempts") == [("running",)]
    term.send(ESC)
    term.wait_for("End the attempt")
    term.send(CTRL_Q)  # a second quit key confirms
    assert term.finish() == 0
    assert rows(mini_collection, "SELECT status FROM practice_attempts") == [("unfinished",)]


def test_a_killed_attempt_resumes_with_its_questions_answers_flags_and_time(mini_collection):
    term = practice(mini_collection, "--questions", "4", "--minutes", "30")
    first = current(term, 1)
    answer(term, first, True)
    second = current(term, 2)
    term.send(CTRL_F)
    term.wait_for("flagged for review")
    term.child.kill(signal.SIGKILL)
    term.child.close()
    assert rows(mini_collection, "SELECT status FROM practice_attempts") == [("running",)]
    again = practice(mini_collection, "--resume", start=False)
    screen = again.wait_for(r"\[Question 2/4\]")  # the first unanswered question, still flagged
    assert "1 answered · 1 flagged" in screen and "(flagged for review" in screen
    assert current(again, 2) == second
    for number in (2, 3, 4):
        answer(again, current(again, number), True)
    again.wait_for(r"4\. \(answered\)")
    again.send(ENTER)
    again.wait_for("Score:")
    assert again.finish() == 0
    assert "Score: 1000 on 100-1000 (pass mark 750): PASS - 4 of 4 right" in re.sub(r"\s+", " ", again.transcript)
    assert rows(mini_collection, "SELECT count(*), status FROM practice_attempts") == [(1, "submitted")]


def test_the_next_practice_exam_offers_the_unfinished_one(mini_collection):
    term = practice(mini_collection, "--questions", "4", "--minutes", "30")
    answer(term, current(term, 1), True)
    current(term, 2)
    term.send(CTRL_Q)
    term.wait_for("End the attempt")
    term.send(DOWN, ENTER)
    assert term.finish() == 0
    again = practice(mini_collection, "--questions", "4", start=False)
    assert re.search(r"1 of 4 answered, 29m 5\ds left", again.wait_for("Resume it"))  # of 30 minutes
    again.send(DOWN, ENTER)  # a new one instead
    again.wait_for("Start the exam")
    again.send(ENTER)
    current(again, 1)
    assert rows(mini_collection, "SELECT status FROM practice_attempts ORDER BY id") == [("unfinished",),
                                                                                          ("running",)]
    again.send(CTRL_Q)
    again.wait_for("End the attempt")
    again.send(DOWN, ENTER)
    assert again.finish() == 0


def test_resume_without_an_unfinished_attempt_is_a_usage_error(mini_collection):
    term = practice(mini_collection, "--resume", start=False)
    assert term.finish() == 2
    assert "mini has no unfinished practice exam to resume" in term.transcript


TYPED = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ Learn quit flag next q f n"


def typed_changes_nothing(term: Terminal, db, number: int, prompt: str) -> None:
    """Type the alphabet and some words: the same question stays, nothing answered, flagged or left; then
    take the text back, one Backspace a character."""
    before = rows(db, "SELECT position, answer, flagged FROM practice_questions ORDER BY position")
    term.send(TYPED)
    screen = term.settle(0.5)
    assert re.search(rf"\[Question {number}/\d\]", screen) and prompt in screen, screen
    assert "End the attempt" not in screen and "●" not in screen  # no quit asked, nothing ticked
    assert rows(db, "SELECT position, answer, flagged FROM practice_questions ORDER BY position") == before
    term.send(BACKSPACE * len(TYPED))
    term.settle(0.5)


def test_typing_letters_and_words_at_every_prompt_never_acts(mini_collection):
    term = practice(mini_collection, "--questions", "4", "--minutes", "30")
    prompts = {card: prompt for prompt, card in MINI_QUESTIONS.items()}
    for number in (1, 2, 3, 4):
        card = current(term, number)
        typed_changes_nothing(term, mini_collection, number, prompts[card])
        if card == "o1":  # each pick of an order question is a prompt of its own, the second with Backspace back
            for item in ("Python", "Machine learning"):
                term.wait_for(r"Item \d of 3")
                typed_changes_nothing(term, mini_collection, number, prompts[card])
                pick(term, item)
                term.settle()
        else:
            answer(term, card, True)
    screen = term.wait_for(r"4\. \(answered\)")
    term.send(TYPED)
    screen = term.settle(0.5)
    assert "Review before submitting" in screen and "Score:" not in screen
    term.send(BACKSPACE * len(TYPED))
    term.settle(0.5)
    term.send(ENTER)
    term.wait_for("Score:")
    assert term.finish() == 0
    assert "Score: 1000 on 100-1000 (pass mark 750): PASS - 4 of 4 right" in re.sub(r"\s+", " ", term.transcript)
    assert rows(mini_collection, "SELECT count(*) FROM practice_questions WHERE flagged = 1") == [(0,)]


def test_matching_cards_are_questions_and_a_case_study_shows_above_its_question(cli, db_path):
    from pathlib import Path

    assert cli("import", Path(__file__).parent / "data" / "cases.toml").code == 0
    term = Terminal(db_path, "exam", "practice", "--deck", "cases", "--seed", "1", columns=100, rows=40)
    term.wait_for("Start the exam")
    term.send(ENTER)
    for number in (1, 2, 3):
        term.wait_for(rf"\[Question {number}/3\]")
        screen = term.wait_for("time left")
        if "Match each service" in screen:
            assert "1. Amazon Comprehend" in screen and "Case:" not in screen
            typed_changes_nothing(term, db_path, number, "Match each service")
            for right in ("finds entities in text", "labels images"):  # Polly takes the one left
                pick(term, right)
                term.settle()
        elif "How often" in screen:
            assert "Case: A shoe <shop> & its forecasts" in screen and "weekly sales forecast" in screen
            term.send("weekly", ENTER)
        else:
            assert "Case: A shoe <shop> & its forecasts" in screen
            pick(term, "Amazon Forecast")
    term.wait_for(r"3\. \(answered\)")
    term.send(ENTER)
    term.wait_for("Score:")
    assert term.finish() == 0
    assert "PASS - 3 of 3 right" in re.sub(r"\s+", " ", term.transcript)


START_SCREEN_TYPED = TYPED + " jk \x06\x0e\x1b[C\x1b[D\x1bx 123"  # letters, j/k, Ctrl-F/N, Right/Left, Alt-x, digits


def test_the_start_screen_moves_only_with_arrows_and_letters_never_start_the_exam(mini_collection):
    """The start screen is drawn without prompt_toolkit (terminal/keypad), so it shows at once: nothing typed on
    it starts the exam or leaves; Up/Down move the pointer (wrapping round) and Enter chooses."""
    term = practice(mini_collection, "--questions", "4", start=False)
    term.wait_for("Start the exam")
    term.send(START_SCREEN_TYPED)
    screen = term.settle(0.5)
    assert "» Start the exam" in screen and "Question 1" not in screen and "not started" not in screen, screen
    assert rows(mini_collection, "SELECT count(*) FROM practice_attempts") == [(0,)]
    term.send(DOWN)
    assert "» Not now" in term.settle()
    term.send(DOWN)  # round to the first again
    assert "» Start the exam" in term.settle()
    term.send(UP)
    assert "» Not now" in term.settle()
    term.send(UP, ENTER)
    current(term, 1)
    assert rows(mini_collection, "SELECT count(*), status FROM practice_attempts") == [(1, "running")]
    term.send(CTRL_Q)
    term.wait_for("End the attempt")
    term.send(DOWN, ENTER)
    assert term.finish() == 0


def test_not_now_esc_ctrl_c_and_ctrl_q_on_the_start_screen_leave_without_an_attempt(mini_collection):
    for keys in ((DOWN, ENTER), (ESC,), ("\x03",), (CTRL_Q,), ("\x04",)):
        term = practice(mini_collection, "--questions", "4", start=False)
        term.wait_for("Start the exam")
        term.send(*keys)
        assert term.finish() == 0, keys
        assert "Practice exam not started." in term.screen(), (keys, term.screen())
        assert "Traceback" not in term.transcript
    assert rows(mini_collection, "SELECT count(*) FROM practice_attempts") == [(0,)]
