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
        _remove_temporary(temporary)


def _remove_temporary(temporary: str) -> None:
    """A backup's temporary file and SQLite's files beside it, whichever exist (gone once linked into place)."""
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


# Backups before bulk changes: `<collection>.backups/NNNN-YYYYMMDDTHHMMSSZ-CHANGE.db`, CHANGE url-quoted with
# `+` for spaces, so the number (the id `restore` takes), the time (UTC) and the change read back from the name.
BACKUP_NAME = r"^(?P<id>\d+)-(?P<stamp>\d{8}T\d{6}Z)-(?P<change>.*)\.db$"
TEMPORARY_BACKUP = r"^\.backup-new-(?P<pid>\d+)-[0-9a-f]+(?:-journal|-wal|-shm)?$"
MAX_CHANGE_CHARS = 120  # of the quoted change in a name: file names stop at 255 bytes


class Backup:
    """One kept backup, as its file name tells it."""

    def __init__(self, number: int, moment, change: str, path: str, size: int):
        self.number, self.moment, self.change, self.path, self.size = number, moment, change, path, size


def backups_folder(collection_path: str) -> str:
    return f"{os.path.abspath(collection_path)}.backups"


def list_backups(collection_path: str) -> list[Backup]:
    """The kept backups of the collection at `collection_path`, oldest first (none if there is no folder)."""
    import datetime
    import re
    import urllib.parse

    folder, found = backups_folder(collection_path), []
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as err:
        raise CollectionError(f"{folder}: cannot list the backups ({err.strerror})") from None
    for name in names:
        match = re.match(BACKUP_NAME, name)
        path = os.path.join(folder, name)
        if match is None or not os.path.isfile(path) or os.path.islink(path):
            continue
        moment = datetime.datetime.strptime(match["stamp"], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
        found.append(Backup(int(match["id"]), moment, urllib.parse.unquote_plus(match["change"]), path,
                            os.path.getsize(path)))
    return sorted(found, key=lambda backup: (backup.number, backup.path))


def backup_before(collection, change: str, now, *, spare: str | None = None) -> str:
    """Keep a copy of the collection before a bulk change (`change` says which, `now` is the command's moment):
    consistent (SQLite's backup API, one read transaction), written under a temporary name with the collection's
    permissions and linked into place only when complete; then only the newest `backups_kept` are kept (never
    `spare`, the one a restore is reading). Returns the backup's path; refuses the change if it cannot be made."""
    import datetime
    import urllib.parse

    folder = backups_folder(collection.path)
    quoted = urllib.parse.quote_plus(change, safe="")
    while len(quoted) > MAX_CHANGE_CHARS:
        change = change[:-1]
        quoted = urllib.parse.quote_plus(change, safe="")
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    temporary = os.path.join(folder, f".backup-new-{os.getpid()}-{os.urandom(4).hex()}")
    try:
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, 0o700)
        _remove_stale_temporaries(folder)
        mode = stat.S_IMODE(os.stat(collection.path).st_mode)
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        copy = sqlite3.connect(temporary)
        try:
            collection.conn.backup(copy)  # the whole file in one step: one consistent snapshot of the collection
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, readable without -wal/-shm
        finally:
            copy.close()
        os.chmod(temporary, mode)
        while True:  # the next free number: another terminal may be keeping one at the same moment
            backups = list_backups(collection.path)
            number = max((backup.number for backup in backups), default=0) + 1
            target = os.path.join(folder, f"{number:04d}-{stamp}-{quoted}.db")
            try:
                os.link(temporary, target)
                break
            except FileExistsError:
                continue
            except OSError:  # no hard links on this file system: check, then rename
                if not os.path.lexists(target):
                    os.replace(temporary, target)
                    break
        _sync(folder)
    except (OSError, sqlite3.Error) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise CollectionError(f"{collection.path}: cannot keep a backup before {change} in {folder} ({reason}); "
                              "nothing was changed") from None
    finally:
        _remove_temporary(temporary)
    _prune(collection, [*backups, Backup(number, None, change, target, 0)], spare)
    return target


def _prune(collection, backups: list[Backup], spare: str | None) -> None:
    """Remove the oldest backups beyond the setting `backups_kept`."""
    from ..settings import effective_settings
    from .study import read_settings

    kept = effective_settings(read_settings(collection))["backups_kept"]
    extra = [backup for backup in backups if backup.path != spare]
    for backup in extra[:max(0, len(extra) - kept)]:
        with contextlib.suppress(FileNotFoundError):
            os.remove(backup.path)


def _remove_stale_temporaries(folder: str) -> None:
    import re

    from ..runtime.leftovers import remove_stale

    remove_stale(folder, re.compile(TEMPORARY_BACKUP))


def _sync(path: str) -> None:
    """Flush a folder's entries to disk: a backup must outlive a power cut after the change it guards (SQLite
    synced the file itself when the copy committed)."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def read_only(path: str) -> sqlite3.Connection:
    import urllib.parse

    return sqlite3.connect(f"file:{urllib.parse.quote(os.path.abspath(path))}?mode=ro", uri=True)
