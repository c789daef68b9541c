"""Bulk work without Python's cycle collector: an import holds hundreds of thousands of small tuples, and each
collection pass walks all of them again (half a second of a 100,000-review Anki import). Plain reference
counting still frees everything; the few cycles wait until the collector is back.
(Nor need such work free them when the process ends right after it: see lifetime.py.)"""

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
