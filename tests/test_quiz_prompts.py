"""The quiz loop driven through prompt_toolkit's pipe input: real questionary prompts, real store, no terminal."""

import datetime
import os
import random
import signal
import sqlite3
from types import SimpleNamespace

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from mlsquiz import clock
from mlsquiz.scheduling import sm2
from mlsquiz.commands.quiz import build_session, nothing_to_do
from mlsquiz.study.quiz import Prompter, run_session, status_line, wrapped
from mlsquiz.settings import DEFAULTS
from mlsquiz.store.bundled import open_synced as open_collection
from mlsquiz.store import study

ENTER, DOWN, SPACE, BACKSPACE, CTRL_C, CTRL_D = "\r", "\x1b[B", " ", "\x7f", "\x03", "\x04"
NOW = clock.parse_moment("2026-03-02 09:00")
TODAY = clock.study_day(NOW)


def play(db, keys: str, on_saved=lambda: None, **options):
    """Run one session on the mini deck with `keys` typed ahead; returns what was printed."""
    args = SimpleNamespace(**{"cram": False, "deck": "mini", "new": None, "limit": None, "section": None,
                              "tag": None, **options})
    collection = open_collection(db)
    printed = []
    try:
        session = build_session(collection, args, TODAY, dict(DEFAULTS))

        def save(step, grade, answer_ms):
            schedule = (lambda state: sm2.review(state, grade, TODAY)) if step.kind == "review" else None
            review_id = study.record_answer(collection, step.card["id"], grade, step.kind, clock.utc_timestamp(NOW),
                                            TODAY, answer_ms, schedule).review_id
            on_saved()
            return review_id

        with create_pipe_input() as pipe:
            pipe.send_text(keys)
            prompter = Prompter(input=pipe, output=DummyOutput(), write=printed.append, rng=random.Random(1))
            run_session(session, prompter, save, lambda review_id: study.undo_review(collection, review_id),
                        lambda card: card["section"])
    finally:
        collection.close()
    return session, "\n".join(printed)


def reviews(db):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            """SELECT c.card_id, r.grade, r.kind FROM reviews r JOIN cards c ON c.id = r.card ORDER BY r.id"""
        ).fetchall()
    finally:
        conn.close()


EVERY_TYPE_RIGHT = (
    ENTER + "5"  # basic: reveal, grade 5 (a digit grades at once)
    + "SageMaker" + ENTER + ENTER  # choice: filter to the answer, accept the default grade 4
    + "Deep" + SPACE + BACKSPACE * 4 + "Neural" + SPACE + ENTER + ENTER  # multi: tick both paid books
    + "Python" + ENTER + "Machine" + ENTER + ENTER  # order: pick the first two, the last follows
    + "$40" + ENTER + ENTER  # typed
)


def test_every_type_answered_right_is_saved_with_default_grades(mini_collection):
    session, printed = play(mini_collection, EVERY_TYPE_RIGHT)
    assert reviews(mini_collection) == [("b1", 5, "review"), ("c1", 4, "review"), ("m1", 4, "review"),
                                        ("o1", 4, "review"), ("t1", 4, "review")]
    assert printed.count("✓ Right.") == 4
    assert "[1/5] 0 due · 5 new · 0 re-drill | one" in printed
    assert "You ticked: Deep Learning with Python; Neural Networks from Scratch" in printed
    assert "Your order: Python → Machine learning → AWS services" in printed
    summary = session.summary()
    assert summary.pop("answer_ms") >= 0
    assert summary == {"reviewed": 5, "right_first_try": 5, "redrilled": 0, "redrill_left": 0, "answers": 5}


def test_wrong_answer_defaults_to_one_and_comes_back_as_a_drill(mini_collection):
    keys = (ENTER + "4"  # b1
            + "Lambda" + ENTER + ENTER  # c1 wrong: default grade 1, re-drill queued
            + "Deep" + SPACE + ENTER + ENTER  # m1 only one ticked: wrong, grade 1
            + "Python" + ENTER + "Machine" + ENTER + ENTER  # o1
            + "40" + ENTER + ENTER  # t1
            + "SageMaker" + ENTER + "5"  # c1 again as a drill, three cards later: right, graded 5
            + "Deep" + SPACE + BACKSPACE * 4 + "Neural" + SPACE + ENTER + "4")  # m1 drill
    play(mini_collection, keys)
    assert reviews(mini_collection) == [
        ("b1", 4, "review"), ("c1", 1, "review"), ("m1", 1, "review"), ("o1", 4, "review"),
        ("t1", 4, "review"), ("c1", 5, "drill"), ("m1", 4, "drill")]
    collection = open_collection(mini_collection)
    try:
        states = {row["card_id"]: row for row in study.due_card_rows(collection, TODAY.replace(day=3), "mini", 10)}
    finally:
        collection.close()
    assert states["c1"]["repetitions"] == 0 and states["c1"]["lapses"] == 1  # the drill left the schedule alone


def test_undo_restores_the_previous_card_exactly(mini_collection):
    collection = open_collection(mini_collection)
    before = collection.conn.execute("SELECT * FROM card_state ORDER BY card").fetchall()
    collection.close()
    keys = (ENTER + "5"  # b1 graded 5
            + ENTER + "u"  # c1: Enter picks an option, then "undo previous card" at its grade
            + "quit" + ENTER)  # b1 is shown again: quit there
    session, printed = play(mini_collection, keys)
    assert "Undone" in printed
    assert reviews(mini_collection) == []
    collection = open_collection(mini_collection)
    after = collection.conn.execute("SELECT * FROM card_state ORDER BY card").fetchall()
    collection.close()
    assert [tuple(r) for r in after] == [tuple(r) for r in before]


@pytest.mark.parametrize("stop", [CTRL_C, CTRL_D], ids=["ctrl-c", "ctrl-d"])
def test_quitting_at_a_choice_keeps_what_was_answered(mini_collection, stop):
    session, _ = play(mini_collection, ENTER + "5" + stop)
    assert reviews(mini_collection) == [("b1", 5, "review")]
    assert session.next_step().card["card_id"] == "c1"


@pytest.mark.parametrize("stop", ["q", CTRL_C], ids=["q", "ctrl-c"])
def test_quitting_at_the_grade_of_a_checked_card_keeps_its_answer(mini_collection, stop):
    session, printed = play(mini_collection, ENTER + "5" + "Lambda" + ENTER + stop)
    assert reviews(mini_collection) == [("b1", 5, "review"), ("c1", 1, "review")]  # the grade Enter would give
    assert session.summary()["answers"] == 2


def test_quitting_at_the_grade_of_a_recalled_card_saves_no_grade_for_it(mini_collection):
    session, _ = play(mini_collection, ENTER + "q")
    assert reviews(mini_collection) == [] and session.next_step().card["card_id"] == "b1"


@pytest.mark.parametrize("stop", [CTRL_C, CTRL_D, "quit" + ENTER], ids=["ctrl-c", "ctrl-d", "typed-quit"])
def test_quitting_at_a_text_prompt(mini_collection, stop):
    session, _ = play(mini_collection, stop)
    assert reviews(mini_collection) == []
    assert session.summary()["answers"] == 0


def test_cram_logs_cram_and_leaves_the_schedule(mini_collection):
    play(mini_collection, ENTER + "3" + CTRL_C, cram=True, section="one")
    assert reviews(mini_collection) == [("b1", 3, "cram")]
    collection = open_collection(mini_collection)
    try:
        assert study.count_new(collection, "mini", 10) == 5
    finally:
        collection.close()


def test_terminal_escapes_in_card_text_are_neutralised(tmp_path, cli):
    deck = tmp_path / "evil.toml"
    deck.write_text('[deck]\nid = "mini"\nname = "Evil"\n\n[[cards]]\nid = "e"\ntype = "basic"\nsection = "s"\n'
                    'prompt = "Red \\u001b[31mALERT\\u001b]0;pwned\\u0007"\nanswer = "A"\nexplanation = "E"\n')
    assert cli("import", deck).code == 0
    _, printed = play(tmp_path / "collection.db", CTRL_C)
    assert "\x1b" not in printed and "\x07" not in printed and "ALERT" in printed


def test_status_line_fits_the_terminal_width():
    counts = {"due": 4, "new": 5, "cram": 0, "redrill": 1}
    section = "2. Study ML until you can explain it to a friend"
    assert status_line(3, 12, counts, section, width=100) == f"[3/12] 4 due · 5 new · 1 re-drill | {section}"
    assert len(status_line(3, 12, counts, section, width=60)) <= 59
    assert status_line(1, 3, {**counts, "cram": 3, "redrill": 0}, "s", cram=True) == "[1/3] 3 to cram · 0 re-drill | s"


def test_nothing_to_do_says_why():
    today = datetime.date(2026, 3, 2)
    assert nothing_to_do(datetime.date(2026, 3, 5), today, False) == (
        "Nothing to study today. Next card due in 3 days (2026-03-05).")
    assert nothing_to_do(today, today, True).startswith("Nothing more to study today: the daily review limit")
    assert nothing_to_do(None, today, True) == ("Nothing to study today, and no card is scheduled. "
                                                "Today's new cards are done ('--new N' raises the limit).")


def test_without_a_terminal_the_quiz_refuses_and_creates_nothing(cli, tmp_path):
    db = tmp_path / "fresh.db"
    result = cli("--db", db, "quiz")  # pytest's stdin and stdout are not terminals
    assert (result.code, result.out) == (2, "")
    assert result.err.strip() == "mlsquiz: quiz needs a terminal: run it in one"
    assert not db.exists()


def test_quiz_options_without_the_command_name_run_the_quiz(cli, tmp_path):
    result = cli("--db", tmp_path / "fresh.db", "--deck", "mini", "--new", "3")  # as `mlsquiz quiz --deck mini ...`
    assert (result.code, result.err.strip()) == (2, "mlsquiz: quiz needs a terminal: run it in one")
    assert "unrecognized arguments" in cli("--deck", "mini", "--bogus").err


def test_ctrl_c_while_an_answer_is_saved_keeps_it_and_ends_the_session(mini_collection):
    session, _ = play(mini_collection, ENTER + "5" + "SageMaker" + ENTER + ENTER,
                      on_saved=lambda: os.kill(os.getpid(), signal.SIGINT))
    assert reviews(mini_collection) == [("b1", 5, "review")]
    assert session.summary()["answers"] == 1 and session.next_step().card["card_id"] == "c1"


def test_long_text_is_word_wrapped_with_a_hanging_indent():
    text = "Why: " + " ".join(["overstudy"] * 30) + "\nsecond paragraph"
    lines = wrapped(text, 40, hang=5)
    assert all(len(line) <= 40 for line in lines)
    assert all(line.startswith("     overstudy") for line in lines[1:-1]) and lines[-1] == "second paragraph"
    assert " ".join(line.strip() for line in lines[:-1]) == text.split("\n")[0]  # no word cut in two


def test_colour_only_on_request_and_only_around_our_own_lines():
    printed = []
    Prompter(write=printed.append, width=40).say("plain", "right")
    Prompter(write=printed.append, width=30, colour=True).say("Not quite. Answer: Deep Learning with Python", "wrong")
    assert printed == ["plain", "\x1b[1;31mNot quite. Answer: Deep\x1b[0m\n"  # each wrapped line on its own
                                "\x1b[1;31mLearning with Python\x1b[0m"]


def test_hostile_options_are_drawn_safe_and_still_count_as_the_answer():
    import io

    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.output.vt100 import Vt100_Output

    from mlsquiz.study.quiz import present

    evil = "Sage\x1b]0;pwned\x07Maker \u202eevil"
    card = {"type": "choice", "prompt": "Pick", "content": {"options": [evil, "Lambda"], "answer": evil,
                                                             "explanation": "E"}}
    screen = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("Sage" + ENTER)
        output = Vt100_Output(screen, lambda: Size(rows=30, columns=80), term="xterm", enable_cpr=False)
        assert present(card, Prompter(input=pipe, output=output, write=lambda text="": None)) is True
    drawn = screen.getvalue()
    assert "Sage" in drawn and "Maker" in drawn
    assert "\x1b]0;pwned" not in drawn and "\x07" not in drawn and "\u202e" not in drawn
