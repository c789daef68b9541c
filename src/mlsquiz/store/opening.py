"""Opening a collection: created on first use, migrated to this version's schema."""

import os

from .connection import Collection, _connect_existing, migrate_if_behind


def open_collection(path, *, populate=None) -> Collection:
    """Open (creating on first use) the collection at `path`, migrated to this version's schema.

    `populate(collection)` fills a brand-new collection before it appears under its name (the command layer
    passes the bundled deck's import: the store does not know about decks shipped with the package)."""
    path = os.fspath(path)
    if not os.path.exists(path):
        from .creation import create  # loaded only when a collection is made

        create(path, populate)
    collection = Collection(path, _connect_existing(path))
    try:
        migrate_if_behind(collection)
    except BaseException:
        collection.close()
        raise
    return collection
