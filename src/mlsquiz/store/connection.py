"""Opening a collection safely: recognise it, refuse foreign or newer files, migrate with a backup first."""

import contextlib
import os
import sqlite3
import sys
from pathlib import Path

from ..errors import CollectionError
from ..migrations import APPLICATION_ID, SCHEMA_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


def default_collection_path() -> Path:
    """`$MLSQUIZ_DB`, else the platform's per-user data folder."""
    if os.environ.get("MLSQUIZ_DB"):
        return Path(os.environ["MLSQUIZ_DB"]).expanduser()
    if sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    elif sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "mlsquiz" / "collection.db"


class Collection:
    """An open collection: a plain sqlite3 connection in autocommit mode plus explicit transactions."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
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


def open_collection(path: Path, *, sync_bundled: bool = True) -> Collection:
    """Open (creating on first use) the collection at `path`, migrated to this version's schema."""
    path = Path(path)
    if not path.exists():
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


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + f"?mode={mode}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # With WAL, FULL syncs the log on every commit: an answer is on disk before the next card shows.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _connect_existing(path: Path) -> sqlite3.Connection:
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
        return _connect(path, "rw" if os.access(path, os.W_OK) else "ro")
    except sqlite3.Error as err:
        raise CollectionError(f"{path}: cannot open the collection ({err})") from None


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


def _backup(collection: Collection) -> Path:
    """Copy the collection aside before a migration touches it."""
    version = collection.conn.execute("PRAGMA user_version").fetchone()[0]
    target = collection.path.with_name(f"{collection.path.name}.schema{version}.bak")
    counter = 1
    while target.exists():
        counter += 1
        target = collection.path.with_name(f"{collection.path.name}.schema{version}.{counter}.bak")
    copy = sqlite3.connect(target)
    try:
        collection.conn.backup(copy)
    finally:
        copy.close()
    return target


def _create(path: Path) -> None:
    """Build a new collection beside `path`, then link it into place, so no half-made file is ever seen."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as err:
        raise CollectionError(f"{path.parent}: cannot create the collection folder ({err.strerror})") from None
    temporary = path.with_name(f".{path.name}.new-{os.getpid()}")
    try:
        conn = _connect(temporary, "rwc")
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
        for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm")):
            leftover.unlink(missing_ok=True)
