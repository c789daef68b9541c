"""What a learner sees: the real `mlsquiz quiz` in a pty, read through the pyte terminal emulator."""

import sqlite3

import pytest

from screen import BACKSPACE, ENTER, Terminal
from mlsquiz.study.quiz import order_mistake, multi_mistakes, wrapped

# Every answer and explanation of the mini deck: none may be on screen while a later question is asked.
MINI_ANSWERS = {
    "b1": ["Reading code builds intuition", "Code lets you experiment"],
    "c1": ["Answer: SageMaker", "developer guide"],
    "m1": ["Answer: Deep Learning", "marked with a dollar sign"],
    "o1": ["Answer: Python", "Concepts before the cloud"],
    "t1": ["Answer: 40", "practice exams are scarce"],
}


def reviews(db):
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT c.card_id, r.grade FROM reviews r JOIN cards c ON c.id = r.card "
                            "ORDER BY r.id").fetchall()
    finally:
        conn.close()


def quiz(db, *args, columns=80, rows=30):
    return Terminal(db, "quiz", "--deck", "mini", *args, columns=columns, rows=rows)


def answer(term, prompt: str, keys: list[str], grade: str) -> None:
    """Wait for a card's prompt, answer it with `keys`, then grade it with one key."""
    term.wait_for(prompt)
    term.send(*keys)
    term.wait_for(r"\? Grade")
    term.send(grade)


def flat(screen: str) -> str:
    """The screen's words on one line: text that wraps still reads as one phrase."""
    return " ".join(screen.split())


def test_each_question_is_asked_on_a_clean_screen(mini_collection):
    term = quiz(mini_collection)
    shown = []
    steps = [("Recall the answer", [ENTER], "b1"), ("Choose one", ["SageMaker", ENTER], "c1"),
             ("Select all that apply", ["Deep", " ", ENTER], "m1"),
             ("Item 1 of 3", ["Python", ENTER, "Machine", ENTER], "o1"), ("Your answer", ["40" + ENTER], "t1")]
    for prompt, keys, card in steps:
        screen = term.wait_for(prompt)
        for earlier in shown:
            for text in MINI_ANSWERS[earlier]:
                assert text not in screen, f"{earlier}'s answer is still on screen: {text!r}"
        term.send(*keys)
        term.wait_for(r"\? Grade")
        term.send("4")
        shown.append(card)
    screen = term.wait_for(r"streak +1 study day")
    assert "Session done: 5 cards reviewed in" in screen  # the summary ends on screen
    assert term.finish() == 0


def test_scroll_keeps_the_previous_card_in_view(mini_collection):
    term = quiz(mini_collection, "--scroll")
    term.wait_for("Recall the answer")
    term.send(ENTER)
    term.wait_for(r"\? Grade")
    term.send("4")
    screen = term.wait_for("Choose one")
    assert "Reading code builds intuition fastest." in screen
    term.send("\x03")
    assert term.finish() == 0


def test_a_digit_grades_at_once_and_a_recalled_card_starts_on_four(mini_collection):
    term = quiz(mini_collection)
    term.wait_for("Recall the answer")
    term.send(ENTER)
    screen = term.wait_for(r"\? Grade")
    assert "» 4) right, after some hesitation" in screen  # Enter alone never over-grades a recalled card
    term.send("3")
    term.wait_for("Choose one")
    assert reviews(mini_collection) == [("b1", 3)]
    term.send("SageMaker", ENTER)
    term.wait_for(r"\? Grade")
    term.send(ENTER)  # the cursor's grade after a right answer: 4
    term.wait_for("Select all that apply")
    assert reviews(mini_collection) == [("b1", 3), ("c1", 4)]
    term.send("\x03")
    term.finish()


def test_a_filter_that_matches_nothing_does_not_answer(mini_collection):
    term = quiz(mini_collection)
    answer(term, "Recall the answer", [ENTER], "5")
    term.wait_for("Choose one")
    term.send("zzz", ENTER)
    screen = term.settle()
    assert "Choose one" in screen and "Answer:" not in screen and reviews(mini_collection) == [("b1", 5)]
    term.send(BACKSPACE * 3, "Sage", ENTER)
    assert "✓ Right. Answer: SageMaker" in term.wait_for("Right")
    term.send("q")
    term.finish()
    assert reviews(mini_collection) == [("b1", 5), ("c1", 4)]  # q after a checked answer keeps it


def test_wrong_multi_and_order_say_what_was_wrong_and_backspace_steps_back(mini_collection):
    term = quiz(mini_collection)
    answer(term, "Recall the answer", [ENTER], "5")
    answer(term, "Choose one", ["SageMaker", ENTER], "4")
    term.wait_for("Select all that apply")
    term.send("Kaggle", " ", BACKSPACE * 6, "Deep", " ", ENTER)
    screen = flat(term.wait_for(r"\? Grade"))
    assert "- missed: Neural Networks from Scratch" in screen
    assert "- ticked wrongly: Kaggle Python Course" in screen
    term.send("1")
    term.wait_for("Item 1 of 3")
    term.send("AWS", ENTER)
    term.wait_for("Item 2 of 3")
    term.send(BACKSPACE)  # empty filter: take back the first pick
    term.wait_for(r"took back: AWS services(.|\n)*Item 1 of 3")
    term.send("Machine", ENTER)
    term.wait_for("Item 2 of 3")
    term.send("Python", ENTER)
    screen = flat(term.wait_for(r"\? Grade"))
    assert "Your order: Machine learning → Python → AWS services" in screen
    assert ("- position 1 should be Python, not Machine learning; "
            "right order: Python → Machine learning → AWS services") in screen
    term.send("q")
    term.finish()


def test_undo_on_the_first_card_keeps_the_answer_on_screen(mini_collection):
    term = quiz(mini_collection)
    term.wait_for("Recall the answer")
    term.send(ENTER)
    term.wait_for(r"\? Grade")
    term.send("u")
    screen = term.wait_for("Nothing to undo yet")
    assert "Answer: Reading code builds intuition fastest." in screen and "? Grade" in screen  # no retyping
    term.send("4")
    term.wait_for("Choose one")
    term.send("\x03")
    term.finish()
    assert reviews(mini_collection) == [("b1", 4)]


def test_escape_sequences_typed_at_a_text_prompt_are_harmless(mini_collection):
    term = quiz(mini_collection, "--cram")
    for prompt, keys in [("Recall the answer", [ENTER]), ("Choose one", ["Sage", ENTER]),
                         ("Select all that apply", [ENTER]), ("Item 1 of 3", [ENTER, ENTER])]:
        answer(term, prompt, keys, "4")
    term.wait_for("Your answer")
    term.send("4\x1b[31m0", ENTER)  # ESC [ 3 1 m: prompt_toolkit reads it as a broken mouse report
    screen = term.wait_for(r"\? Grade")
    assert "✓ Right. Answer: 40" in screen
    term.send("q")
    term.finish()
    assert "Unhandled exception" not in term.transcript


LONG_DECK = """[deck]
id = "mini"
name = "Long"

[[sections]]
id = "s"
title = "2. Machine learning, deep learning and everything in between"

[[cards]]
id = "c"
type = "choice"
section = "s"
tags = ["t"]
prompt = "Which course does the post recommend for a top-down start in deep learning?"
options = ["Practical Deep Learning for Coders by fast.ai",
           "Neural Networks from Scratch in Python by Harrison Kinsley",
           "Deep Learning with Python by François Chollet, second edition"]
answer = "Practical Deep Learning for Coders by fast.ai"
explanation = "It starts with working models and only then opens them up."

[[cards]]
id = "m"
type = "multi"
section = "s"
tags = ["t"]
prompt = "Which of these does the post mark as paid resources?"
options = ["Deep Learning with Python by François Chollet, second edition", "Kaggle's free Python course for beginners"]
answers = ["Deep Learning with Python by François Chollet, second edition"]
explanation = "Paid resources carry a dollar sign in the post."
"""


def test_forty_columns_show_every_option_label_and_summary_in_full(tmp_path, cli):
    deck = tmp_path / "long.toml"
    deck.write_text(LONG_DECK, encoding="utf-8")
    db = tmp_path / "long.db"
    assert cli("--db", db, "import", deck).code == 0
    term = Terminal(db, "quiz", "--deck", "mini", columns=40, rows=40)
    screen = term.wait_for("Choose one")
    assert "[1/2] 0 due · 2 new · 0 re-drill" in screen and "2. Machine learning, deep" in screen
    for option in ("Practical Deep Learning for Coders by fast.ai",
                   "Neural Networks from Scratch in Python by Harrison Kinsley",
                   "Deep Learning with Python by François Chollet, second edition"):
        assert option in flat(screen)
    term.send("Practical", ENTER)
    screen = term.wait_for(r"\? Grade")
    for label in ("5) perfect", "4) right, hesitated", "3) right, hard", "2) wrong, familiar",
                  "1) wrong, then recalled", "0) blackout", "u) undo previous card", "q) quit (this answer is saved)"):
        assert label in screen
    term.send("4")
    screen = term.wait_for("Select all")
    assert "Kaggle's free Python course for beginners" in flat(screen)
    assert "Deep Learning with Python by François Chollet, second edition" in flat(screen)
    term.send("Chollet", " ", ENTER)
    term.wait_for(r"\? Grade")
    term.send("5")
    screen = flat(term.wait_for("streak"))
    for phrase in ("Session done: 2 cards reviewed in", "right on the first try: 2 of 2 (100%; graded 3 or better)",
                   "sent back to re-drill: 0 cards", "due by tomorrow: 2 cards",
                   "next card due: tomorrow (2026-03-03)", "streak: 1 study day"):
        assert phrase in screen
    assert term.finish() == 0


def test_wrapping_follows_the_width_however_narrow():
    lines = wrapped("Why: a few words of explanation", 10, hang=5)
    assert all(len(line) <= 10 for line in lines) and len(lines) > 3


def test_mistakes_name_the_missed_the_wrong_and_the_first_difference():
    content = {"options": ["a", "b", "c"], "answers": ["a", "b"]}
    assert multi_mistakes(["b", "c"], content) == ["- missed: a", "- ticked wrongly: c"]
    assert order_mistake(["x", "z", "y"], ["x", "y", "z"], " -> ") == (
        "- position 2 should be y, not z; right order: x -> y -> z")


@pytest.mark.parametrize("args", [[], ["--scroll"]])
def test_quitting_before_the_first_answer_ends_cleanly(mini_collection, args):
    term = quiz(mini_collection, *args)
    term.wait_for("Recall the answer")
    term.send("\x04")
    assert "Session done: 0 cards reviewed" in term.wait_for("Session done")
    assert term.finish() == 0


def test_a_very_narrow_terminal_still_quizzes(mini_collection):
    term = quiz(mini_collection, columns=20, rows=40)
    answer(term, "Recall", [ENTER], "4")
    answer(term, "Choose one", ["Sage", ENTER], "q")
    assert "Session done" in term.wait_for("Session done") and term.finish() == 0
    assert "Traceback" not in term.transcript
