"""Reading a large deck file piece by piece, so an import can say how far it is (tomllib has no callback).

The text is cut just before `[[cards]]` header lines; each piece is parsed on its own and the pieces' card
arrays are joined. A cut that falls inside a multi-line string leaves that piece with an unterminated string,
so it fails to parse: the caller then parses the whole text, which also gives the exact error and line."""

import re
import tomllib

_CARD_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*cards[ \t]*\]\]", re.MULTILINE)


def pieces(text: str, cards_per_piece: int) -> list[tuple[str, int]]:
    """(piece of text, cards it starts) in order; the first piece also holds everything before the cards."""
    starts = [match.start() for match in _CARD_HEADER.finditer(text)]
    cuts = starts[cards_per_piece::cards_per_piece]
    bounds = [0, *cuts, len(text)]
    counts = [cards_per_piece] * len(cuts) + [len(starts) - cards_per_piece * len(cuts)]
    return [(text[begin:end], count) for begin, end, count in zip(bounds, bounds[1:], counts)]


def parse_in_pieces(text: str, stage, cards_per_piece: int = 500) -> dict | None:
    """The parsed document, after `stage(total cards)` and an `advance(cards)` per piece (stage returns the
    advance function); None when it must be parsed whole."""
    cut = pieces(text, cards_per_piece)
    advance = stage(sum(count for _, count in cut))
    document: dict = {}
    for piece, count in cut:
        try:
            part = tomllib.loads(piece)
        except (tomllib.TOMLDecodeError, RecursionError):
            return None
        for key, value in part.items():
            if key not in document:
                document[key] = value
            elif isinstance(document[key], list) and isinstance(value, list):
                document[key].extend(value)
            else:  # the same table in two pieces: let the whole-text parse report it
                return None
        advance(count)
    return document
