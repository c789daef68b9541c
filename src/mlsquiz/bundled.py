"""The deck that ships inside the package, kept in step with the collection whenever its file changes."""

import hashlib
from pathlib import Path

from .errors import CollectionError

BUNDLED_DECK_FILE = "aws-ml-specialty.toml"


def bundled_deck_bytes() -> tuple[bytes, str]:
    """The bundled deck file's bytes and a name for messages, from the installed package."""
    from importlib.resources import files

    packaged = files("mlsquiz").joinpath("decks", BUNDLED_DECK_FILE)
    if packaged.is_file():
        return packaged.read_bytes(), str(packaged)
    # An editable install runs from the source tree, where the deck lives in the top-level decks/ folder.
    source_tree = Path(__file__).resolve().parents[2] / "decks" / BUNDLED_DECK_FILE
    try:
        return source_tree.read_bytes(), str(source_tree)
    except OSError:
        raise CollectionError(f"the bundled deck {BUNDLED_DECK_FILE} is missing from this installation; reinstall mlsquiz") from None


def sync_bundled_deck(collection) -> None:
    """Import the bundled deck if the collection has not seen this exact file yet."""
    from .store.decks import deck_with_file_hash, import_deck

    raw, name = bundled_deck_bytes()
    file_hash = hashlib.sha256(raw).hexdigest()
    if deck_with_file_hash(collection, file_hash):
        return
    from .deck import parse_deck

    import_deck(collection, parse_deck(raw, name), file_hash, bundled=True)
