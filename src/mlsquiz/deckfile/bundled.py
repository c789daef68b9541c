"""The deck files that ship inside the package, read from the installed package or, in an editable install,
from the source tree's decks/ folder. Syncing them into a collection is store/bundled.py's job."""

from ..errors import CollectionError


BUNDLED_DECK_FILE = "aws-ml-specialty.toml"
BUNDLED_DECK_ID = "aws-ml-specialty"  # the 2020 roadmap post's deck (its exam, MLS-C01, retired 2026-03-31)
SHIPPED_HASH_KEY = "bundled_deck_hash"  # config row: the shipped file this collection last synced or kept
EXAM_DECK_ID = "mla-c01"  # the exam a learner can book today: exam commands fall back to it
# deck id -> (file, config row remembering the shipped file this collection last synced or kept)
BUNDLED_DECKS = {
    BUNDLED_DECK_ID: (BUNDLED_DECK_FILE, SHIPPED_HASH_KEY),
    EXAM_DECK_ID: ("mla-c01.toml", "bundled_deck_hash:mla-c01"),
}


def bundled_deck_bytes() -> tuple[bytes, str]:
    """The roadmap deck file's bytes and a name for messages, from the installed package."""
    return bundled_file_bytes(BUNDLED_DECK_FILE)


def bundled_file_bytes(file_name: str) -> tuple[bytes, str]:
    """A shipped deck file's bytes and a name for messages, from the installed package."""
    from importlib.resources import files

    packaged = files("mlsquiz").joinpath("decks", file_name)
    if packaged.is_file():
        return packaged.read_bytes(), str(packaged)
    from pathlib import Path  # here, not at the top: `mlsquiz due` imports this module and must start fast

    # An editable install runs from the source tree, where the deck lives in the top-level decks/ folder.
    source_tree = Path(__file__).resolve().parents[3] / "decks" / file_name
    try:
        return source_tree.read_bytes(), str(source_tree)
    except OSError:
        raise CollectionError(f"the bundled deck {file_name} is missing from this installation; reinstall mlsquiz") from None


def shipped_deck(deck_id: str = BUNDLED_DECK_ID) -> tuple[bytes, str, str]:
    """A shipped deck file's bytes, a name for messages, and its SHA-256 (what the collection remembers)."""
    import hashlib

    raw, name = bundled_deck_bytes() if deck_id == BUNDLED_DECK_ID else bundled_file_bytes(BUNDLED_DECKS[deck_id][0])
    return raw, name, hashlib.sha256(raw).hexdigest()
