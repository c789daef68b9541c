"""Bulk work without Python's cycle collector: an import holds hundreds of thousands of small tuples, and each
collection pass walks all of them again (half a second of a 100,000-review Anki import). Plain reference
counting still frees everything; the few cycles wait until the collector is back.

Nor need such work free them at all when the process ends right after it: `keep_until_exit` holds them, and
`cli.console_main` then ends the process without freeing a million objects one by one (70 ms of an Anki
import), once the collection is closed and every stream flushed."""

import contextlib
import gc


@contextlib.contextmanager
def collector_paused():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # Everything made meanwhile sits in the youngest generation, and the first pass after enabling would
            # walk it all (40 ms after an Anki import). Frozen, it is left to reference counting; the process
            # ends soon after such bulk work.
            gc.freeze()
            gc.enable()


_kept: list = []


def keep_until_exit(*objects) -> None:
    """Hold `objects` (the finished work's data) until the process ends, instead of freeing them now."""
    _kept.extend(objects)


def anything_kept() -> bool:
    return bool(_kept)


def release_kept() -> None:
    """Free what an earlier command run in this process kept (tests run many commands in one process)."""
    _kept.clear()
