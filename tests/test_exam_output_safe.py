"""Issue 24: deck text never reaches the terminal raw from the quiz's exam notice or the practice exam (result,
section titles in the score table, the earlier-attempt line), and issue 26: their text wraps at word boundaries
at 40 and 100 columns. The installed CLI in a pty, its output read through pyte; the raw bytes are checked too."""

import ast
import re
import signal
from pathlib import Path

import pytest

from screen import DOWN, ENTER, Terminal, too_wide

CTRL_Q = "\x11"
# OSC window title, SGR, 8-bit CSI, DCS, and the right-to-left override
HOSTILE = {"osc": "\x1b]0;PWNED\x07", "sgr": "\x1b[5;35m", "csi8": "\x9b2J", "dcs": "\x1bPq#0\x1b\\",
           "rlo": "\u202e"}


def toml(text: str) -> str:
    return '"' + "".join(c if 0x20 <= ord(c) < 0x7F and c not in '"\\' else f"\\u{ord(c):04x}" for c in text) + '"'


def evil(tag: str) -> str:
    return f"{tag} " + "".join(HOSTILE.values()) + " end"


def hostile_deck(path: Path) -> Path:
    long_title = "Data preparation for machine learning workloads and their governance"
    cards = []
    for n in range(4):
        cards.append(f'''[[cards]]
id = "c{n}"
type = "choice"
section = "{'one' if n % 2 else 'two'}"
prompt = "Question number {n} about the exam?"
options = ["Right answer", "Wrong answer", "Another wrong one"]
answer = "Right answer"
explanation = "Because the first one is right, as explained at some length in this sentence."
''')
    path.write_text(f'''[deck]
id = "evil"
name = "Evil deck"
description = "hostile text"
source = "tests"

[deck.exam]
name = {toml(evil("name"))}
code = {toml(evil("code"))}
status = "retired"
retired_on = 2026-03-31
successors = [{toml(evil("successor"))}]
note = {toml(evil("note"))}
questions = 4
minutes = 10
pass_mark = 700

[[sections]]
id = "one"
title = {toml(evil("one") + " " + long_title)}
stage = 1

[[sections]]
id = "two"
title = {toml(evil("two"))}
stage = 2

''' + "\n".join(cards), encoding="utf-8")
    return path


@pytest.fixture
def evil_collection(cli, db_path, tmp_path):
    done = cli("import", str(hostile_deck(tmp_path / "evil.toml")))
    assert done.code == 0, done
    return db_path


def assert_nothing_raw(term: Terminal) -> None:
    for name, sequence in HOSTILE.items():
        assert sequence not in term.transcript, f"{name} reached the terminal raw"
    assert "\x9b" not in term.transcript and "\u202e" not in term.transcript
    assert "\x1b]0;" not in term.transcript  # no window title at all (prompt_toolkit sets none either)


def test_the_quiz_exam_notice_never_prints_deck_text_raw(evil_collection):
    term = Terminal(evil_collection, "quiz", "--deck", "evil", columns=100)
    screen = term.wait_for("Replaced by")
    assert "successor" in screen and "note" in screen
    term.send("\x03")
    term.finish()
    assert_nothing_raw(term)


@pytest.mark.parametrize("columns", [40, 100])
def test_the_practice_result_and_earlier_attempt_line_are_safe_and_wrap_at_word_boundaries(evil_collection,
                                                                                         columns):
    term = Terminal(evil_collection, "exam", "practice", "--deck", "evil", "--seed", "1", columns=columns, rows=40)
    term.wait_for("Start the exam")
    term.send(ENTER)
    term.wait_for(r"\[Question 1/4\]")
    term.settle()
    term.child.kill(signal.SIGKILL)  # a killed terminal: the attempt stays 'running'
    term.finish()
    assert_nothing_raw(term)

    term = Terminal(evil_collection, "exam", "practice", "--deck", "evil", "--seed", "2", columns=columns, rows=40)
    term.wait_for("Resume it")
    term.send(DOWN, ENTER)  # start a new one: the old one is marked unfinished, with a line saying so
    term.wait_for("Start the exam")
    term.send(ENTER)
    term.wait_for(r"\[Question 1/4\]")
    term.settle()
    term.send(CTRL_Q)
    term.wait_for("End the attempt")
    term.send(CTRL_Q)  # a second Ctrl-Q means yes: ended unfinished, its result shown
    assert term.finish() == 0
    assert_nothing_raw(term)
    text = re.sub(r"\s+", " ", term.transcript)
    assert "was not finished" in text
    assert "Practice exam left unfinished" in text
    assert "scaled" in text and "Missed questions" not in text  # unfinished: nothing answered, nothing missed
    screen = term.screen()
    assert not too_wide(screen, columns)
    words = set(re.findall(r"[A-Za-z]{4,}", "Data preparation for machine learning workloads and their governance "
                                            "answers are kept, and it is marked unfinished resumable"))
    lines = screen.splitlines()
    for first, second in zip(lines, lines[1:]):  # no word of the result cut at a line's end ("governan" / "ce")
        tail, head = re.search(r"[A-Za-z]*$", first).group(), re.match(r"\s*([A-Za-z]*)", second).group(1)
        assert not (tail and head and tail + head in words), (first, second)


def test_the_practice_command_prints_only_through_its_safe_path():
    """Structural: commands/exam_practice.py calls print() in `show` only, which runs terminal_safe."""
    source = Path(__file__).parents[1] / "src" / "mlsquiz" / "commands" / "exam_practice.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    offenders = []
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef) and function.name != "show":
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
                    offenders.append(f"{function.name}:{node.lineno}")
    assert offenders == []
