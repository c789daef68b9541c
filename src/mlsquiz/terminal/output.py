"""The one path every command's text takes to the terminal: control characters can never reach it.

`cli.main` puts `SafeStream` in front of stderr, and of stdout for every command but the interactive ones
(`quiz`, `exam practice`: prompt_toolkit draws their screen with escape sequences of its own). Whatever a
command prints, from any field old or new, passes through `neutralise`; the only escape sequences that come
out are the colours mlsquiz asked for with `colour()`, marked with a key no card text can know.
"""

import contextlib
import os
import sys

# C0 controls but tab and newline, DEL, C1 controls, and the bidi controls that reorder what is shown.
_UNSAFE_CODES = [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F),
                 *range(0x2066, 0x206A)]
UNSAFE = dict.fromkeys(_UNSAFE_CODES, "\ufffd")
# Our own colour sequences travel as `_MARK<code>m`: a private-use character and a per-process random key.
_MARK = "\ue000" + os.urandom(6).hex()
_colours: set[str] = set()


def neutralise(text: str) -> str:
    """Text with every control character (ESC, BEL, C1, bidi overrides) replaced by U+FFFD."""
    return text.translate(UNSAFE)


def colour(text: str, code: str) -> str:
    """`text` in an SGR colour (`code` such as "36"): marked for SafeStream to colour, or, on a screen that
    draws itself (stdout not behind SafeStream), the sequence itself around the neutralised text."""
    if not isinstance(sys.stdout, SafeStream):
        return f"\x1b[{code}m{neutralise(text)}\x1b[0m"
    _colours.add(code)
    _colours.add("0")
    return f"{_MARK}{code}m{text}{_MARK}0m"


def terminal_text(text: str) -> str:
    """What SafeStream writes for `text`: neutralised, then our own colour marks turned into SGR sequences."""
    text = neutralise(text)
    if _MARK in text:
        for code in _colours:
            text = text.replace(f"{_MARK}{code}m", f"\x1b[{code}m")
        text = text.replace(_MARK, "")
    return text


class SafeStream:
    """A text stream in front of another: everything written goes through `terminal_text`.

    It offers no `buffer`, so nothing can write bytes around it."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(terminal_text(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str):
        if name == "buffer":
            raise AttributeError("mlsquiz's output takes text only (see mlsquiz/output.py)")
        return getattr(self._stream, name)  # isatty, fileno, encoding, errors, closed...


def unprotected(stream):
    """The stream under SafeStream, for prompt_toolkit's own drawing (progress bars), whose escape sequences
    are its own; the text it is given is neutralised by the caller."""
    return stream._stream if isinstance(stream, SafeStream) else stream


def protect(name: str) -> None:
    """Put SafeStream in front of sys.stdout or sys.stderr (once)."""
    stream = getattr(sys, name)
    if stream is not None and not isinstance(stream, SafeStream):
        setattr(sys, name, SafeStream(stream))


@contextlib.contextmanager
def protected_streams():
    """stderr through SafeStream now (stdout when `protect("stdout")` is called); both restored afterwards."""
    saved = sys.stdout, sys.stderr
    protect("stderr")
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
