"""Making a collection file: a new one built aside and linked into place, and the backup before an upgrade.
Loaded only when one of those happens, so opening an existing collection (`mlsquiz due`) stays cheap."""

import contextlib
import os
import sqlite3

from ..errors import CollectionError
from .backup import temporary_name
from .connection import Collection, _connect, _migrate, remove_leftovers


def create(path: str, populate=None) -> None:
    """Build a new collection beside `path`, then link it into place, so no half-made file is ever seen."""
    if os.path.islink(path):  # exists() said no: the link points nowhere; refuse before building anything
        raise CollectionError(f"{path}: is a symbolic link to {os.readlink(path)}, which does not exist")
    folder = os.path.dirname(os.path.abspath(path))
    try:
        _make_private_folders(folder)
    except OSError as err:
        raise CollectionError(f"{folder}: cannot create the collection folder ({err.strerror})") from None
    remove_leftovers(path)
    temporary = temporary_name(path)
    try:
        # Created here so it is private (0600) whatever the umask; SQLite gives -wal and -shm the same mode.
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        conn = _connect(temporary)
        conn.execute("PRAGMA journal_mode = WAL")
        collection = Collection(temporary, conn)
        _migrate(collection, backup=False)
        if populate is not None:
            populate(collection)
        conn.close()
        try:
            os.link(temporary, path)  # fails if another process created it meanwhile: theirs wins
        except FileExistsError:
            pass
    except sqlite3.Error as err:
        raise CollectionError(f"{path}: cannot create the collection ({err})") from None
    except OSError as err:
        raise CollectionError(f"{path}: cannot create the collection ({err.strerror})") from None
    finally:
        for leftover in (temporary, f"{temporary}-wal", f"{temporary}-shm"):
            # OSError, not just FileNotFoundError: on a read-only file system even a missing file is EROFS, and
            # the error that brought us here is the one to report; a real leftover is swept by the next run.
            with contextlib.suppress(OSError):
                os.remove(leftover)


def _make_private_folders(folder: str) -> None:
    """Create `folder` and any missing parents 0700 (os.makedirs gives the parents 0777 minus the umask)."""
    missing = []
    while not os.path.isdir(folder):
        missing.append(folder)
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, 0o700)
