"""The collection: every SQL statement of mlsquiz lives in this package. Opening and creating (opening,
creation, connection, backup), migrations (migrations, schema, card_counts), what studying writes (study,
manage, practice), replays written back (replay, reschedule, bulk), imports and merges (decks, anki_import,
merge, bundled), and the rows the figures are computed from (stats, readiness, exam, memory, export_rows).

May import scheduling/, deckfile/, runtime/, terminal/ and the shared root modules; never study/, exam/, anki/
or commands/."""

from .connection import Collection, default_collection_path
from .opening import open_collection

__all__ = ["Collection", "default_collection_path", "open_collection"]
