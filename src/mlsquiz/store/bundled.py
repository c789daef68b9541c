"""The deck that ships inside the package: loaded into a new collection, and synced when the *shipped* file
changes, never over a learner's own import of the same deck id."""

import sys

from ..deckfile.bundled import BUNDLED_DECK_ID, SHIPPED_HASH_KEY, shipped_deck


def import_shipped_deck(collection, shipped: tuple[bytes, str, str] | None = None):
    """Import the shipped file as the bundled deck (first use, a newer shipped file, or `import --bundled`)."""
    from ..deckfile.reading import parse_deck
    from .decks import import_deck
    from .study import write_setting

    raw, name, file_hash = shipped or shipped_deck()
    summary = import_deck(collection, parse_deck(raw, name), file_hash, bundled=True)
    write_setting(collection, SHIPPED_HASH_KEY, file_hash)
    return summary


def sync_bundled_deck(collection) -> list[str]:
    """Bring the bundled deck in step with the shipped file; returns lines to tell the learner (maybe none)."""
    from .decks import deck_row
    from .study import read_settings, write_setting

    shipped = shipped_deck()
    file_hash = shipped[2]
    if read_settings(collection).get(SHIPPED_HASH_KEY) == file_hash:
        return []
    stored = deck_row(collection, BUNDLED_DECK_ID)
    if stored is not None and (stored["file_hash"] == file_hash or not stored["bundled"]):
        write_setting(collection, SHIPPED_HASH_KEY, file_hash)
        if stored["file_hash"] == file_hash:  # a collection from before this key existed
            return []
        return [f"mlsquiz: this version ships an updated deck {BUNDLED_DECK_ID!r}; your own imported version is kept "
                "('mlsquiz import --bundled' switches to the shipped one)"]
    import_shipped_deck(collection, shipped)  # the file already read and hashed above
    return []


def open_synced(path, *, sync: bool = True):
    """The collection at `path`, created with the bundled deck on first use, and synced unless `sync` is False.
    Lines left by an upgrade or the sync go to standard error once."""
    from .opening import open_collection
    from .connection import upgrade_notes

    collection = open_collection(path, populate=import_shipped_deck)
    try:
        notes = upgrade_notes(collection)
        if sync:
            notes += sync_bundled_deck(collection)
    except BaseException:
        collection.close()
        raise
    for note in notes:
        print(note if note.startswith("mlsquiz: ") else f"mlsquiz: {note}", file=sys.stderr)
    return collection
