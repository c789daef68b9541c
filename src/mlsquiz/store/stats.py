"""The SQL behind `mlsquiz stats` and `mlsquiz roadmap`.

Card figures come from card_counts and review figures from section_days, both kept by triggers, so the
cost grows neither with the number of cards nor with the review history.
"""

import datetime

def _deck(deck_id: str | None, column: str = "deck") -> tuple[str, tuple]:
    return (f"AND {column} = ?", (deck_id,)) if deck_id else ("", ())


def card_groups(collection, deck_id: str | None) -> list:
    """(deck, section, state, ease to 0.1, cards): every card-state figure, from the trigger-kept counts."""
    deck_sql, params = _deck(deck_id)
    return collection.conn.execute(
        f"SELECT deck, section, state, ease, cards FROM card_counts WHERE cards > 0 {deck_sql}", params
    ).fetchall()


def due_by_day(collection, today: datetime.date, days: int, deck_id: str | None) -> list[tuple[str, int]]:
    """(day, cards) for active cards due before today + days; overdue ones are counted on today."""
    deck_sql, params = _deck(deck_id)
    end = today + datetime.timedelta(days=days)
    return collection.conn.execute(
        f"""SELECT max(due, ?) AS day, count(*) FROM card_state
            WHERE retired = 0 AND suspended = 0 {deck_sql} AND due < ? GROUP BY day ORDER BY day""",
        (today.isoformat(), *params, end.isoformat()),
    ).fetchall()


def count_overdue(collection, today: datetime.date, deck_id: str | None) -> int:
    """Active cards due before `today` and not buried for it: the overdue part of today's due count (a card
    buried on an earlier day is overdue again today)."""
    deck_sql, params = _deck(deck_id)
    return collection.conn.execute(
        f"""SELECT count(*) FROM card_state WHERE retired = 0 AND suspended = 0 {deck_sql} AND due < ?
            AND (buried_until IS NULL OR buried_until < ?)""",
        (*params, today.isoformat(), today.isoformat()),
    ).fetchone()[0]


def practice_on_day(collection, day: datetime.date, deck_id: str | None) -> tuple[int, int]:
    """(answers, answer ms) in practice exams on a study day (kind 'exam': answers of the day, never study
    answers), off the (study_day, kind) index."""
    deck_sql, params = _deck(deck_id, "c.deck")
    row = collection.conn.execute(
        f"""SELECT count(*), coalesce(sum(r.answer_ms), 0) FROM reviews r JOIN cards c ON c.id = r.card
            WHERE r.study_day = ? AND r.kind = 'exam' {deck_sql}""",
        (day.isoformat(), *params),
    ).fetchone()
    return row[0], row[1]


def review_days(collection, deck_id: str | None) -> list:
    """(day, reviews, answer ms, scheduled, passed) for every day with an answer, oldest first."""
    deck_sql, params = _deck(deck_id)
    return collection.conn.execute(
        f"""SELECT day, sum(reviews), sum(answer_ms), sum(scheduled), sum(passed) FROM section_days
            WHERE 1 = 1 {deck_sql} GROUP BY day ORDER BY day""",
        params,
    ).fetchall()


def section_reviews(collection, since: datetime.date, deck_id: str | None) -> list:
    """(deck, section, scheduled, passed) since a day."""
    deck_sql, params = _deck(deck_id)
    return collection.conn.execute(
        f"""SELECT deck, section, sum(scheduled), sum(passed) FROM section_days
            WHERE day >= ? {deck_sql} GROUP BY deck, section""",
        (since.isoformat(), *params),
    ).fetchall()


def hardest_cards(collection, deck_id: str | None, limit: int = 5) -> list:
    """Most lapses first, then lowest ease: the top few straight from the card_state_hardest index."""
    deck_sql, params = _deck(deck_id, "s.deck")
    return collection.conn.execute(
        f"""SELECT c.deck, c.card_id, c.prompt, s.lapses, s.ease FROM card_state s JOIN cards c ON c.id = s.card
            WHERE s.retired = 0 AND s.suspended = 0 {deck_sql} AND s.last_review IS NOT NULL
              AND (s.lapses > 0 OR s.ease < 2.5)
            ORDER BY s.retired, s.lapses DESC, s.ease ASC LIMIT ?""",
        (*params, limit),
    ).fetchall()


def decks_with_sections(collection, deck_id: str | None) -> list:
    deck_sql, params = _deck(deck_id, "d.id")
    return collection.conn.execute(
        f"SELECT id, name, sections, resources FROM decks d WHERE 1 = 1 {deck_sql} ORDER BY bundled DESC, id", params
    ).fetchall()
