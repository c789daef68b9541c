"""What a study session reads and writes: due and new cards, saving an answer, undoing it, settings."""

import datetime

from .columns import CARD_COLUMNS

KINDS = ("review", "drill", "cram")


class SavedAnswer:
    """One saved answer: its review row and the card's state before and after (sm2.CardState)."""

    # A plain class, not a dataclass or NamedTuple: `mlsquiz due` imports this module and must start fast.
    __slots__ = ("review_id", "card", "kind", "before", "after")

    def __init__(self, review_id: int, card: int, kind: str, before, after):
        self.review_id, self.card, self.kind, self.before, self.after = review_id, card, kind, before, after


def _deck_filter(deck_id: str | None, column: str = "c.deck") -> tuple[str, tuple]:
    return (f"AND {column} = ?", (deck_id,)) if deck_id else ("", ())


def due_card_rows(collection, today: datetime.date, deck_id: str | None, limit: int) -> list:
    """Cards due on `today` or earlier, most overdue first, then in authored order."""
    deck_sql, params = _deck_filter(deck_id, "s.deck")
    return collection.conn.execute(
        f"""SELECT {CARD_COLUMNS} FROM card_state s JOIN cards c ON c.id = s.card
            WHERE s.retired = 0 AND s.due <= ? {deck_sql} ORDER BY s.due, s.deck, s.position LIMIT ?""",
        (today.isoformat(), *params, limit),
    ).fetchall()


def new_card_rows(collection, deck_id: str | None, limit: int) -> list:
    """Never-reviewed cards (no due date yet) in authored order."""
    deck_sql, params = _deck_filter(deck_id, "s.deck")
    return collection.conn.execute(
        f"""SELECT {CARD_COLUMNS} FROM card_state s JOIN cards c ON c.id = s.card
            WHERE s.retired = 0 {deck_sql} AND s.due IS NULL ORDER BY s.deck, s.position LIMIT ?""",
        (*params, limit),
    ).fetchall()


def cram_card_rows(collection, deck_id: str | None, section: str | None, tag: str | None) -> list:
    """Active cards for a cram session, in authored order, optionally of one section or tag."""
    deck_sql, params = _deck_filter(deck_id)
    extra, extra_params = "", ()
    if section:
        extra, extra_params = "AND c.section = ?", (section,)
    elif tag:
        extra, extra_params = "AND EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = ?)", (tag,)
    return collection.conn.execute(
        f"""SELECT {CARD_COLUMNS} FROM cards c JOIN card_state s ON s.card = c.id
            WHERE c.retired = 0 {deck_sql} {extra} ORDER BY c.deck, c.position""",
        (*params, *extra_params),
    ).fetchall()


def count_due(collection, today: datetime.date, deck_id: str | None = None) -> int:
    # card_state carries deck and retired (migration m003): an index-only count, no join.
    deck_sql, params = _deck_filter(deck_id, "deck")
    return collection.conn.execute(
        f"SELECT count(*) FROM card_state WHERE retired = 0 {deck_sql} AND due <= ?",
        (*params, today.isoformat()),
    ).fetchone()[0]


def count_new(collection, deck_id: str | None, at_most: int) -> int:
    """How many never-reviewed cards there are, counting no further than `at_most`."""
    deck_sql, params = _deck_filter(deck_id, "deck")
    return collection.conn.execute(
        f"""SELECT count(*) FROM (SELECT 1 FROM card_state
            WHERE retired = 0 {deck_sql} AND due IS NULL LIMIT ?)""",  # never answered: no due date yet
        (*params, at_most),
    ).fetchone()[0]


def studied_on(collection, day: datetime.date) -> tuple[int, int]:
    """(new cards introduced, due cards reviewed) by scheduled reviews on a study day, across sessions."""
    row = collection.conn.execute(
        """SELECT count(*) FILTER (WHERE due_before IS NULL), count(*) FILTER (WHERE due_before IS NOT NULL)
           FROM reviews WHERE study_day = ? AND kind = 'review'""",
        (day.isoformat(),),
    ).fetchone()
    return row[0], row[1]


def next_due_date(collection, deck_id: str | None = None) -> datetime.date | None:
    deck_sql, params = _deck_filter(deck_id, "deck")
    row = collection.conn.execute(
        f"SELECT min(due) FROM card_state WHERE retired = 0 {deck_sql} AND due IS NOT NULL", params
    ).fetchone()
    return datetime.date.fromisoformat(row[0]) if row[0] else None


def _state(row, suffix: str = ""):
    from ..sm2 import CardState

    due = row["due" + suffix]
    return CardState(row["repetitions" + suffix], row["ease" + suffix], row["interval" + suffix],
                     datetime.date.fromisoformat(due) if due else None)


def record_answer(
    collection, card: int, grade: int, kind: str, reviewed_at: str, day: datetime.date, answer_ms: int,
    schedule,
) -> SavedAnswer:
    """Save one answer in one transaction: the review row, and for a scheduled review the new state.

    `schedule` maps the card's state as it is *inside* the transaction to the new one, so two sessions
    answering the same card never apply an answer to a stale state."""
    if kind not in KINDS:
        raise ValueError(f"unknown review kind {kind!r}")
    with collection.transaction() as conn:
        row = conn.execute("SELECT * FROM card_state WHERE card = ?", (card,)).fetchone()
        before = _state(row)
        lapses, last_review = row["lapses"], row["last_review"]
        after = before
        if kind == "review":
            after = schedule(before)
            lapses += grade < 3
            last_review = reviewed_at
            conn.execute(
                """UPDATE card_state SET repetitions = ?, ease = ?, interval = ?, due = ?, lapses = ?,
                   last_review = ? WHERE card = ?""",
                (after.repetitions, after.ease, after.interval, after.due.isoformat(), lapses, last_review, card),
            )
        cursor = conn.execute(
            """INSERT INTO reviews (card, reviewed_at, study_day, grade, kind, answer_ms,
                 repetitions_before, ease_before, interval_before, due_before, lapses_before, last_review_before,
                 repetitions_after, ease_after, interval_after, due_after, lapses_after)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (card, reviewed_at, day.isoformat(), grade, kind, answer_ms,
             before.repetitions, before.ease, before.interval, row["due"], row["lapses"], row["last_review"],
             after.repetitions, after.ease, after.interval, after.due.isoformat() if after.due else None, lapses),
        )
    return SavedAnswer(cursor.lastrowid, card, kind, before, after)


def undo_review(collection, review_id: int) -> None:
    """Put the card's state back exactly as it was before that answer and delete the answer."""
    with collection.transaction() as conn:
        row = conn.execute("SELECT * FROM reviews WHERE id = ?", (review_id,)).fetchone()
        if row is None:
            return
        if row["kind"] == "review":
            conn.execute(
                """UPDATE card_state SET repetitions = ?, ease = ?, interval = ?, due = ?, lapses = ?,
                   last_review = ? WHERE card = ?""",
                (row["repetitions_before"], row["ease_before"], row["interval_before"], row["due_before"],
                 row["lapses_before"], row["last_review_before"], row["card"]),
            )
        conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))


def read_settings(collection) -> dict[str, str]:
    return {row["key"]: row["value"] for row in collection.conn.execute("SELECT key, value FROM config")}


def write_setting(collection, key: str, value: str) -> None:
    with collection.transaction() as conn:
        conn.execute(
            "INSERT INTO config (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
