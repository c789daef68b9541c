"""Deck files (TOML) -> validated decks and card specs. Every problem is reported as `FILE:LINE: message`."""

import re
import tomllib
from pathlib import Path

from ..errors import DeckError
from .model import Deck

MAX_FILE_BYTES = 64 * 1024 * 1024


def load_deck(path: str | Path) -> Deck:
    """Read and validate a deck file; raises DeckError listing every problem."""
    return parse_deck(read_deck_bytes(path), str(path))


def read_deck_bytes(path: str | Path) -> bytes:
    """A deck file's bytes, refusing folders, missing files, anything but a regular file (a FIFO, a device
    such as /dev/zero) and files over the size limit, by the bytes actually read, not the size stated."""
    path = Path(path)
    too_large = DeckError([f"{path}: file is too large (the limit is {MAX_FILE_BYTES // 2**20} MiB)"])
    raw = _read_regular_file(path, MAX_FILE_BYTES + 1, too_large)
    if len(raw) > MAX_FILE_BYTES:  # the size stated was small, the bytes read are not
        raise too_large
    return raw


def file_head(path: str | Path, size: int) -> bytes:
    """The first `size` bytes of a regular file; b"" for anything else (missing, a folder, a FIFO, a device),
    which read_deck_bytes then reports in its own words. Never blocks, never reads more than `size`."""
    try:
        return _read_regular_file(Path(path), size, None)
    except DeckError:
        return b""


def _read_regular_file(path: Path, limit: int, too_large: DeckError | None) -> bytes:
    import os
    import stat

    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below anyway.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        handle = os.open(path, flags)
    except FileNotFoundError:
        raise DeckError([f"{path}: no such file"]) from None
    except OSError as err:
        raise DeckError([f"{path}: cannot read ({err.strerror})"]) from None
    try:
        status = os.fstat(handle)
        if stat.S_ISDIR(status.st_mode):
            raise DeckError([f"{path}: is a folder, not a deck file"])
        if not stat.S_ISREG(status.st_mode):
            raise DeckError([f"{path}: is not a regular file (a device, FIFO or socket), not a deck file"])
        if too_large is not None and status.st_size >= limit:
            raise too_large
        with open(handle, "rb", closefd=False) as file:
            return file.read(limit)
    except OSError as err:
        raise DeckError([f"{path}: cannot read ({err.strerror})"]) from None
    finally:
        os.close(handle)


def deck_text(raw: bytes, name: str) -> str:
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark, as some Windows editors write
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DeckError([f"{name}:{line}: not valid UTF-8 (byte 0x{raw[err.start]:02x})"]) from None


def parse_deck(raw: bytes, name: str, bars=None, alongside: bool = False) -> Deck:
    """A validated deck from a file's bytes; `bars` (progress.progress) is told how far reading and checking are.
    With `alongside`, a large file's later cards are parsed by a forked child meanwhile (deckfile/chunks.py)."""
    text = deck_text(raw, name)
    data = None
    shown = bars is not None and bars.shown
    if shown or alongside:  # in pieces to move a bar or use a second core: a whole parse is as fast on one
        from .chunks import parse_in_pieces

        data = parse_in_pieces(text, (lambda total: bars.stage("reading cards", total).advance) if shown else None,
                               alongside=alongside)
    try:
        data = tomllib.loads(text) if data is None else data
    except RecursionError:  # tomllib recurses once per level; anything this deep is no deck (validation needs 3)
        raise DeckError([f"{name}:1: arrays or tables nested too deeply"]) from None
    except tomllib.TOMLDecodeError as err:
        found = re.search(r"\(at line (\d+), column \d+\)", str(err))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(err)) or "TOML syntax error"
        raise DeckError([f"{name}:{found.group(1) if found else 1}: TOML syntax: {message}"]) from None
    from .check import DeckValidator, Lines

    validator = DeckValidator(data, name, Lines(text))
    if bars is not None and bars.shown:
        cards = data.get("cards")
        validator.advance = bars.stage("checking cards", len(cards) if isinstance(cards, list) else 0).advance
    return validator.validate()


def deck_from_tables(data: dict, name: str) -> Deck:
    """A deck from tables already in memory (as tomllib returns them: an Anki import), validated like a file."""
    from .check import DeckValidator, Lines

    return DeckValidator(data, name, Lines("")).validate()
