"""A short menu drawn and read without prompt_toolkit, for a screen that must show before questionary has loaded:
the practice exam's start screen (issue 26) is on the terminal at once, and questionary (about 120 ms of imports)
loads in the background while the learner reads it.

Up/Down move the pointer (round from the last to the first) and Enter chooses, as in questionary's select; Esc,
Ctrl-C, Ctrl-D and Ctrl-Q leave; anything else typed (letters, words, Ctrl-N, which leaves a question for later in
the exam, other keys and escape sequences) does nothing. The terminal's
own settings are restored however the menu ends."""

import os
import re
import select
import shutil
import sys

ESC, ENTER_KEYS, LEAVE_KEYS = b"\x1b", (b"\r", b"\n"), (b"\x03", b"\x04", b"\x11")  # Ctrl-C, Ctrl-D, Ctrl-Q
UP_KEYS, DOWN_KEYS = (b"\x1b[A", b"\x1bOA"), (b"\x1b[B", b"\x1bOB")
SEQUENCE = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|O[@-~])")  # CSI (arrows: ESC [ A) and SS3 (ESC O A)
LONE_ESC_SECONDS = 0.05  # an Esc with nothing after it for this long is the Esc key, not a sequence's start
POINTER = "»"


def choose(question: str, choices: list[tuple[str, object]], instruction: str, leave: object,
           colour: bool = False, fd: int | None = None, write=None, drawn=None) -> object:
    """Draw `question` and its choices (the pointer on the first), read keys until one is chosen; returns its
    value, or `leave` for Esc, Ctrl-C, Ctrl-D, Ctrl-Q or a closed terminal. `question` and the titles are our
    own text (terminal-safe), each short enough for one line of 40 columns. `drawn()`, if given, is called once
    the menu is on the screen (work that would otherwise delay drawing it)."""
    import termios

    fd = sys.stdin.fileno() if fd is None else fd
    write = write or _write
    saved = termios.tcgetattr(fd)
    quiet = termios.tcgetattr(fd)
    quiet[0] &= ~termios.IXON  # Ctrl-Q and Ctrl-S are keys here, not flow control
    quiet[3] &= ~(termios.ICANON | termios.ECHO | termios.ISIG | termios.IEXTEN)  # Ctrl-C is a key, not a signal
    quiet[6][termios.VMIN], quiet[6][termios.VTIME] = 1, 0
    pointer = 0
    bold = (lambda text: f"\x1b[1m{text}\x1b[0m") if colour else (lambda text: text)
    head = f"? {question} {instruction}"
    write(f"{bold('? ' + question)} {instruction}\n\x1b[?25l" + _choice_lines(choices, pointer, colour))
    if drawn is not None:
        drawn()
    try:
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
        for key in _keys(fd):
            if key in ENTER_KEYS:
                chosen = choices[pointer]
                write(_erase(choices) + f"\x1b[{_rows(head)}A\x1b[J{bold('? ' + question)} {chosen[0]}\n")
                return chosen[1]
            if key == ESC or key in LEAVE_KEYS:
                break
            step = -1 if key in UP_KEYS else 1 if key in DOWN_KEYS else 0
            if step:
                pointer = (pointer + step) % len(choices)
                write(_erase(choices) + _choice_lines(choices, pointer, colour))
        write("\n")
        return leave
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        write("\x1b[?25h")


def _keys(fd: int):
    """Each key read from `fd`: one byte, or a whole escape sequence, or ESC alone for the Esc key; ends when the
    terminal closes."""
    pending = b""
    while True:
        if not pending:
            pending = _read(fd)
            if not pending:
                return
        if pending[:1] != ESC:
            key, pending = pending[:1], pending[1:]
            yield key
            continue
        if len(pending) == 1:  # Esc, or the start of a sequence whose rest is still on its way
            ready, _, _ = select.select([fd], [], [], LONE_ESC_SECONDS)
            more = _read(fd) if ready else b""
            if not more:
                yield ESC
                pending = b""
                continue
            pending += more
        match = SEQUENCE.match(pending)
        if match:
            key, pending = match.group(), pending[match.end():]
        else:  # Alt with a key, or a sequence we do not know: the ESC and the byte after it
            key, pending = pending[:2], pending[2:]
        yield key


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 256)
    except OSError:  # the terminal went away (EIO after a hang-up)
        return b""


def _choice_lines(choices: list[tuple[str, object]], pointer: int, colour: bool) -> str:
    lines = []
    for n, (title, _) in enumerate(choices):
        line = f" {POINTER} {title}" if n == pointer else f"   {title}"
        lines.append(f"\x1b[36m{line}\x1b[0m" if colour and n == pointer else line)
    return "\n".join(lines)


def _erase(choices: list[tuple[str, object]]) -> str:
    """Back to the start of the first choice line and clear from there (the choice lines may have wrapped)."""
    rows = sum(_rows(f" {POINTER} {title}") for title, _ in choices)
    return "\r" + (f"\x1b[{rows - 1}A" if rows > 1 else "") + "\x1b[J"


def _rows(line: str) -> int:
    """How many terminal rows a line of our own (one column a character) takes."""
    return max(1, -(-len(line) // max(shutil.get_terminal_size().columns, 1)))


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
