"""The decks that ship inside the package: loaded into a new collection, and synced when a *shipped* file
changes, never over a learner's own import of the same deck id."""

import sys

from ..deckfile.bundled import BUNDLED_DECK_ID, BUNDLED_DECKS, shipped_deck


def import_shipped_deck(collection, shipped: tuple[bytes, str, str] | None = None, deck_id: str = BUNDLED_DECK_ID):
    """Import a shipped file as its bundled deck (first use, a newer shipped file, or `import --bundled`)."""
    from ..deckfile.reading import parse_deck
    from .decks import import_deck
    from .study import write_setting

    raw, name, file_hash = shipped or shipped_deck(deck_id)
    summary = import_deck(collection, parse_deck(raw, name), file_hash, bundled=True)
    write_setting(collection, BUNDLED_DECKS[deck_id][1], file_hash)
    return summary


def import_shipped_decks(collection) -> list:
    """Every shipped deck (a new collection, or `import --bundled`); their import summaries in order."""
    return [import_shipped_deck(collection, deck_id=deck_id) for deck_id in BUNDLED_DECKS]


def sync_bundled_deck(collection) -> list[str]:
    """Bring the bundled decks in step with the shipped files; returns lines to tell the learner (maybe none)."""
    from .decks import deck_row
    from .study import read_settings, write_setting

    settings = read_settings(collection)
    notes = []
    for deck_id, (_, hash_key) in BUNDLED_DECKS.items():
        shipped = shipped_deck(deck_id)
        file_hash = shipped[2]
        if settings.get(hash_key) == file_hash:
            continue
        stored = deck_row(collection, deck_id)
        if stored is not None and (stored["file_hash"] == file_hash or not stored["bundled"]):
            write_setting(collection, hash_key, file_hash)
            if stored["file_hash"] != file_hash:  # equal: a collection from before this key existed
                notes.append(f"mlsquiz: this version ships an updated deck {deck_id!r}; your own imported version "
                             "is kept ('mlsquiz import --bundled' switches to the shipped one)")
            continue
        import_shipped_deck(collection, shipped, deck_id)  # the file already read and hashed above
    return notes


def open_synced(path, *, sync: bool = True, before_sync=None):
    """The collection at `path`, created with the bundled decks on first use, and synced unless `sync` is False.
    Lines left by an upgrade or the sync go to standard error once. `before_sync(collection)`, if given, runs
    once the collection is open, before the sync (which reads and hashes the shipped files): work to start early,
    that must not raise."""
    from .connection import upgrade_notes
    from .opening import open_collection

    import os

    created = not os.path.lexists(path)  # said once, so a mistyped --db is seen at once
    collection = open_collection(path, populate=import_shipped_decks)
    try:
        notes = [f"created a new collection at {os.path.abspath(path)}"] if created else []
        notes += upgrade_notes(collection)
        if before_sync is not None:
            before_sync(collection)
        if sync:
            notes += sync_bundled_deck(collection)
    except BaseException:
        collection.close()
        raise
    for note in notes:
        print(note if note.startswith("mlsquiz: ") else f"mlsquiz: {note}", file=sys.stderr)
    return collection
