"""Opening a collection safely: recognise it, refuse foreign or newer files, migrate with a backup first."""

import contextlib
import os
import sqlite3
import stat
import sys

from ..errors import CollectionBusy, CollectionError
from .schema import APPLICATION_ID, SCHEMA_VERSION

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
    def transaction(self, *, check_references: bool = True):
        """One atomic, durable change: BEGIN IMMEDIATE takes the write lock before reading the state.

        `check_references=False` skips SQLite's foreign-key lookup for every row written, for a bulk write whose
        every reference was read from this collection in the same transaction (an Anki import writes 100,000
        reviews of cards it has just saved: 2% of its time). The pragma only changes outside a transaction."""
        if not check_references:
            self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            self._begin_immediate()
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        finally:
            if not check_references:
                self.conn.execute("PRAGMA foreign_keys = ON")

    def _begin_immediate(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            if not getattr(err, "sqlite_errorname", "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
                raise
            raise CollectionBusy(f"{self.path}: the collection is busy: another program (another mlsquiz: an import "
                                 "or a merge?) holds its write lock; nothing was changed, try again when it is "
                                 "done") from None

    @contextlib.contextmanager
    def waiting_at_most(self, milliseconds: int):
        """Writers in this block wait at most this long for another's write lock (then CollectionBusy), so the quiz
        can tell the learner and try again instead of freezing for the whole busy timeout."""
        self.conn.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def sqlite_utils_db(self):
        """The same connection wrapped by sqlite-utils, for the paths that create, migrate or upsert."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn, execute_plugins=False)

    def close(self) -> None:
        self.conn.close()


def reading_apart(path: str, work):
    """work(reader) on a connection of its own to the collection at `path`, `reader` standing for the collection
    (its `conn`), closed afterwards: how a thread or a forked child reads, as neither may use the collection's own
    connection. The work only reads."""

    class Reader:
        conn = sqlite3.connect(path)

    try:
        return work(Reader)
    finally:
        Reader.conn.close()


def read_soon(collection, work, name: str):
    """reading_apart(collection.path, work) started now in a thread named `name`: SQLite leaves Python's lock while
    it reads, so the reading goes on while the caller works. Returns a function that waits for work's answer, or
    raises what it raised."""
    import threading

    result: list = []

    def read() -> None:
        try:
            result.append(reading_apart(collection.path, work))
        except BaseException as error:  # noqa: BLE001 - handed to the waiting caller
            result.append(error)

    worker = threading.Thread(target=read, name=name, daemon=True)
    worker.start()

    def wait():
        worker.join()
        if isinstance(result[0], BaseException):
            raise result[0]
        return result[0]

    return wait


def upgrade_notes(collection: Collection) -> list[str]:
    """Lines the migrations of this opening left for the learner (e.g. schedules recomputed), then forgotten."""
    try:
        notes = [row[0] for row in collection.conn.execute("SELECT text FROM temp.upgrade_notes")]
    except sqlite3.OperationalError:  # no migration left a note
        return []
    collection.conn.execute("DELETE FROM temp.upgrade_notes")
    return notes


def _connect(path: str) -> sqlite3.Connection:
    # SQLite opens a file it may not write read-only by itself; existence was checked by the caller.
    # check_same_thread off: a bulk write builds its indexes in a second thread while this one goes on (see
    # store/bulk.built_alongside); the two never use the connection at the same time.
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # With WAL, FULL syncs the log on every commit: an answer is on disk before the next card shows.
    conn.execute("PRAGMA synchronous = FULL")
    # SQLite copies the log back into the file (a checkpoint, with its own fsync) once the log passes this many
    # pages, inside the commit that crossed it. At the default 1,000 that was every few hundred answers and made
    # the slowest 1% of answer saves 10 ms instead of 1.4 ms; at 4,000 (16 MB) a session's log is mostly copied
    # back when it closes, not between two cards.
    conn.execute("PRAGMA wal_autocheckpoint = 4000")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _connect_existing(path: str) -> sqlite3.Connection:
    try:
        # O_NONBLOCK: a FIFO given as the collection must be refused, not waited on for a writer.
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise CollectionError(f"{path}: no such file (a symbolic link to a missing file?)") from None
    except OSError as err:
        raise CollectionError(f"{path}: cannot read the collection ({err.strerror})") from None
    try:
        mode = os.fstat(handle).st_mode
        if stat.S_ISDIR(mode):
            raise CollectionError(f"{path}: is a folder, not an mlsquiz collection")
        if not stat.S_ISREG(mode):
            raise CollectionError(f"{path}: is not a regular file (a device, FIFO or socket), "
                                  "not an mlsquiz collection")
        header = os.read(handle, len(SQLITE_HEADER))
    except OSError as err:
        raise CollectionError(f"{path}: cannot read the collection ({err.strerror})") from None
    finally:
        os.close(handle)
    if not header:
        raise CollectionError(f"{path}: the file is empty, not an mlsquiz collection (left untouched)")
    if header != SQLITE_HEADER:
        raise CollectionError(f"{path}: not an mlsquiz collection (not an SQLite database; left untouched)")
    remove_leftovers(path)
    try:
        return _connect(path)
    except sqlite3.Error as err:
        hint = "; is the file or its folder read-only?" if "unable to open" in str(err) else ""
        raise CollectionError(f"{path}: cannot open the collection ({err}{hint})") from None


def remove_leftovers(path: str) -> list[str]:
    """Remove what a killed mlsquiz left beside the collection (see creation.temporary_name); never a file whose
    writer still runs. Cheap when there is nothing: one listing of the folder, no pattern compiled."""
    folder, name = os.path.split(os.path.abspath(path))
    try:
        if not any(entry.startswith(f".{name}.") for entry in os.listdir(folder)):
            return []
    except OSError:
        return []
    import re

    from ..runtime.leftovers import remove_stale

    pattern = re.compile(r"^\." + re.escape(name) +
                         r"\.(?:schema\d+\.bak\.)?new-(?P<pid>\d+)(?:-[0-9a-f]+)?(?:-wal|-shm|-journal)?$")
    return remove_stale(folder, pattern)


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


def migrate_if_behind(collection: Collection) -> None:
    """Upgrade an older collection to this version's schema, keeping a backup first (see _migrate)."""
    if _schema_version(collection) < SCHEMA_VERSION:
        _migrate(collection, backup=True)


def _migrate(collection: Collection, *, backup: bool) -> None:
    """Upgrade under the write lock, all steps in one transaction: of two commands opening an old collection
    at once, the second waits, then finds nothing left to do (one backup, no "duplicate column")."""
    from .migrations import apply_migrations

    try:
        with collection.transaction() as conn:
            if conn.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
                return  # another process upgraded it while this one waited for the lock
            if backup:
                from .backup import backup_before_upgrade

                backup_before_upgrade(collection)
            apply_migrations(collection.sqlite_utils_db())
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.Error as err:
        raise CollectionError(f"{collection.path}: could not upgrade the collection ({err})") from None
