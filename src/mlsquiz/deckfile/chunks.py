"""Reading a large deck file piece by piece, so an import can say how far it is (tomllib has no callback), and
so that a forked child can parse the later half of the cards while this process parses the first (two cores:
tomllib is pure Python, about 60 ms per 1,000 cards).

The text is cut just before `[[cards]]` header lines; each piece is parsed on its own and the pieces' card
arrays are joined. A cut that falls inside a multi-line string leaves that piece with an unterminated string,
so it fails to parse: the caller then parses the whole text, which also gives the exact error and line."""

import re
import tomllib

# A `[[cards]]` header: what ^[ \t]*\[\[[ \t]*cards[ \t]*\]\] finds in MULTILINE mode, found from the brackets
# back to the line's start (a search for ^ tries every character of the file: three times as long).
_CARD_BRACKETS = re.compile(r"\[\[[ \t]*cards[ \t]*\]\]")
ALONGSIDE_FROM = 2_000  # cards: below this a fork (and the result's pickling) costs more than half a parse saves


def pieces(text: str, cards_per_piece: int) -> list[tuple[str, int]]:
    """(piece of text, cards it starts) in order; the first piece also holds everything before the cards."""
    starts = card_header_starts(text)
    cuts = starts[cards_per_piece::cards_per_piece]
    bounds = [0, *cuts, len(text)]
    counts = [cards_per_piece] * len(cuts) + [len(starts) - cards_per_piece * len(cuts)]
    return [(text[begin:end], count) for begin, end, count in zip(bounds, bounds[1:], counts)]


def card_header_starts(text: str) -> list[int]:
    """Where each line that is a `[[cards]]` header starts (only spaces and tabs before its brackets)."""
    starts = []
    for match in _CARD_BRACKETS.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if not text[line_start:match.start()].strip(" \t"):
            starts.append(line_start)
    return starts


def parse_in_pieces(text: str, stage=None, cards_per_piece: int = 500, alongside: bool = False) -> dict | None:
    """The parsed document, after `stage(total cards)` and an `advance(cards)` per piece (stage returns the
    advance function; None: no one is told); None when it must be parsed whole. With `alongside`, a large file's
    later half is parsed by a forked child meanwhile (runtime/forked.py: without a child, here afterwards); a
    small one, with no one to tell, is left to the whole parse."""
    cut = pieces(text, cards_per_piece)
    total = sum(count for _, count in cut)
    later = []
    if alongside and total >= ALONGSIDE_FROM and len(cut) > 1 and _cores() > 1:
        cut, later = cut[:len(cut) // 2], cut[len(cut) // 2:]
    elif stage is None:  # no one to tell, no second core worth using: a whole parse is as fast
        return None
    advance = stage(total) if stage is not None else None
    from contextlib import nullcontext

    from ..runtime.forked import forked

    document: dict = {}
    with forked(_parsed, "".join(piece for piece, _ in later)) if later else nullcontext() as parsing:
        for piece, count in cut:
            if not _joined(document, _parsed(piece)):
                return None
            if advance is not None:
                advance(count)
        if later:
            if not _joined(document, parsing.result()):
                return None
            if advance is not None:
                advance(sum(count for _, count in later))
    return document


def _cores() -> int:
    """The processors this process may run on (a child on the same single one only adds its own cost)."""
    import os

    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on this system
        return os.cpu_count() or 1


def _parsed(piece: str) -> dict | None:
    """A piece's tables, or None if it does not parse on its own."""
    try:
        return tomllib.loads(piece)
    except (tomllib.TOMLDecodeError, RecursionError):
        return None


def _joined(document: dict, part: dict | None) -> bool:
    """Add a piece's tables to `document`; False when the piece failed, or names a table another piece holds."""
    if part is None:
        return False
    for key, value in part.items():
        if key not in document:
            document[key] = value
        elif isinstance(document[key], list) and isinstance(value, list):
            document[key].extend(value)
        else:  # the same table in two pieces: let the whole-text parse report it
            return False
    return True
