"""The deck that ships inside the package: loaded into a new collection, and synced when the *shipped* file
changes, never over a learner's own import of the same deck id."""

import sys

from .errors import CollectionError

BUNDLED_DECK_FILE = "aws-ml-specialty.toml"
BUNDLED_DECK_ID = "aws-ml-specialty"
SHIPPED_HASH_KEY = "bundled_deck_hash"  # config row: the shipped file this collection last synced or kept


def bundled_deck_bytes() -> tuple[bytes, str]:
    """The bundled deck file's bytes and a name for messages, from the installed package."""
    from importlib.resources import files

    packaged = files("mlsquiz").joinpath("decks", BUNDLED_DECK_FILE)
    if packaged.is_file():
        return packaged.read_bytes(), str(packaged)
    from pathlib import Path  # here, not at the top: `mlsquiz due` imports this module and must start fast

    # An editable install runs from the source tree, where the deck lives in the top-level decks/ folder.
    source_tree = Path(__file__).resolve().parents[2] / "decks" / BUNDLED_DECK_FILE
    try:
        return source_tree.read_bytes(), str(source_tree)
    except OSError:
        raise CollectionError(f"the bundled deck {BUNDLED_DECK_FILE} is missing from this installation; reinstall mlsquiz") from None


def shipped_deck() -> tuple[bytes, str, str]:
    """The shipped deck file's bytes, a name for messages, and its SHA-256 (what the collection remembers)."""
    import hashlib

    raw, name = bundled_deck_bytes()
    return raw, name, hashlib.sha256(raw).hexdigest()


def import_shipped_deck(collection, shipped: tuple[bytes, str, str] | None = None):
    """Import the shipped file as the bundled deck (first use, a newer shipped file, or `import --bundled`)."""
    from .deck import parse_deck
    from .store.decks import import_deck
    from .store.study import write_setting

    raw, name, file_hash = shipped or shipped_deck()
    summary = import_deck(collection, parse_deck(raw, name), file_hash, bundled=True)
    write_setting(collection, SHIPPED_HASH_KEY, file_hash)
    return summary


def sync_bundled_deck(collection) -> list[str]:
    """Bring the bundled deck in step with the shipped file; returns lines to tell the learner (maybe none)."""
    from .store.decks import deck_row
    from .store.study import read_settings, write_setting

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
    from .store.connection import open_collection, upgrade_notes

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
