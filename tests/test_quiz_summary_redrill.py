"""Issue 27: the quiz summary said "right on the first try 10 of 11" beside "sent back to re-drill 3": a grade of 3
is right (SM-2's pass mark) yet re-drilled (below 4). The re-drill line now says which were which."""

import re

from mlsquiz.commands.quiz import redrill_detail
from mlsquiz.study.session import Session, redrill_reasons


def test_the_summary_says_which_re_drilled_cards_were_right():
    session = Session.build([{"id": n} for n in range(4)], [])
    for review_id, grade in enumerate((3, 1, 5, 3)):  # the first try of each card
        session.record(grade, review_id)
    while session.queue:  # the re-drills, passed
        session.record(4, 99)
    summary = session.summary() | redrill_reasons(session)
    assert (summary["right_first_try"], summary["redrilled"]) == (3, 3)
    assert redrill_detail(summary) == " (1 wrong, 2 right but graded 3)"
    assert redrill_detail({"redrilled": 2, "redrilled_right": 0, "redrill_left": 1}) == " (1 not finished)"


def test_the_quiz_summary_on_screen(cli, mini_collection):
    from screen import ENTER, Terminal

    term = Terminal(mini_collection, "quiz", "--deck", "mini", "--new", "1", columns=100)
    term.wait_for("Recall the answer")
    term.send(ENTER)
    term.wait_for("Grade")
    term.send("3")  # right, with serious difficulty: re-drilled
    term.wait_for("Recall the answer")
    term.send(ENTER)
    term.wait_for("Grade")
    term.send("4")
    term.wait_for("Session done")
    assert term.finish() == 0
    assert re.search(r"right on the first try +1 of 1 \(100%; graded 3 or better\)", term.transcript)
    assert re.search(r"sent back to re-drill +1 card \(all right but graded 3\)", term.transcript)
