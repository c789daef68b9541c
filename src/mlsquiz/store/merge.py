"""Merging another mlsquiz collection into this one: decks and cards by id, reviews as a union by uid, states
replayed. The other file is only read (a private copy is upgraded to this schema first, if it is older)."""

import contextlib
import os
import shutil
import sqlite3
import tempfile

from ..errors import CollectionError
from .schema import APPLICATION_ID, SCHEMA_VERSION


def _read_only(path: str) -> sqlite3.Connection:
    # Without a write-ahead log beside it, the file is read as immutable: SQLite then creates no -wal or -shm
    # file next to it. With one (the other copy is open, or was not closed cleanly) its log must be read too.
    from urllib.parse import quote

    mode = "ro" if os.path.exists(path + "-wal") else "ro&immutable=1"
    conn = sqlite3.connect(f"file:{quote(os.path.abspath(path))}?mode={mode}", uri=True, isolation_level=None)
    conn.execute("PRAGMA trusted_schema = OFF")
    _interruptible(conn)
    return conn


def _interruptible(conn: sqlite3.Connection) -> None:
    """Ctrl-C (SIGTERM, SIGHUP: runtime.interrupts) stops even one endless statement."""
    from ..runtime.interrupts import STEPS_BETWEEN_CHECKS, let_signals_in

    conn.set_progress_handler(let_signals_in, STEPS_BETWEEN_CHECKS)


def _raise_if_interrupt(err: sqlite3.Error) -> None:
    from ..runtime.interrupts import is_interrupt

    if is_interrupt(err):
        raise KeyboardInterrupt from None


@contextlib.contextmanager
def readable_copy(path: str):
    """A private, consistent copy of the other collection at this schema; the original is never written."""
    from ..runtime.leftovers import sweep_temporary_copies, temporary_copy_prefix

    sweep_temporary_copies()  # what a killed merge left
    try:
        source = _read_only(path)
        application_id, version = (source.execute(f"PRAGMA {p}").fetchone()[0] for p in ("application_id",
                                                                                        "user_version"))
    except sqlite3.Error as err:
        _raise_if_interrupt(err)
        raise CollectionError(f"{path}: cannot read it as a collection ({err}); nothing merged") from None
    try:
        if application_id != APPLICATION_ID:
            hint = " (an Anki collection? export it from Anki as .apkg)" if _is_anki(source) else ""
            raise CollectionError(f"{path}: not an mlsquiz collection{hint}; nothing merged")
        if version > SCHEMA_VERSION:
            raise CollectionError(f"{path}: written by a newer mlsquiz (schema {version}; this one knows up to "
                                  f"{SCHEMA_VERSION}); upgrade mlsquiz first")
        _refuse_hidden_queries(source, path)
        folder = None
        try:
            with _signals_held():  # a signal between making the folder and noting it would leave it behind
                folder = tempfile.mkdtemp(prefix=temporary_copy_prefix("merge"))  # the pid: runtime/leftovers.py
            copy_path = os.path.join(folder, "other.db")
            target = sqlite3.connect(copy_path)
            try:
                _interruptible(target)
                source.backup(target, pages=COPY_PAGES)  # in steps: Ctrl-C is heard between them
                problem = target.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                target.close()
        except BaseException as err:  # a damaged file, Ctrl-C, SIGTERM: the copy goes either way
            if folder is None:
                if isinstance(err, OSError):
                    raise CollectionError(f"cannot make a temporary folder in {tempfile.gettempdir()} "
                                          f"({err.strerror}) to copy the other collection; nothing merged") from None
                raise
            shutil.rmtree(folder, ignore_errors=True)
            if isinstance(err, sqlite3.Error):
                _raise_if_interrupt(err)
                if getattr(err, "sqlite_errorname", "") == "SQLITE_FULL":
                    raise CollectionError(f"not enough space in the temporary folder {tempfile.gettempdir()} "
                                          f"($TMPDIR) to copy {path}; nothing merged") from None
                raise CollectionError(f"{path}: the collection is damaged ({err}); nothing merged") from None
            raise
    finally:
        source.close()
    try:
        if problem != "ok":
            raise CollectionError(f"{path}: the collection is damaged ({problem}); nothing merged")
        if version < SCHEMA_VERSION:
            from .opening import open_collection

            open_collection(copy_path).close()  # migrates the copy, never the original
        yield copy_path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


COPY_PAGES = 4096  # pages per backup step: 16 MiB at the default page size


@contextlib.contextmanager
def _signals_held():
    """Ctrl-C, SIGTERM and SIGHUP wait until the block is done (then they act as usual)."""
    import signal

    held = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _refuse_hidden_queries(conn, path: str) -> None:
    """mlsquiz makes no views and only the triggers of its own migrations. A view in place of a table (an
    endless recursive query) would run on every read, an unknown trigger on the upgrade's writes: both are
    refused before any row is read."""
    try:
        found = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('view', 'trigger')").fetchall()
    except sqlite3.Error as err:
        _raise_if_interrupt(err)
        raise CollectionError(f"{path}: the collection is damaged ({err}); nothing merged") from None
    known = _known_triggers() if any(kind == "trigger" for kind, _, _ in found) else set()
    for kind, name, sql in found:
        if kind == "view" or (name, sql) not in known:
            raise CollectionError(f"{path}: refused: it holds a {kind} ({str(name)[:80]!r}) that mlsquiz never "
                                  "makes; nothing merged")


def _known_triggers() -> set:
    """(name, SQL) of every trigger any version of mlsquiz's schema has had: its migrations, step by step, in
    memory (a few milliseconds)."""
    import sqlite_utils

    from .migrations import MIGRATIONS

    db = sqlite_utils.Database(memory=True)
    known = set()
    for step in MIGRATIONS:
        step(db)
        known.update(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    db.close()
    return known


def _is_anki(conn) -> bool:
    with contextlib.suppress(sqlite3.Error):
        return bool(conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'revlog'").fetchone())
    return False


def _columns(conn, schema: str, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA {schema}.table_info({table})")]


def merge_collection(collection, other_path: str, bars=None, name: str | None = None) -> dict:
    """Union `other_path` (a copy at this schema) into the collection in one transaction; figures of what came.
    `bars` (progress.progress) is told how far it is. Every row of the other collection is checked first (as
    deck files and the review log are): the first bad one refuses the whole merge, named in one line."""
    from .merge_rows import first_bad_row
    from .replay import recompute_states

    conn = collection.conn
    conn.execute("ATTACH DATABASE ? AS other", (other_path,))
    _interruptible(conn)
    try:
        if bars is not None:
            bars.stage("checking the other collection", None)
        problem = first_bad_row(conn)
        if problem:
            raise CollectionError(f"{name or other_path}: {problem}; nothing merged")
        with collection.transaction():
            if bars is not None:
                bars.stage("merging decks, cards and reviews", None)
            figures = _merge(conn)
            touched = [row[0] for row in conn.execute("SELECT card FROM temp.merge_touched")]
            recompute_states(conn, touched, bars=bars)
            conn.execute("DROP TABLE temp.merge_touched")
    except sqlite3.OperationalError as err:
        _raise_if_interrupt(err)  # rolled back whole, as any failure
        raise
    finally:
        conn.set_progress_handler(None, 0)
        conn.execute("DETACH DATABASE other")
    return figures


# The same card on both machines: the other's card row id -> this collection's.
_CARD_MATCH = ("JOIN other.cards oc ON oc.id = {column} "
               "JOIN main.cards mc ON mc.deck = oc.deck AND mc.card_id = oc.card_id")


def _merge(conn) -> dict:
    shared = {table: [c for c in _columns(conn, "main", table) if c in _columns(conn, "other", table)]
              for table in ("decks", "cards", "reviews")}
    deck_columns = ", ".join(shared["decks"])
    decks = conn.execute(
        f"""INSERT INTO main.decks ({deck_columns}) SELECT {deck_columns} FROM other.decks
            WHERE id NOT IN (SELECT id FROM main.decks)"""
    ).rowcount
    card_columns = [c for c in shared["cards"] if c != "id"]
    first_new_card = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM main.cards").fetchone()[0]
    cards = conn.execute(
        f"""INSERT INTO main.cards ({', '.join(card_columns)}) SELECT {', '.join(f'o.{c}' for c in card_columns)}
            FROM other.cards o WHERE NOT EXISTS
              (SELECT 1 FROM main.cards m WHERE m.deck = o.deck AND m.card_id = o.card_id)"""
    ).rowcount
    conn.execute(
        """INSERT INTO main.card_state (card, deck, section, position, retired)
           SELECT id, deck, section, position, retired FROM main.cards
           WHERE id NOT IN (SELECT card FROM main.card_state)"""
    )
    # A card new to this machine keeps what the learner did to it on the other: suspended, buried, a leech.
    # (A card both machines hold keeps this machine's flags: neither side knows when its own were set.)
    conn.execute(
        f"""UPDATE main.card_state SET suspended = o.suspended, buried_until = o.buried_until, leech = o.leech
            FROM (SELECT mc.id AS card, s.suspended, s.buried_until, s.leech FROM other.card_state s
                  {_CARD_MATCH.format(column="s.card")} WHERE mc.id >= ?) AS o
            WHERE main.card_state.card = o.card""",
        (first_new_card,),
    )
    # Reviews the other machine has and this one lacks, moved onto this collection's row ids for their cards.
    review_columns = [c for c in shared["reviews"] if c not in ("id", "card")]
    conn.execute("CREATE TEMP TABLE merge_touched (card INTEGER PRIMARY KEY)")
    conn.execute(
        f"""CREATE TEMP TABLE merge_incoming AS
            SELECT r.id AS other_id, mc.id AS card FROM other.reviews r {_CARD_MATCH.format(column="r.card")}
            WHERE NOT EXISTS (SELECT 1 FROM main.reviews x WHERE x.uid = r.uid)
              -- a row without a uid (written before uids were kept) is known by its card, moment and grade
              AND NOT (r.uid IS NULL AND EXISTS (SELECT 1 FROM main.reviews x WHERE x.card = mc.id
                                                   AND x.reviewed_at = r.reviewed_at AND x.grade = r.grade
                                                   AND x.kind = r.kind))"""
    )
    reviews = conn.execute(
        f"""INSERT INTO main.reviews (card, {', '.join(review_columns)})
            SELECT i.card, {', '.join(f'r.{c}' for c in review_columns)}
            FROM temp.merge_incoming i JOIN other.reviews r ON r.id = i.other_id ORDER BY r.reviewed_at, r.uid"""
    ).rowcount
    conn.execute("INSERT OR IGNORE INTO temp.merge_touched SELECT card FROM temp.merge_incoming")
    total = conn.execute("SELECT count(*) FROM other.reviews").fetchone()[0]
    conn.execute("DROP TABLE temp.merge_incoming")
    attempts = _merge_practice(conn)
    return {"decks": decks, "cards": cards, "reviews": reviews, "known": total - reviews, "attempts": attempts}


def _merge_practice(conn) -> int:
    """Practice exams the other machine sat, with their questions (answers point at the merged review rows), and
    the cards its practice exams sent to a later quiz; returns how many attempts came. An attempt is the same
    attempt on both machines when its deck and start moment are."""
    attempt_columns = ("deck", "started_at", "study_day", "seconds_allowed", "status", "seconds_used", "right",
                       "questions", "scaled", "passed")
    conn.execute(
        """CREATE TEMP TABLE merge_attempts AS SELECT o.id AS other_id, o.deck, o.started_at
           FROM other.practice_attempts o WHERE o.deck IN (SELECT id FROM main.decks) AND NOT EXISTS
             (SELECT 1 FROM main.practice_attempts m WHERE m.deck = o.deck AND m.started_at = o.started_at)"""
    )
    attempts = conn.execute(
        f"""INSERT INTO main.practice_attempts ({', '.join(attempt_columns)})
            SELECT {', '.join(f'o.{c}' for c in attempt_columns)} FROM other.practice_attempts o
            JOIN temp.merge_attempts t ON t.other_id = o.id ORDER BY o.started_at"""
    ).rowcount
    conn.execute(
        f"""INSERT INTO main.practice_questions (attempt, position, card, section, flagged, answer, right, review)
            SELECT ma.id, q.position, mc.id, q.section, q.flagged, q.answer, q.right, mr.id
            FROM other.practice_questions q JOIN temp.merge_attempts t ON t.other_id = q.attempt
            JOIN main.practice_attempts ma ON ma.deck = t.deck AND ma.started_at = t.started_at
            {_CARD_MATCH.format(column="q.card")}
            LEFT JOIN other.reviews orv ON orv.id = q.review LEFT JOIN main.reviews mr ON mr.uid = orv.uid"""
    )
    # A card sent back on both machines waits for the later practice exam's day.
    conn.execute(
        f"""INSERT INTO main.practice_requeue (card, day) SELECT mc.id, r.day FROM other.practice_requeue r
            {_CARD_MATCH.format(column="r.card")} WHERE true
            ON CONFLICT (card) DO UPDATE SET day = max(day, excluded.day)"""
    )
    conn.execute("DROP TABLE temp.merge_attempts")
    return attempts
