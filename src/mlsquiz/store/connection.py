"""Opening a collection safely: recognise it, refuse foreign or newer files, migrate with a backup first."""

import contextlib
import os
import sqlite3
import sys

from ..errors import CollectionError
from ..migrations import APPLICATION_ID, SCHEMA_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


# Paths are plain strings (os.path) here: pathlib alone costs `mlsquiz due` several milliseconds of start-up.


def default_collection_path() -> str:
    """`$MLSQUIZ_DB`, else the platform's per-user data folder."""
    if os.environ.get("MLSQUIZ_DB"):
        return os.path.expanduser(os.environ["MLSQUIZ_DB"])
    home = os.path.expanduser("~")
    if sys.platform == "darwin":
        base = os.path.join(home, "Library", "Application Support")
    elif sys.platform == "win32":
        base = os.environ.get("APPDATA") or os.path.join(home, "AppData", "Roaming")
    else:
        base = os.environ.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share")
    return os.path.join(base, "mlsquiz", "collection.db")


class Collection:
    """An open collection: a plain sqlite3 connection in autocommit mode plus explicit transactions."""

    def __init__(self, path: str, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn

    @contextlib.contextmanager
    def transaction(self):
        """One atomic, durable change: BEGIN IMMEDIATE takes the write lock before reading the state."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def sqlite_utils_db(self):
        """The same connection wrapped by sqlite-utils, for the paths that create, migrate or upsert."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn, execute_plugins=False)

    def close(self) -> None:
        self.conn.close()


def open_collection(path, *, sync_bundled: bool = True) -> Collection:
    """Open (creating on first use) the collection at `path`, migrated to this version's schema."""
    path = os.fspath(path)
    if not os.path.exists(path):
        _create(path)
    collection = Collection(path, _connect_existing(path))
    try:
        version = _schema_version(collection)
        if version < SCHEMA_VERSION:
            _migrate(collection, backup=True)
        if sync_bundled:
            from ..bundled import sync_bundled_deck

            sync_bundled_deck(collection)
    except BaseException:
        collection.close()
        raise
    return collection


def _connect(path: str) -> sqlite3.Connection:
    # SQLite opens a file it may not write read-only by itself; existence was checked by the caller.
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # With WAL, FULL syncs the log on every commit: an answer is on disk before the next card shows.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _connect_existing(path: str) -> sqlite3.Connection:
    try:
        with open(path, "rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except IsADirectoryError:
        raise CollectionError(f"{path}: is a folder, not an mlsquiz collection") from None
    except OSError as err:
        raise CollectionError(f"{path}: cannot read the collection ({err.strerror})") from None
    if not header:
        raise CollectionError(f"{path}: the file is empty, not an mlsquiz collection (left untouched)")
    if header != SQLITE_HEADER:
        raise CollectionError(f"{path}: not an mlsquiz collection (not an SQLite database; left untouched)")
    try:
        return _connect(path)
    except sqlite3.Error as err:
        hint = "; is the file or its folder read-only?" if "unable to open" in str(err) else ""
        raise CollectionError(f"{path}: cannot open the collection ({err}{hint})") from None


def _schema_version(collection: Collection) -> int:
    path = collection.path
    try:
        application_id = collection.conn.execute("PRAGMA application_id").fetchone()[0]
        version = collection.conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as err:
        raise CollectionError(f"{path}: the collection is damaged ({err}); left untouched") from None
    if application_id != APPLICATION_ID:
        raise CollectionError(f"{path}: not an mlsquiz collection (another application's SQLite database; left untouched)")
    if version > SCHEMA_VERSION:
        raise CollectionError(
            f"{path}: written by a newer mlsquiz (schema {version}; this one knows up to {SCHEMA_VERSION}); "
            "upgrade mlsquiz to open it"
        )
    return version


def _migrate(collection: Collection, *, backup: bool) -> None:
    from ..migrations import apply_migrations

    if backup:
        _backup(collection)
    try:
        apply_migrations(collection.sqlite_utils_db())
        collection.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.Error as err:
        raise CollectionError(f"{collection.path}: could not upgrade the collection ({err})") from None


def _backup(collection: Collection) -> str:
    """Copy the collection aside before a migration touches it."""
    version = collection.conn.execute("PRAGMA user_version").fetchone()[0]
    target = f"{collection.path}.schema{version}.bak"
    counter = 1
    while os.path.exists(target):
        counter += 1
        target = f"{collection.path}.schema{version}.{counter}.bak"
    copy = sqlite3.connect(target)
    try:
        collection.conn.backup(copy)
    finally:
        copy.close()
    return target


def _create(path: str) -> None:
    """Build a new collection beside `path`, then link it into place, so no half-made file is ever seen."""
    folder, name = os.path.split(os.path.abspath(path))
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError as err:
        raise CollectionError(f"{folder}: cannot create the collection folder ({err.strerror})") from None
    temporary = os.path.join(folder, f".{name}.new-{os.getpid()}")
    try:
        conn = _connect(temporary)
        conn.execute("PRAGMA journal_mode = WAL")
        collection = Collection(temporary, conn)
        _migrate(collection, backup=False)
        from ..bundled import sync_bundled_deck

        sync_bundled_deck(collection)
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
