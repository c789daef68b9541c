"""Temporary files a killed mlsquiz left behind: found by name, removed only when their writer is gone.

Every temporary name carries the writing process's id. A file is removed only if that process no longer
exists: a file whose writer still runs (even another mlsquiz in another terminal) is never touched."""

import contextlib
import os
import re
import shutil


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
        path = os.path.join(folder, name)
        with contextlib.suppress(FileNotFoundError, NotADirectoryError, PermissionError):
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)  # a private folder of copies (a merge's)
            else:
                os.remove(path)
            removed.append(name)
    return removed


# What an import or merge unpacks or copies into $TMPDIR (anki/package.py, store/merge.py), named with the
# writer's process id: a copy of up to 2 GiB that a SIGKILL left there is removed by the next import or merge.
TEMPORARY_COPY = re.compile(r"^\.?mlsquiz-(?:anki|merge)-(?P<pid>\d+)-[A-Za-z0-9_]+(?:\.sqlite)?"
                            r"(?:-journal|-wal|-shm)?$")


def temporary_copy_prefix(kind: str) -> str:
    """The name start of a temporary copy (`kind` "anki" or "merge"), as TEMPORARY_COPY recognises it."""
    return f"{'.' if kind == 'anki' else ''}mlsquiz-{kind}-{os.getpid()}-"


def sweep_temporary_copies() -> list[str]:
    """Remove the copies in $TMPDIR whose import or merge was killed; one listing of the folder."""
    import tempfile

    return remove_stale(tempfile.gettempdir(), TEMPORARY_COPY)
