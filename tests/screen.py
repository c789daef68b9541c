"""What a person sees: the real `mlsquiz` in a pty, its output fed through the pyte terminal emulator."""

import os
import re
import time

import pexpect
import pyte

from conftest import venv_bin

ENTER, BACKSPACE, DOWN, ESC = "\r", "\x7f", "\x1b[B", "\x1b"


class Terminal:
    """A pseudo-terminal of `columns` x `rows` running mlsquiz; `screen()` is the text on it right now."""

    def __init__(self, db, *args, columns: int = 80, rows: int = 30, now: str = "2026-03-02 09:00", env=None):
        environment = {**os.environ, "TZ": "UTC", "TERM": "xterm", "LANG": "C.UTF-8", "PROMPT_TOOLKIT_NO_CPR": "1",
                       **(env or {})}
        environment.pop("MLSQUIZ_NOW", None)  # the moment comes from --now, as a learner would pass it
        self.columns, self.rows = columns, rows
        self.emulator = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.emulator)
        self.child = pexpect.spawn(venv_bin("mlsquiz"), ["--db", str(db), "--now", now, *args], env=environment,
                                   dimensions=(rows, columns), encoding="utf-8", timeout=20)
        self.transcript = ""  # everything ever written, for what has scrolled away

    def _read(self, timeout: float) -> bool:
        try:
            chunk = self.child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return False
        except pexpect.EOF:
            raise
        self.transcript += chunk
        self.stream.feed(chunk)
        return True

    def screen(self) -> str:
        return "\n".join(line.rstrip() for line in self.emulator.display)

    def wait_for(self, pattern: str, timeout: float = 20) -> str:
        """Read until `pattern` (a regex) is on the screen; returns the screen. Fails with the screen shown."""
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.screen()):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{pattern!r} never appeared; the screen:\n{self.screen()}")
            try:
                self._read(min(remaining, 0.5))
            except pexpect.EOF:
                if re.search(pattern, self.screen()):
                    break
                raise AssertionError(f"exited before {pattern!r} appeared; the screen:\n{self.screen()}") from None
        return self.settle(0.1)  # the rest of the same drawing

    def settle(self, timeout: float = 0.3) -> str:
        """Read whatever arrives until the output is quiet for `timeout` seconds; returns the screen."""
        try:
            while self._read(timeout):
                pass
        except pexpect.EOF:
            pass
        return self.screen()

    def send(self, *keys: str) -> None:
        for key in keys:
            self.child.send(key)

    def finish(self) -> int:
        """Read to the end (at most 20 seconds); returns the exit status."""
        deadline = time.monotonic() + 20
        try:
            while time.monotonic() < deadline:
                self._read(1)
        except pexpect.EOF:
            pass
        self.child.close()
        return self.child.exitstatus


def too_wide(screen: str, columns: int) -> list[str]:
    return [line for line in screen.splitlines() if len(line) > columns]
