"""Temporary files a killed mlsquiz left behind: found by name, removed only when their writer is gone.

Every temporary name carries the writing process's id. A file is removed only if that process no longer
exists: a file whose writer still runs (even another mlsquiz in another terminal) is never touched."""

import contextlib
import os
import re


def process_alive(pid: int) -> bool:
    import sys

    if sys.platform == "win32":
        return True  # signal 0 means CTRL_C_EVENT there: never probe, never clean up
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0  # it exists but belongs to someone else (or the number is absurd: keep the file)
    return True


def remove_stale(folder: str, pattern: re.Pattern) -> list[str]:
    """Remove the files in `folder` whose names match `pattern` (a `pid` group) and whose writer is gone."""
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        found = pattern.match(name)
        if not found:
            continue
        pid = int(found.group("pid"))
        if pid == os.getpid() or process_alive(pid):
            continue  # our own files may be in use by another thread
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            os.remove(os.path.join(folder, name))
            removed.append(name)
    return removed
