"""Making a collection file: a new one built aside and linked into place, and the backup before an upgrade.
Loaded only when one of those happens, so opening an existing collection (`mlsquiz due`) stays cheap."""

import contextlib
import os
import sqlite3
import stat

from ..errors import CollectionError
from .connection import Collection, _connect, _migrate, remove_leftovers


def temporary_name(path: str, kind: str = "") -> str:
    """`.NAME.new-PID-KEY` (a collection being built) or `.NAME.schemaN.bak.new-PID-KEY` (a backup being
    written), beside the collection: the process id tells a later run whether its writer is gone."""
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(folder, f".{name}.{kind}new-{os.getpid()}-{os.urandom(4).hex()}")


def backup_before_upgrade(collection: Collection) -> str:
    """Copy the collection aside before a migration touches it: written under a temporary name, with the
    collection's own permissions, and linked into place only when complete (a kill leaves no empty backup)."""
    version = collection.conn.execute("PRAGMA user_version").fetchone()[0]
    temporary = temporary_name(collection.path, f"schema{version}.bak.")
    try:
        mode = stat.S_IMODE(os.stat(collection.path).st_mode)
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        copy = sqlite3.connect(temporary)
        # A second, read-only connection: the collection's own one holds the upgrade's write lock, and SQLite's
        # backup from a connection inside its own write transaction never finishes.
        import urllib.parse  # here, not at the top: it pulls in `re`, which `mlsquiz due` need not pay for

        source = sqlite3.connect(f"file:{urllib.parse.quote(collection.path)}?mode=ro", uri=True)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        os.chmod(temporary, mode)
        return _link_backup(temporary, f"{collection.path}.schema{version}")
    except OSError as err:
        raise CollectionError(f"{collection.path}: cannot write the backup before upgrading ({err.strerror}); "
                              "nothing was changed") from None
    finally:
        for leftover in (temporary, f"{temporary}-journal", f"{temporary}-wal", f"{temporary}-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(leftover)


def _link_backup(temporary: str, stem: str) -> str:
    """Give the finished backup the first free name STEM.bak, STEM.2.bak, ...; never replace a real backup
    (only an empty one, which an older mlsquiz killed while copying left behind)."""
    counter = 1
    while True:
        target = f"{stem}.bak" if counter == 1 else f"{stem}.{counter}.bak"
        try:
            os.link(temporary, target)
            return target
        except FileExistsError:
            if os.path.isfile(target) and not os.path.islink(target) and os.path.getsize(target) == 0:
                os.replace(temporary, target)
                return target
        except OSError:  # no hard links on this file system: check, then rename
            if not os.path.lexists(target):
                os.replace(temporary, target)
                return target
        counter += 1


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
            with contextlib.suppress(FileNotFoundError):
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
