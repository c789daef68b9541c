"""Pure: a deck (the tables foreign.py builds) as deck-file TOML text that `mlsquiz import` reads back."""

import json
import re

# TOML allows no control character but tab in a comment (a package's file name may hold any but / and NUL).
_COMMENT_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _comment_safe(text: str) -> str:
    return _COMMENT_CONTROL.sub(lambda match: "\\x%02x" % ord(match.group()), text)


def _value(value) -> str:
    if isinstance(value, str):
        # JSON strings are TOML basic strings, once DEL (which TOML forbids raw) is escaped too.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to a deck file")


def _table(header: str, values: dict) -> list[str]:
    return [header, *(f"{key} = {_value(value)}" for key, value in values.items()), ""]


def deck_toml(deck: dict, note: str = "") -> str:
    """A card's `case` may be the id of one of the deck's `cases` or the case itself (as a checked card's content
    holds it); either way the file gets each case once, as `[[cases]]`, and the card its id."""
    cases = {case["id"]: case for case in deck.get("cases", [])}
    cards = []
    for card in deck["cards"]:
        if isinstance(card.get("case"), dict):
            cases.setdefault(card["case"]["id"], card["case"])
            card = {**card, "case": card["case"]["id"]}
        cards.append(card)
    lines = [f"# {_comment_safe(line)}" for line in note.split("\n")]
    lines += _table("[deck]", deck["deck"])
    for section in deck["sections"]:
        lines += _table("[[sections]]", section)
    for case in cases.values():
        lines += _table("[[cases]]", case)
    for card in cards:
        lines += _table("[[cards]]", card)
    return "\n".join(lines)
