"""Pure work done by a forked child process while this one goes on (an Anki import builds its decks there while
it replays the review log here): the child's result comes back pickled through a pipe.

Only a result travels. If the work fails in the child, or the child ends without a word, or this system does not
fork, the work is simply done here when its result is asked for, so errors are raised exactly as without a child.
The work must not write anything: files, the collection and the terminal stay this process's."""

import contextlib
import os
import pickle
import signal
import sys

ENABLED = True  # tests turn the child off to hold both ways to the same result


class _Pending:
    def __init__(self, work, args):
        self.work, self.args = work, args
        self.pid, self.reader = None, None

    def result(self):
        if self.pid is None:
            return self.work(*self.args)
        data = _read_all(self.reader)
        self._reap()
        try:
            return pickle.loads(data)
        except Exception:  # nothing or a part came: the work failed, or the child died before it was done
            return self.work(*self.args)  # here it raises as it would have, or succeeds after all

    def _reap(self) -> None:
        os.close(self.reader)
        os.waitpid(self.pid, 0)
        self.pid = None

    def cancel(self) -> None:
        if self.pid is not None:
            os.kill(self.pid, signal.SIGKILL)
            self._reap()


@contextlib.contextmanager
def forked(work, *args):
    """`with forked(build, x) as pending: ...; value = pending.result()`: work(*args) runs in a child from here
    on; leaving the block early kills the child."""
    pending = _Pending(work, args)
    if _can_fork():
        _start(pending)
    try:
        yield pending
    finally:
        pending.cancel()


def _can_fork() -> bool:
    # Linux only: macOS frameworks are not safe in a child that does not exec. A process with other threads may
    # fork while one of them holds a lock the child would then wait on forever.
    threading = sys.modules.get("threading")
    return ENABLED and sys.platform == "linux" and (threading is None or threading.active_count() == 1)


def _start(pending: _Pending) -> None:
    reader, writer = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: work, report, and leave without running any of the parent's clean-up
        try:
            os.close(reader)
            from .interrupts import default_signals_in_child

            default_signals_in_child()  # Ctrl-C, SIGTERM, SIGHUP stop the child; the parent reports it
            _die_with(parent)
            data = pickle.dumps(pending.work(*pending.args), pickle.HIGHEST_PROTOCOL)
            with open(writer, "wb") as pipe:
                pipe.write(data)
        finally:
            os._exit(0)
    os.close(writer)
    pending.pid, pending.reader = pid, reader


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with(parent: int) -> None:
    """The child ends when its parent does, even by SIGKILL (no parent is left to kill it, and its work would
    go on at full CPU for no one): Linux sends it SIGKILL then. A parent already gone: end now."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # no prctl: the result pipe still tells a parent that died, when the child writes
    if os.getppid() != parent:
        os._exit(0)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)
