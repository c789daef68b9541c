"""The SQL of exam dates, pacing and the final-review window (what `quiz` and `due` read; kept light, as `due`
imports it). Practice exams: store/practice.py; readiness: store/readiness.py."""

import datetime

from .columns import CARD_COLUMNS

_ACTIVE = "s.retired = 0 AND s.suspended = 0"


def default_deck(collection, today: datetime.date) -> str | None:
    """The deck an exam command means without --deck: the only deck; else the deck with an exam date (of several,
    the nearest exam from `today` on; if every date has passed, the latest); else the bundled MLA-C01 deck (the
    exam a learner can book), else the roadmap's."""
    from ..deckfile.bundled import BUNDLED_DECK_ID, EXAM_DECK_ID

    ids = [row[0] for row in collection.conn.execute("SELECT id FROM decks ORDER BY id")]
    if len(ids) == 1:
        return ids[0]
    dated = collection.conn.execute(
        """SELECT e.deck FROM exam_dates e JOIN decks d ON d.id = e.deck
           ORDER BY e.exam_day < :today, CASE WHEN e.exam_day < :today THEN NULL ELSE e.exam_day END,
                    e.exam_day DESC, e.deck LIMIT 1""", {"today": today.isoformat()}).fetchone()
    if dated:
        return dated[0]
    return next((deck for deck in (EXAM_DECK_ID, BUNDLED_DECK_ID) if deck in ids), None)


def exam_day(collection, deck_id: str) -> datetime.date | None:
    row = collection.conn.execute("SELECT exam_day FROM exam_dates WHERE deck = ?", (deck_id,)).fetchone()
    return datetime.date.fromisoformat(row[0]) if row else None


def set_exam_day(collection, deck_id: str, day: datetime.date, set_at: str) -> None:
    with collection.transaction() as conn:
        conn.execute(
            """INSERT INTO exam_dates (deck, exam_day, set_at) VALUES (?, ?, ?)
               ON CONFLICT (deck) DO UPDATE SET exam_day = excluded.exam_day, set_at = excluded.set_at""",
            (deck_id, day.isoformat(), set_at),
        )


def clear_exam_day(collection, deck_id: str) -> bool:
    with collection.transaction() as conn:
        return conn.execute("DELETE FROM exam_dates WHERE deck = ?", (deck_id,)).rowcount > 0


def new_remaining(collection, deck_id: str) -> int:
    """Active cards of the deck never answered, from the trigger-kept card_counts (no scan of the cards)."""
    return collection.conn.execute(
        "SELECT coalesce(sum(cards), 0) FROM card_counts WHERE deck = ? AND state = 'new'", (deck_id,)
    ).fetchone()[0]


def introduced_on(collection, deck_id: str, day: datetime.date) -> int:
    """New cards of the deck first answered (a scheduled review of a card with no due date) on a study day."""
    return collection.conn.execute(
        """SELECT count(*) FROM reviews r JOIN cards c ON c.id = r.card
           WHERE r.study_day = ? AND r.kind = 'review' AND r.due_before IS NULL AND c.deck = ?""",
        (day.isoformat(), deck_id),
    ).fetchone()[0]


def shown_since(collection, deck_id: str, start: datetime.date) -> int:
    """Active cards of the deck whose last scheduled review was on `start` or later."""
    return collection.conn.execute(
        f"SELECT count(*) FROM card_state s WHERE s.deck = ? AND {_ACTIVE} AND s.last_review_day >= ?",
        (deck_id, start.isoformat()),
    ).fetchone()[0]


def window_counts(collection, deck_id: str, start: datetime.date, today: datetime.date) -> tuple[int, int]:
    """(cards seen before the window and not reviewed in it, those of them due today or earlier)."""
    row = collection.conn.execute(
        f"""SELECT count(*), count(*) FILTER (WHERE s.due <= ?) FROM card_state s
            WHERE s.deck = ? AND {_ACTIVE} AND s.last_review_day < ?
              AND (s.buried_until IS NULL OR s.buried_until < ?)""",
        (today.isoformat(), deck_id, start.isoformat(), today.isoformat()),
    ).fetchone()
    return row[0], row[1]


def window_rows(collection, deck_id: str, start: datetime.date, today: datetime.date, limit: int) -> list:
    """Cards not reviewed since the window opened, most forgotten first (the longest time since the last review
    for its stability: FSRS recall falls as that grows)."""
    return collection.conn.execute(
        f"""SELECT {CARD_COLUMNS} FROM card_state s JOIN cards c ON c.id = s.card
            WHERE s.deck = ? AND {_ACTIVE} AND s.last_review_day < ?
              AND (s.buried_until IS NULL OR s.buried_until < ?)
            ORDER BY (julianday(?) - julianday(s.last_review_day)) / s.stability DESC, s.position LIMIT ?""",
        (deck_id, start.isoformat(), today.isoformat(), today.isoformat(), limit),
    ).fetchall()


def lapsed_in_window_rows(collection, deck_id: str, start: datetime.date, today: datetime.date) -> list:
    """Cards whose last review, inside the window, was a lapse (SM-2 repetitions back at 0) and are due again:
    they come back until answered right once more."""
    return collection.conn.execute(
        f"""SELECT {CARD_COLUMNS} FROM card_state s JOIN cards c ON c.id = s.card
            WHERE s.deck = ? AND {_ACTIVE} AND s.last_review_day >= ? AND s.repetitions = 0 AND s.due <= ?
              AND (s.buried_until IS NULL OR s.buried_until < ?)
            ORDER BY s.due, s.position""",
        (deck_id, start.isoformat(), today.isoformat(), today.isoformat()),
    ).fetchall()


def requeued_rows(collection, deck_id: str | None, today: datetime.date) -> list:
    """Cards a practice exam sent to a quiz on or before today and not reviewed since."""
    deck_sql, params = ("AND s.deck = ?", (deck_id,)) if deck_id else ("", ())
    return collection.conn.execute(
        # CROSS JOIN keeps the (small) requeue table as the outer loop: SQLite otherwise walks every card's state.
        f"""SELECT {CARD_COLUMNS} FROM practice_requeue q CROSS JOIN card_state s ON s.card = q.card
            JOIN cards c ON c.id = q.card
            WHERE q.day <= ? AND {_ACTIVE} {deck_sql} AND (s.due IS NULL OR s.due > ?)
              AND (s.last_review_day IS NULL OR s.last_review_day < q.day) ORDER BY s.position""",
        (today.isoformat(), *params, today.isoformat()),
    ).fetchall()
