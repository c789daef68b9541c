"""SIGTERM and SIGHUP end a bulk command as Ctrl-C does, and a long SQLite statement hears all three.

Python runs a signal handler only between its own instructions, never inside one SQLite statement, so an
endless query ignored Ctrl-C, and the default SIGTERM or SIGHUP ended the process without its `finally` blocks,
leaving temporary copies of up to 2 GiB behind. Within `signals_interrupt()` each of the three raises
KeyboardInterrupt (exit 130, "interrupted", every clean-up runs); `let_signals_in` as an SQLite progress
handler gives Python a moment every few thousand steps to do so, which ends the statement ("interrupted").
Costs nothing measurable; without the block the process's own handlers stay."""

import contextlib
import signal
import threading

SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")
STEPS_BETWEEN_CHECKS = 10_000  # SQLite virtual machine steps: well under a millisecond


def _interrupt(signum, frame):
    raise KeyboardInterrupt


@contextlib.contextmanager
def signals_interrupt():
    """Within: Ctrl-C, SIGTERM and SIGHUP raise KeyboardInterrupt; afterwards the handlers from before."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers (tests run commands in threads)
        return
    previous = {}
    for name in SIGNALS:
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, _interrupt)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def let_signals_in() -> int:
    """An SQLite progress handler: Python code runs here, so a pending signal's handler does, and its
    exception stops the statement (sqlite3 reports it as SQLITE_INTERRUPT). 0: otherwise go on."""
    return 0


def is_interrupt(error: BaseException) -> bool:
    """An SQLite error that only a signal (through let_signals_in) causes."""
    return getattr(error, "sqlite_errorname", None) == "SQLITE_INTERRUPT"


def default_signals_in_child() -> None:
    """In a forked child: the three signals end it at once, as they would any process."""
    for name in SIGNALS:
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, signal.SIG_DFL)
