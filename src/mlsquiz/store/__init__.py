"""The collection: every SQL statement of mlsquiz lives in this package."""

from .connection import Collection, default_collection_path, open_collection

__all__ = ["Collection", "default_collection_path", "open_collection"]
