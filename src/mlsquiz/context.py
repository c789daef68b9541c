"""What every command runs with: the collection's path and the moment it runs at (`--now`)."""

import datetime
import os

from . import clock


class Context:
    # A plain class, not a dataclass: importing dataclasses costs `mlsquiz due` several milliseconds.
    def __init__(self, db_path: str, now: datetime.datetime):
        self.db_path = db_path
        self.now = now  # zone-aware, local

    @classmethod
    def from_arguments(cls, db: str | None, now: str | None) -> "Context":
        from .store.connection import default_collection_path

        return cls(os.path.expanduser(db) if db else default_collection_path(), clock.current_moment(now))

    def open_collection(self, *, sync_bundled: bool = True, before_sync=None):
        from .store.bundled import open_synced

        return open_synced(self.db_path, sync=sync_bundled, before_sync=before_sync)

    def settings(self, collection) -> dict[str, int]:
        from .settings import effective_settings
        from .store.study import read_settings

        return effective_settings(read_settings(collection))

    def today(self, collection) -> datetime.date:
        """The study day this command runs on, under the collection's rollover hour."""
        return clock.study_day(self.now, self.settings(collection)["rollover_hour"])
