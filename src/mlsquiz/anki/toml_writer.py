"""Pure: a deck (the tables foreign.py builds) as deck-file TOML text that `mlsquiz import` reads back."""

import json


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
    lines = [f"# {line}" for line in note.splitlines()]
    lines += _table("[deck]", deck["deck"])
    for section in deck["sections"]:
        lines += _table("[[sections]]", section)
    for card in deck["cards"]:
        lines += _table("[[cards]]", card)
    return "\n".join(lines)
