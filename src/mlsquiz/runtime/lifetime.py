"""Data a finished command keeps until the process ends, instead of freeing it: an Anki import holds a million
small objects, and freeing them one by one costs it about 60 ms that the operating system spends nothing on.
`cli.console_main` ends the process without freeing them, once the collection is closed and every stream
flushed. No imports here: `mlsquiz due` loads this module too."""

_kept: list = []


def keep_until_exit(*objects) -> None:
    """Hold `objects` (the finished work's data) until the process ends."""
    _kept.extend(objects)


def anything_kept() -> bool:
    return bool(_kept)


def release_kept() -> None:
    """Free what an earlier command run in this process kept (tests run many commands in one process)."""
    _kept.clear()
