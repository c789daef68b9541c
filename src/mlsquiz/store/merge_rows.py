"""Checking another collection's rows before a merge, as a deck file and the review log are checked: a card's
content is JSON of its type, a review's moment a timestamp, its duration a whole number. The first bad row is
named; nothing is merged."""

import datetime
import json

from ..deckfile.model import CARD_TYPES, ID_PATTERN, answer_text

REVIEW_KINDS = ("review", "drill", "cram", "exam", "forget")
_WHOLE = ("repetitions_before", "interval_before", "lapses_before", "repetitions_after", "interval_after",
          "lapses_after")
_DAYS = ("due_before", "due_after")


def _whole(value) -> bool:
    return type(value) is int


def _json(text, kind: type):
    """The parsed JSON if `text` holds a value of `kind`, else None."""
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, kind) else None


def _moment(text) -> bool:
    try:
        return isinstance(text, str) and datetime.datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


def _day(text) -> bool:
    try:
        return isinstance(text, str) and len(text) == 10 and bool(datetime.date.fromisoformat(text))
    except ValueError:
        return False


def deck_problem(row) -> str | None:
    if not isinstance(row["id"], str) or not ID_PATTERN.match(row["id"]):
        return "its id is not a deck id"
    if not isinstance(row["name"], str) or not row["name"].strip():
        return "its name is not text"
    for column in ("description", "source"):
        if row[column] is not None and not isinstance(row[column], str):
            return f"its {column} is not text"
    sections = _json(row["sections"] or "[]", list)
    if sections is None or not all(isinstance(s, dict) and isinstance(s.get("id"), str) for s in sections):
        return "its sections are not a JSON list of sections"
    if _json(row["resources"] or "[]", list) is None:
        return "its resources are not a JSON list"
    if _json(row["meta"], dict) is None:
        return "its meta is not a JSON object"
    return None


def card_problem(row) -> str | None:
    if not isinstance(row["card_id"], str) or not ID_PATTERN.match(row["card_id"]):
        return "its id is not a card id"
    if row["type"] not in CARD_TYPES:
        return f"unknown type {row['type']!r}"
    if not isinstance(row["prompt"], str):
        return "its prompt is not text"
    content = _json(row["content"], dict)
    if content is None:
        return "its content is not a JSON object"
    try:
        if not isinstance(answer_text(row["type"], content), str) or not isinstance(content.get("prompt"), str):
            raise TypeError
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return f"its content is not that of a {row['type']} card"
    if row["section"] is not None and not isinstance(row["section"], str):
        return "its section is not text"
    tags = _json(row["tags"] or "[]", list)
    if tags is None or not all(isinstance(tag, str) for tag in tags):
        return "its tags are not a JSON list of text"
    if not _whole(row["position"]) or row["retired"] not in (0, 1) or not isinstance(row["content_hash"], str):
        return "its position, retired flag or content hash is malformed"
    return None


def review_problem(row) -> str | None:
    if not _moment(row["reviewed_at"]):
        return f"reviewed_at {row['reviewed_at']!r} is not a timestamp"
    if not _day(row["study_day"]):
        return f"study_day {row['study_day']!r} is not a date"
    if not _whole(row["grade"]) or not 0 <= row["grade"] <= 5:
        return f"grade {row['grade']!r} is not 0 to 5"
    if row["kind"] not in REVIEW_KINDS:
        return f"unknown kind {row['kind']!r}"
    if row["answer_ms"] is not None and (not _whole(row["answer_ms"]) or row["answer_ms"] < 0):
        return f"answer_ms {row['answer_ms']!r} is not a whole number of milliseconds"
    if row["uid"] is not None and not isinstance(row["uid"], str):
        return "its uid is not text"
    for column in _WHOLE:
        if row[column] is not None and not _whole(row[column]):
            return f"{column} {row[column]!r} is not a whole number"
    for column in ("ease_before", "ease_after"):
        if row[column] is not None and type(row[column]) not in (int, float):
            return f"{column} {row[column]!r} is not a number"
    for column in (*_DAYS, "last_review_before"):
        if row[column] is not None and not (_day(row[column]) or _moment(row[column])):
            return f"{column} {row[column]!r} is not a date"
    return None


def first_bad_row(conn) -> str | None:
    """The first row of the attached `other` collection that this collection could not hold, described in a
    few words; None if every row is sound."""
    import sqlite3

    previous = conn.row_factory
    conn.row_factory = sqlite3.Row
    try:
        for row in conn.execute("SELECT * FROM other.decks ORDER BY rowid"):
            problem = deck_problem(row)
            if problem:
                return f"deck {row['id']!r}: {problem}"
        orphan = conn.execute("SELECT id, deck FROM other.cards WHERE deck NOT IN (SELECT id FROM other.decks) "
                              "ORDER BY id LIMIT 1").fetchone()
        if orphan:
            return f"card row {orphan['id']}: its deck {orphan['deck']!r} is not in that collection"
        for row in conn.execute("SELECT * FROM other.cards ORDER BY id"):
            problem = card_problem(row)
            if problem:
                return f"card {row['deck']!r}/{row['card_id']!r} (row {row['id']}): {problem}"
        orphan = conn.execute("SELECT id, card FROM other.reviews WHERE card NOT IN (SELECT id FROM other.cards) "
                              "ORDER BY id LIMIT 1").fetchone()
        if orphan:
            return f"review row {orphan['id']}: its card {orphan['card']!r} is not in that collection"
        for row in conn.execute("SELECT * FROM other.reviews ORDER BY id"):
            problem = review_problem(row)
            if problem:
                return f"review row {row['id']}: {problem}"
        return None
    finally:
        conn.row_factory = previous
