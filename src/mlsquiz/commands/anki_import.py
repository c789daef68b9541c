"""`mlsquiz import FILE`, chosen by content: an Anki package (.apkg/.colpkg), another mlsquiz collection (a merge),
or else a deck file (the caller's path)."""

import hashlib
import os
from collections import Counter

from ..errors import UsageError

SQLITE_HEADER = b"SQLite format 3\x00"
FUTURE_SLACK_MS = 86_400_000  # a log row up to a day ahead of this clock is another machine's clock, not the future
MLSQUIZ_NOTE_TYPE = "mlsquiz "  # the prefix of every note type mlsquiz exports


def import_by_content(args, context) -> int | None:
    """Run the import this file needs; None means "a deck file": the caller's TOML path takes it."""
    from ..anki.package import looks_like_zip
    from ..deckfile.reading import file_head

    to_toml = getattr(args, "to_toml", None)
    if to_toml is not None and not to_toml.strip():
        raise UsageError("--to-toml needs the name of the deck file to write")
    # Missing, unreadable or not a regular file (a FIFO must not block): b"", and the deck-file path reports it.
    head = file_head(args.file, len(SQLITE_HEADER))
    if looks_like_zip(head):
        return run_anki_import(args, context)
    if str(args.file).lower().endswith((".apkg", ".colpkg")) and head:
        from ..anki.package import PackageError

        raise PackageError(f"{args.file}: not an Anki package (not a zip file)")
    if to_toml is not None or getattr(args, "with_progress", False):
        raise UsageError("--to-toml and --with-progress go with an Anki package (.apkg or .colpkg)")
    if head == SQLITE_HEADER:
        from .merge import run_merge

        return run_merge(args, context)
    return None


def own_card_keys(rows) -> dict[tuple[str, int], int]:
    """(note GUID, card ordinal) -> card row id for every mlsquiz card, as `mlsquiz export` names them in Anki."""
    from ..anki.export import anki_identity

    return {anki_identity(row["deck"], row["card_id"], row["type"]): row["id"] for row in rows}


def classify_notes(package, own_guids: set[str]) -> tuple[list, list, list]:
    """(mlsquiz's own notes, mlsquiz notes of decks this collection lacks, foreign notes) as note id lists."""
    own, stranger, foreign = [], [], []
    for note in package.notes.values():
        notetype = package.notetypes.get(note.notetype)
        if note.guid in own_guids:
            own.append(note.id)
        elif notetype is not None and notetype.name.startswith(MLSQUIZ_NOTE_TYPE):
            stranger.append(note.id)
        else:
            foreign.append(note.id)
    return own, stranger, foreign


def run_anki_import(args, context) -> int:
    from ..errors import MlsquizError
    from ..runtime.interrupts import signals_interrupt

    try:
        with signals_interrupt():  # SIGTERM and SIGHUP as Ctrl-C: the unpacked copy is removed on every way out
            return _run_anki_import(args, context)
    except MemoryError:  # beyond what read_collection could foresee; the transaction was rolled back
        raise MlsquizError(f"{args.file}: not enough memory to import this package (the memory limit, "
                           "`ulimit -v`, or the machine's); nothing imported") from None


class _CommitHeld:
    """From just before the import's COMMIT until its summary is printed, Ctrl-C, SIGTERM and SIGHUP are noted,
    not raised: a signal then would report "interrupted" for an import that is saved (or about to be, as COMMIT
    is one statement that either lands or not). Wraps the collection's `transaction` for one call."""

    def __init__(self, collection):
        self.collection, self.original = collection, collection.transaction
        self.own = "transaction" in vars(collection)  # an instance's own attribute, or the class's method
        self.noted = []

    def __enter__(self):
        import contextlib

        @contextlib.contextmanager
        def transaction(*args, **kwargs):
            with self.original(*args, **kwargs) as conn:
                yield conn
                self.hold()  # the body is done: what follows is COMMIT
        self.collection.transaction = transaction
        return self

    def __exit__(self, *exc):
        if self.own:
            self.collection.transaction = self.original
        else:
            del self.collection.transaction

    def hold(self) -> None:
        import signal
        import threading

        from ..runtime.interrupts import SIGNALS

        if threading.current_thread() is not threading.main_thread():
            return  # no handlers of ours there (signals_interrupt sets none either)
        for name in SIGNALS:
            number = getattr(signal, name, None)
            if number is not None:  # signals_interrupt puts back the handlers from before on its way out
                signal.signal(number, lambda signum, frame: self.noted.append(signum))


def _run_anki_import(args, context) -> int:
    from ..anki.collection import read_package
    from ..runtime.gc_pause import collector_paused
    from ..terminal.progress import SHOW_FROM_BYTES, progress

    path = args.file
    if getattr(args, "to_toml", None) is not None:  # refused before any work, as `export -o` does
        check_toml_target(args.to_toml, context.db_path, getattr(args, "force", False))
    with progress(f"importing {os.path.basename(path)}", os.path.getsize(path), SHOW_FROM_BYTES) as bars, \
            collector_paused():
        bars.stage("reading the package", None)
        package = read_package(path)  # every read and check happens before the collection is touched
        report = _import_package(args, context, path, package, bars)
    print(report)  # after the bar is gone from the terminal
    return 0


def _import_package(args, context, path, package, bars) -> str:
    """The import (or --to-toml) itself; returns the line to print once it is done."""
    from ..anki.history import folds_ahead, reviews_by_card, reviews_from_log
    from ..runtime.forked import forked
    from ..runtime.lifetime import keep_until_exit
    from ..store.anki_import import apply_anki_import, collection_identity, own_card_rows
    from ..store.memory import replay_scheduling

    collection = context.open_collection()
    try:
        keys = own_card_keys(own_card_rows(collection))
        own, stranger, foreign = classify_notes(package, {guid for guid, _ in keys})
        if getattr(args, "to_toml", None) is not None:
            tables, _, deck_skipped, _, _ = _foreign_decks(package, foreign, path, parse=False)
            return write_toml(args, path, tables, _skipped(deck_skipped, stranger), context.db_path)
        with_progress, own_notes = getattr(args, "with_progress", False), set(own)
        # The decks are built (HTML to text, every card checked) in a second process while this one maps the log
        # and folds each card's reviews: two cores, each about a third of a second for 10,000 notes.
        with forked(_foreign_decks, package, foreign, path, True) as building:
            bars.stage("reading the review log", None)
            reviews, log_skipped = reviews_from_log(package.revlog, context.settings(collection)["rollover_hour"],
                                                    int(context.now.timestamp() * 1000) + FUTURE_SLACK_MS)
            by_card = reviews_by_card(reviews)
            scheduling = replay_scheduling(collection.conn)
            folds = {}
            if scheduling is None or scheduling.scheduler != "fsrs":  # FSRS intervals need stored memory
                folds = folds_ahead(by_card, _answerable(package, own_notes, set(foreign) if with_progress else ()))
            decks, card_keys, deck_skipped, anki_decks, hashes = building.result()
        skipped = _skipped(deck_skipped, stranger)
        skipped.update(log_skipped)
        if package.unreadable_log_rows:
            skipped["log rows whose time is not a whole number"] += package.unreadable_log_rows
        ours = decks_exported_here(package, collection_identity(collection))
        own_answers, foreign_answers = split_reviews(by_card, package, own_notes, keys, card_keys, with_progress,
                                                     skipped, ours)
        with open(path, "rb") as package_file:  # the decks' file_hash: the file they came from, as for deck files
            digest = hashlib.file_digest(package_file, "sha256").hexdigest()
        from ..store.backup import backup_before

        backup_before(collection, f"import {os.path.basename(path)}", context.now)
        with _CommitHeld(collection):  # once it commits, a Ctrl-C no longer says "interrupted" (until printed)
            figures = apply_anki_import(collection, decks, digest, own_answers, foreign_answers, folds, bars,
                                        anki_decks, hashes)
    finally:
        collection.close()
    keep_until_exit(package, reviews, by_card, folds, decks, own_answers, foreign_answers)
    return summary_line(path, len(package.notes), len(own), len(foreign), figures, skipped)


def _foreign_decks(package, foreign: list, path: str, parse: bool) -> tuple:
    """(decks, Anki card id -> (deck id, card id), Counter of what was skipped, deck id -> Anki deck id, each
    deck's store.decks.content_hashes or None): the decks as tables (the --to-toml file's) or, with `parse`, as
    checked mlsquiz Decks with their cards' content hashes (worked out here: in the forked child)."""
    from ..anki.foreign import foreign_decks

    mapped = foreign_decks(package, foreign)
    if not parse:
        return mapped.decks, mapped.card_keys, mapped.skipped, mapped.anki_decks, None
    from ..store.decks import content_hashes

    decks = [parse_foreign_deck(deck, path) for deck in mapped.decks]
    return decks, mapped.card_keys, mapped.skipped, mapped.anki_decks, [content_hashes(deck.cards) for deck in decks]


def _skipped(deck_skipped, stranger: list) -> Counter:
    skipped = Counter(deck_skipped)
    if stranger:
        skipped["notes of mlsquiz decks not in this collection (import their deck files first)"] += len(stranger)
    return skipped


def _answerable(package, own: set, foreign) -> list[int]:
    """The Anki cards whose reviews an import may bring: those of mlsquiz's notes, and of `foreign` notes."""
    return [card.id for card in package.cards if card.note in own or card.note in foreign]


def decks_exported_here(package, identity: str | None) -> set[int]:
    """The package's Anki decks that this collection's own export made (marked so, or under a deck marked so)."""
    if identity is None:
        return set()
    by_path = {path: deck for deck, path in package.decks.items()}
    return {deck for deck, path in package.decks.items()
            if any(package.deck_marks.get(by_path.get(path[:depth])) == identity for depth in range(1, len(path) + 1))}


def split_reviews(by_card: dict, package, own: set, keys: dict, foreign_keys: dict, with_progress: bool, skipped,
                  ours: set | None = None):
    """(card row id, Anki card id, its reviews) for mlsquiz's own cards and ((deck id, card id), Anki card id,
    its reviews) for foreign ones, from the reviews by Anki card; what cannot or should not come is counted in
    `skipped`. Reviews of mlsquiz's own cards come without `with_progress` only from the decks in `ours` (those
    this collection exported): another learner's package holds the same notes, but their answers."""
    cards = {card.id: card for card in package.cards}
    own_answers, foreign_answers = [], []
    for anki_card, reviews in by_card.items():
        card = cards.get(anki_card)
        if card is None:
            skipped["log rows of cards not in the package"] += len(reviews)
        elif card.note in own:
            rowid = keys.get((package.notes[card.note].guid, card.ord))
            if rowid is None:
                skipped["reviews of mlsquiz cards not in this collection"] += len(reviews)
            elif not with_progress and card.deck not in (ours or ()):
                skipped["reviews not exported by this collection (add --with-progress to bring them)"] += len(reviews)
            else:
                own_answers.append((rowid, anki_card, reviews))
        elif anki_card in foreign_keys:
            if with_progress:
                foreign_answers.append((foreign_keys[anki_card], anki_card, reviews))
            else:
                skipped["reviews of other decks' cards (add --with-progress to bring them)"] += len(reviews)
        else:
            skipped["reviews of cards not imported"] += len(reviews)
    return own_answers, foreign_answers


def parse_foreign_deck(tables: dict, path: str):
    """Validated by the deck-file reader itself, so the --to-toml file of these tables gives the same cards."""
    from ..deckfile.reading import deck_from_tables

    return deck_from_tables(tables, f"{path} (deck {tables['deck']['id']})")


def summary_line(path: str, notes: int, own: int, foreign: int, figures: dict, skipped: Counter) -> str:
    line = (f"{path}: {notes} notes read ({own} from mlsquiz, {foreign} from other decks); "
            f"{figures['added']} cards added, {figures['updated']} updated"
            + (f", {figures['retired']} retired" if figures["retired"] else "")
            + f"; {figures['merged']} reviews merged")
    if figures["known"]:
        line += f" ({figures['known']} already known)"
    if figures.get("decks"):
        line += f"; deck{'s' if len(figures['decks']) > 1 else ''} {', '.join(figures['decks'])}"
    if skipped:
        line += "; skipped: " + ", ".join(f"{count} {reason}" for reason, count in sorted(skipped.items()))
    return line


def check_toml_target(target: str, collection_path: str, force: bool):
    """The rules of `export -o` (anki.export.check_target) for the deck file --to-toml writes: never the
    collection, its files, links, devices, FIFOs or folders; an existing file that is not a deck file, or is
    read-only, only with `force`. The target's stat if a file will be replaced."""
    from ..anki.export import check_target
    from ..errors import MlsquizError

    status = check_target(target, collection_path, force=True)  # what no --force may replace
    if status is not None and not force:
        if not status.st_mode & 0o222:
            raise MlsquizError(f"{target}: is read-only; add --force to replace it")
        if not is_deck_file(target):
            raise MlsquizError(f"{target}: exists and is not a deck file; add --force to replace it")
    return status


def is_deck_file(path: str) -> bool:
    """A TOML file with a [deck] table (read within the deck-file reader's bounds)."""
    import tomllib

    from ..deckfile.reading import deck_text, read_deck_bytes
    from ..errors import MlsquizError

    try:
        data = tomllib.loads(deck_text(read_deck_bytes(path), path))
    except (MlsquizError, OSError, ValueError, RecursionError):  # too large, not UTF-8, not TOML
        return False
    return isinstance(data.get("deck"), dict)


def write_toml(args, path: str, decks: list[dict], skipped: Counter, collection_path: str) -> str:
    import tempfile

    from ..anki.export import _move_into_place
    from ..anki.toml_writer import deck_toml
    from ..errors import MlsquizError

    if not decks:
        raise MlsquizError(f"{path}: no notes of other decks to write (only mlsquiz's own notes, or none)")
    if len(decks) > 1:
        names = ", ".join(deck["deck"]["name"] for deck in decks)
        raise MlsquizError(f"{path}: holds {len(decks)} decks ({names}); --to-toml writes one: "
                           "export a single deck from Anki")
    deck = decks[0]
    note = f"Written by mlsquiz from the Anki package {os.path.basename(path)}."
    if skipped:
        note += "\nSkipped: " + ", ".join(f"{count} {reason}" for reason, count in sorted(skipped.items()))
    parse_foreign_deck(deck, path)  # never write a file that `mlsquiz import` would refuse
    # Checked again now that the deck is known: what was there may have changed during the reading.
    replacing = check_toml_target(args.to_toml, collection_path, getattr(args, "force", False))
    target = os.path.abspath(args.to_toml)
    partial = None
    try:
        handle, partial = tempfile.mkstemp(prefix=".mlsquiz-", suffix=".toml.part", dir=os.path.dirname(target))
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(deck_toml(deck, note))
        _move_into_place(partial, target, replacing)  # export's: never over what appeared or changed meanwhile
    except OSError as err:
        raise MlsquizError(f"{args.to_toml}: cannot write ({err.strerror or err})") from None
    finally:
        if partial and os.path.exists(partial):
            os.remove(partial)
    return (f"{args.to_toml}: deck {deck['deck']['id']!r} with {len(deck['cards'])} entries "
            f"(import it with 'mlsquiz import {args.to_toml}')")
