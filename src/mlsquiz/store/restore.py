"""Going back to a kept backup: refuse a damaged one, keep the current state, copy it in as one transaction."""

import contextlib
import os
import sqlite3

from ..errors import CollectionError
from .backup import Backup, backup_before, read_only, temporary_name
from .connection import SQLITE_HEADER, Collection, _connect_existing, _schema_version
from .maintenance import integrity_report


def check_backup(backup: Backup) -> None:
    """Refuse, in one line, a backup that is not a sound mlsquiz collection of a schema this mlsquiz knows."""
    damaged = f"{backup.path}: the backup is damaged"
    try:
        with open(backup.path, "rb") as file:
            if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise CollectionError(f"{damaged} (not an SQLite database); nothing was changed")
        conn = read_only(backup.path)
    except OSError as err:
        raise CollectionError(f"{backup.path}: cannot read the backup ({err.strerror}); nothing was changed") from None
    try:
        collection = Collection(backup.path, conn)
        _schema_version(collection)
        problems = integrity_report(collection)
    except sqlite3.DatabaseError as err:
        raise CollectionError(f"{damaged} ({err}); nothing was changed") from None
    finally:
        conn.close()
    if problems:
        raise CollectionError(f"{damaged} ({problems[0]}); nothing was changed")


def restore_backup(collection_path: str, backup: Backup, now) -> str | None:
    """Put `backup` in the collection's place, after keeping the current state as a backup of its own (its path
    is returned; None when there was no collection). The copy is one SQLite transaction into the collection, so
    a crash leaves it as it was before or after, and other terminals see it whole."""
    if not os.path.lexists(collection_path):
        _restore_in_place_of_nothing(collection_path, backup)
        return None
    current = Collection(collection_path, _connect_existing(collection_path))
    try:
        try:
            _schema_version(current)
        except CollectionError as err:
            raise CollectionError(f"{err}; move it aside to restore a backup in its place") from None
        saved = backup_before(current, f"restore of backup {backup.number}", now, spare=backup.path)
        source = read_only(backup.path)
        try:
            source.backup(current.conn)  # one write transaction on the collection: all of the backup or nothing
        except sqlite3.Error as err:
            raise CollectionError(f"{collection_path}: could not restore backup {backup.number} ({err}); "
                                  "the collection is as it was") from None
        finally:
            source.close()
        problems = integrity_report(current)
    finally:
        current.close()
    if problems:
        raise CollectionError(f"{collection_path}: the restored collection fails the integrity check ({problems[0]}); "
                              f"backup {os.path.basename(saved)} holds the state before")
    return saved


def _restore_in_place_of_nothing(collection_path: str, backup: Backup) -> None:
    """No collection (deleted, or moved aside): build the copy under a temporary name and link it into place."""
    temporary = temporary_name(collection_path)
    try:
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        source, copy = read_only(backup.path), sqlite3.connect(temporary)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = WAL")
        finally:
            source.close()
            copy.close()
        os.link(temporary, collection_path)
    except FileExistsError:
        raise CollectionError(f"{collection_path}: appeared while restoring; run restore again") from None
    except (OSError, sqlite3.Error) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise CollectionError(f"{collection_path}: could not restore backup {backup.number} ({reason})") from None
    finally:
        for leftover in (temporary, f"{temporary}-journal", f"{temporary}-wal", f"{temporary}-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(leftover)

