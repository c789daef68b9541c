"""The deck files that ship inside the package, read from the installed package or, in an editable install,
from the source tree's decks/ folder. Syncing them into a collection is store/bundled.py's job."""

from ..errors import CollectionError


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
    source_tree = Path(__file__).resolve().parents[3] / "decks" / BUNDLED_DECK_FILE
    try:
        return source_tree.read_bytes(), str(source_tree)
    except OSError:
        raise CollectionError(f"the bundled deck {BUNDLED_DECK_FILE} is missing from this installation; reinstall mlsquiz") from None


def shipped_deck() -> tuple[bytes, str, str]:
    """The shipped deck file's bytes, a name for messages, and its SHA-256 (what the collection remembers)."""
    import hashlib

    raw, name = bundled_deck_bytes()
    return raw, name, hashlib.sha256(raw).hexdigest()
