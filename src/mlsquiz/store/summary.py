"""Small reads for the end of a study session."""

import datetime


def due_on_or_before(collection, day: datetime.date, deck_id: str | None) -> int:
    from .study import count_due

    return count_due(collection, day, deck_id)


def all_study_days(collection) -> list[str]:
    return [row[0] for row in collection.conn.execute("SELECT day FROM study_days ORDER BY day")]


def studied_on_day(collection, day: datetime.date, deck_id: str | None) -> tuple[int, int, int]:
    """(cards answered, answers, answer ms) in study sessions on a study day: answers beyond a card's first are
    its re-drills. Practice-exam answers and forget entries are not study answers.

    Reads only that day's reviews (index on study_day), so it costs the same with any history."""
    deck_sql, params = ("AND c.deck = ?", (deck_id,)) if deck_id else ("", ())
    row = collection.conn.execute(
        f"""SELECT count(DISTINCT r.card), count(*), coalesce(sum(r.answer_ms), 0) FROM reviews r
            JOIN cards c ON c.id = r.card WHERE r.study_day = ? AND r.kind NOT IN ('forget', 'exam') {deck_sql}""",
        (day.isoformat(), *params),
    ).fetchone()
    return row[0], row[1], row[2]
