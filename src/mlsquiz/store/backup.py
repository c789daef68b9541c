"""Copies of a collection kept aside: the backup before a schema upgrade, under a temporary name until complete."""

import contextlib
import os
import sqlite3
import stat

from ..errors import CollectionError


def temporary_name(path: str, kind: str = "") -> str:
    """`.NAME.new-PID-KEY` (a collection being built) or `.NAME.schemaN.bak.new-PID-KEY` (a backup being
    written), beside the collection: the process id tells a later run whether its writer is gone."""
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(folder, f".{name}.{kind}new-{os.getpid()}-{os.urandom(4).hex()}")


def backup_before_upgrade(collection) -> str:
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
