"""Reading an unpacked Anki collection (schema 11 or 18) into plain records, read-only, all before any write."""

import json
import re
import sqlite3
from typing import NamedTuple

from .package import PackageError, full_temporary_folder

SCHEMAS = (11, 18)  # what Anki writes: legacy and old packages 11, modern 18
DUMMY_NOTICE = "Please update to the latest Anki version"
SEPARATOR = "\x1f"
# What `mlsquiz export --with-progress` writes into its decks' descriptions (anki.export.mark_package): the
# collection that wrote it. Anki keeps descriptions through its own import and export.
EXPORT_MARK = re.compile(rb"mlsquiz-collection:([0-9a-f]{32})")


class NoteType(NamedTuple):
    id: int
    name: str
    is_cloze: bool
    fields: tuple[str, ...]  # names, by ordinal
    templates: tuple[tuple[str, str], ...]  # (question, answer) formats, by ordinal


class Note(NamedTuple):
    id: int
    guid: str
    notetype: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]


class Card(NamedTuple):
    id: int
    note: int
    deck: int  # the home deck, also for a card sitting in a filtered deck
    ord: int
    type: int  # 0 new, 1 learning, 2 review, 3 relearning
    queue: int


class LogEntry(NamedTuple):
    id: int  # the answer's time in ms since the epoch
    card: int
    ease: int  # 1 Again .. 4 Easy; 0 for manual rows
    time_ms: int
    type: int  # 0 learning, 1 review, 2 relearning, 3 filtered, 4 manual, 5 rescheduled
    # The ease factor (permille) after the row; 0 on a manual row is Anki's reset ("Forget"), which set-due-date
    # rows never have (rslib RevlogEntry::is_reset). None where unknown.
    factor: int | None = None


class AnkiCollection(NamedTuple):
    schema: int
    notetypes: dict[int, NoteType]
    decks: dict[int, tuple[str, ...]]  # deck id -> name path ("A::B" -> ("A", "B"))
    notes: dict[int, Note]
    cards: list[Card]
    revlog: list[tuple]  # LogEntry fields, as plain tuples
    unreadable_log_rows: int  # log rows left out of `revlog`: a moment or duration that is not a whole number
    deck_marks: dict[int, str] = {}  # deck id -> the mlsquiz collection whose export made it (EXPORT_MARK)


def read_collection(sqlite_path: str, package: str, member: str) -> AnkiCollection:
    """Everything mlsquiz uses from the collection; a damaged or unexpected file is one PackageError."""
    from ..runtime.interrupts import STEPS_BETWEEN_CHECKS, is_interrupt, let_signals_in

    conn = sqlite3.connect(f"file:{sqlite_path}?mode=ro&immutable=1", uri=True)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")  # a package is untrusted input
        conn.set_progress_handler(let_signals_in, STEPS_BETWEEN_CHECKS)  # Ctrl-C stops any statement
        _refuse_hidden_queries(conn, package)
        schema = conn.execute("SELECT ver FROM col").fetchone()[0]
        if schema not in SCHEMAS:
            newer = "newer" if schema > max(SCHEMAS) else "older"
            raise PackageError(f"{package}: its collection has a {newer} schema ({schema}) than mlsquiz reads "
                               f"({', '.join(map(str, SCHEMAS))})")
        _refuse_beyond_memory(conn, package)  # before anything large is read
        notetypes, decks = _notetypes_18(conn) if schema == 18 else _notetypes_11(conn)
        marks = _deck_marks(conn, schema)
        notes = {row[0]: Note(row[0], row[1], row[2], tuple(row[3].split(SEPARATOR)), tuple(row[4].split()))
                 for row in conn.execute("SELECT id, guid, mid, flds, tags FROM notes")}
        cards = [Card._make(row) for row in conn.execute(
            "SELECT id, nid, CASE WHEN odid != 0 THEN odid ELSE did END, CASE WHEN typeof(ord) = 'integer' THEN ord "
            "ELSE -1 END, type, queue FROM cards ORDER BY id")]  # an ordinal that is no number matches no template
        # Plain tuples in LogEntry's order, in time order (the table's own: a log id is the answer's time), as
        # stored: a log has hundreds of thousands of rows, and reading them by card costs a seek per row.
        revlog = conn.execute(
            f"SELECT id, cid, ease, time, type, factor FROM revlog WHERE {_READABLE_LOG_ROW} ORDER BY id").fetchall()
        unreadable = conn.execute("SELECT count(*) FROM revlog").fetchone()[0] - len(revlog)
    except sqlite3.DatabaseError as err:
        if is_interrupt(err):
            raise KeyboardInterrupt from None
        if getattr(err, "sqlite_errorname", "") == "SQLITE_FULL":  # its sorting spilled into a full $TMPDIR
            raise full_temporary_folder(package) from None
        raise PackageError(f"{package}: damaged collection inside ({member}: {err})") from None
    except RecursionError:  # JSON nested far deeper than any Anki collection writes it
        raise PackageError(f"{package}: unexpected collection contents ({member}: data nested too deeply)") from None
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise PackageError(f"{package}: unexpected collection contents ({member}: {err!r})") from None
    finally:
        conn.close()
    if member == "collection.anki2" and len(notes) == 1 and \
            any(DUMMY_NOTICE in field for note in notes.values() for field in note.fields):
        raise PackageError(f"{package}: only Anki's placeholder collection is inside (\"{DUMMY_NOTICE}\"); "
                           "the real one is missing")
    return AnkiCollection(schema, notetypes, decks, notes, cards, revlog, unreadable, marks)


# An import holds the whole package in memory: bounds of its own, checked by counting rows before reading them.
MAX_LOG_ROWS = 20_000_000  # ten times the longest Anki review history we know of
MAX_NOTES = 5_000_000
# What one row costs an import at its peak (measured: 1M log rows of one card, ~730 MB), with a margin.
BYTES_PER_LOG_ROW = 1000
BYTES_PER_NOTE = 4000  # fields, their text, the deck built from them


def _refuse_beyond_memory(conn, package: str) -> None:
    """Refuse, before reading them, more rows than any collection holds, or than this process's memory limit
    (`ulimit -v`) leaves room for: running out halfway would end in a MemoryError instead of one clear line."""
    log = conn.execute("SELECT count(*) FROM revlog").fetchone()[0]
    notes = conn.execute("SELECT count(*) FROM notes").fetchone()[0]
    if log > MAX_LOG_ROWS or notes > MAX_NOTES:
        raise PackageError(f"{package}: refused: {log:,} review-log rows and {notes:,} notes; an import reads at "
                           f"most {MAX_LOG_ROWS:,} and {MAX_NOTES:,}")
    room = memory_room()
    need = log * BYTES_PER_LOG_ROW + notes * BYTES_PER_NOTE
    if room is not None and need > room:
        raise PackageError(f"{package}: too large for this process's memory limit: {log:,} review-log rows and "
                           f"{notes:,} notes need about {need // 2**20:,} MB, {max(room, 0) // 2**20:,} MB are left "
                           "(raise `ulimit -v`); nothing imported")


def memory_room() -> int | None:
    """Bytes this process may still map under its address-space limit; None without a limit."""
    try:
        import resource
    except ImportError:  # not on this system
        return None

    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    if limit in (resource.RLIM_INFINITY, -1):
        return None
    used = 0
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            used = next((int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:")), 0)
    except (OSError, ValueError):
        pass
    return limit - used


def _refuse_hidden_queries(conn, package: str) -> None:
    """Anki's collections hold tables and indexes only. A view in place of a table (an endless recursive query,
    say) would run on every read, and a trigger on any write: both are refused before anything is read."""
    found = conn.execute("SELECT type, name FROM sqlite_master WHERE type IN ('view', 'trigger') LIMIT 1").fetchone()
    if found:
        raise PackageError(f"{package}: refused: its collection holds a {found[0]} ({str(found[1])[:80]!r}), "
                           "which Anki never writes")


# Anki's columns hold integers, but SQLite keeps whatever a damaged or hand-made file puts there. The answer's
# moment and duration are compared as numbers; the card, button and row type are only looked up, and a value
# that matches nothing is skipped for that reason.
_READABLE_LOG_ROW = "typeof(id) = 'integer' AND typeof(time) = 'integer'"


def _clean(text: str) -> str:
    """A name from JSON, which may spell lone surrogates (\\ud800) that no file or database could store."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _notetypes_11(conn) -> tuple[dict, dict]:
    """Schema 11 keeps note types and decks as JSON in the single `col` row."""
    models, decks = conn.execute("SELECT models, decks FROM col").fetchone()
    notetypes = {}
    for model in json.loads(models).values():
        fields = tuple(_clean(f["name"]) for f in sorted(model["flds"], key=lambda f: f["ord"]))
        templates = tuple((_clean(t["qfmt"]), _clean(t["afmt"]))
                          for t in sorted(model["tmpls"], key=lambda t: t["ord"]))
        notetypes[int(model["id"])] = NoteType(int(model["id"]), _clean(model["name"]), model.get("type") == 1,
                                               fields, templates)
    deck_names = {int(deck["id"]): tuple(_clean(deck["name"]).split("::")) for deck in json.loads(decks).values()}
    return notetypes, deck_names


def _deck_marks(conn, schema: int) -> dict[int, str]:
    """Deck id -> the collection identity in its description, for the decks that carry one."""
    if schema == 18:  # the description sits in the `kind` protobuf: the mark is found in its bytes
        rows = conn.execute("SELECT id, kind FROM decks WHERE typeof(kind) = 'blob'")
    else:
        rows = ((deck.get("id"), str(deck.get("desc", "")).encode("utf-8", "replace"))
                for deck in json.loads(conn.execute("SELECT decks FROM col").fetchone()[0]).values())
    marks = {}
    for deck, description in rows:
        found = EXPORT_MARK.search(description) if isinstance(description, bytes) else None
        if found and isinstance(deck, (int, str)) and str(deck).lstrip("-").isdigit():
            marks[int(deck)] = found.group(1).decode()
    return marks


def _notetypes_18(conn) -> tuple[dict, dict]:
    """Schema 18: tables, with protobuf configs. Exported `fields`/`templates` may name note types not
    exported, so everything hangs off `notetypes`."""
    from .protobuf import first

    fields: dict[int, list] = {}
    for ntid, _, name in conn.execute("SELECT ntid, ord, name FROM fields ORDER BY ntid, ord"):
        fields.setdefault(ntid, []).append(name)
    templates: dict[int, list] = {}
    for ntid, _, config in conn.execute("SELECT ntid, ord, config FROM templates ORDER BY ntid, ord"):
        templates.setdefault(ntid, []).append(
            (first(config, 1, b"").decode("utf-8", "replace"), first(config, 2, b"").decode("utf-8", "replace")))
    notetypes = {
        ntid: NoteType(ntid, name, first(config, 1, 0) == 1, tuple(fields.get(ntid, ())),
                       tuple(templates.get(ntid, ())))
        for ntid, name, config in conn.execute("SELECT id, name, config FROM notetypes")
    }
    if any(not isinstance(notetype.name, str) for notetype in notetypes.values()):
        raise ValueError("a note type without a name")
    decks = {did: tuple(name.split(SEPARATOR)) for did, name in conn.execute("SELECT id, name FROM decks")}
    return notetypes, decks


def read_package(path: str) -> AnkiCollection:
    from .package import unpacked_collection

    with unpacked_collection(path) as (sqlite_path, member):
        with open(sqlite_path, "rb") as file:
            if file.read(16) != b"SQLite format 3\x00":
                raise PackageError(f"{path}: damaged collection inside ({member} is not an SQLite database)")
        return read_collection(sqlite_path, path, member)
