"""The SQL behind `mlsquiz stats` and `mlsquiz roadmap`: aggregates computed by SQLite over indexed ranges."""

import datetime

STATE_CASE = """CASE WHEN c.retired = 1 THEN 'retired' WHEN s.last_review IS NULL THEN 'new'
                     WHEN s.repetitions < 2 THEN 'learning' WHEN s.interval >= 21 THEN 'mature' ELSE 'young' END"""


def _deck(deck_id: str | None, column: str = "c.deck") -> tuple[str, tuple]:
    return (f"AND {column} = ?", (deck_id,)) if deck_id else ("", ())


def state_counts(collection, deck_id: str | None) -> dict[str, int]:
    deck_sql, params = _deck(deck_id)
    rows = collection.conn.execute(
        f"""SELECT {STATE_CASE} AS state, count(*) FROM cards c JOIN card_state s ON s.card = c.id
            WHERE 1 = 1 {deck_sql} GROUP BY state""",
        params,
    )
    return {row[0]: row[1] for row in rows}


def due_by_day(collection, today: datetime.date, days: int, deck_id: str | None) -> list[tuple[str, int]]:
    """(day, cards) for cards due before today + days; overdue ones are counted on today."""
    deck_sql, params = _deck(deck_id)
    end = today + datetime.timedelta(days=days)
    return collection.conn.execute(
        f"""SELECT max(s.due, ?) AS day, count(*) FROM card_state s JOIN cards c ON c.id = s.card
            WHERE s.due < ? AND c.retired = 0 {deck_sql} GROUP BY day ORDER BY day""",
        (today.isoformat(), end.isoformat(), *params),
    ).fetchall()


def study_days(collection) -> list[tuple[str, int, int]]:
    """(day, reviews, answer ms) of every day with any review, oldest first (one row a day, not a review)."""
    return collection.conn.execute("SELECT day, reviews, answer_ms FROM study_days ORDER BY day").fetchall()


def reviews_by_day(collection, since: datetime.date, deck_id: str | None) -> list[tuple[str, int, int]]:
    """(day, reviews, answer ms) since a day, limited to one deck (the whole collection uses study_days)."""
    deck_sql, params = _deck(deck_id)
    return collection.conn.execute(
        f"""SELECT r.study_day, count(*), coalesce(sum(r.answer_ms), 0) FROM reviews r JOIN cards c ON c.id = r.card
            WHERE r.study_day >= ? {deck_sql} GROUP BY r.study_day ORDER BY r.study_day""",
        (since.isoformat(), *params),
    ).fetchall()


def deck_study_days(collection, deck_id: str) -> list[str]:
    """Every study day with a review of this deck (for streaks when a deck is chosen)."""
    return [row[0] for row in collection.conn.execute(
        """SELECT DISTINCT r.study_day FROM reviews r JOIN cards c ON c.id = r.card WHERE c.deck = ?
           ORDER BY r.study_day""", (deck_id,))]


def retention_since(collection, since: datetime.date, deck_id: str | None) -> tuple[int, int]:
    """(passed, scheduled reviews) since a day: grade >= 3 among kind 'review' (drill and cram left out)."""
    deck_sql, params = _deck(deck_id)
    join = "JOIN cards c ON c.id = r.card" if deck_id else ""
    row = collection.conn.execute(
        f"""SELECT count(*) FILTER (WHERE r.grade >= 3), count(*) FROM reviews r {join}
            WHERE r.study_day >= ? AND r.kind = 'review' {deck_sql}""",
        (since.isoformat(), *params),
    ).fetchone()
    return row[0], row[1]


def ease_values(collection, deck_id: str | None) -> list[tuple[float, int]]:
    """(ease rounded to 0.1, cards) of reviewed active cards."""
    deck_sql, params = _deck(deck_id)
    return collection.conn.execute(
        f"""SELECT round(s.ease, 1) AS e, count(*) FROM card_state s JOIN cards c ON c.id = s.card
            WHERE s.last_review IS NOT NULL AND c.retired = 0 {deck_sql} GROUP BY e ORDER BY e""",
        params,
    ).fetchall()


def hardest_cards(collection, deck_id: str | None, limit: int = 5) -> list:
    deck_sql, params = _deck(deck_id)
    return collection.conn.execute(
        f"""SELECT c.deck, c.card_id, c.prompt, s.lapses, s.ease FROM card_state s JOIN cards c ON c.id = s.card
            WHERE s.last_review IS NOT NULL AND c.retired = 0 AND (s.lapses > 0 OR s.ease < 2.5) {deck_sql}
            ORDER BY s.lapses DESC, s.ease ASC, c.position LIMIT ?""",
        (*params, limit),
    ).fetchall()


def section_progress(collection, since: datetime.date, deck_id: str | None) -> list:
    """Per (deck, section): active cards, seen, mature, and passed / scheduled reviews since a day."""
    deck_sql, params = _deck(deck_id)
    return collection.conn.execute(
        f"""WITH recent AS (
              SELECT r.card, count(*) FILTER (WHERE r.grade >= 3) AS passed, count(*) AS total
              FROM reviews r WHERE r.study_day >= ? AND r.kind = 'review' GROUP BY r.card)
            SELECT c.deck, c.section, count(*) AS cards,
                   count(*) FILTER (WHERE s.last_review IS NOT NULL) AS seen,
                   count(*) FILTER (WHERE s.interval >= 21 AND s.repetitions >= 2) AS mature,
                   count(*) FILTER (WHERE s.last_review IS NOT NULL AND s.repetitions < 2) AS learning,
                   coalesce(sum(recent.passed), 0) AS passed, coalesce(sum(recent.total), 0) AS reviewed
            FROM cards c JOIN card_state s ON s.card = c.id LEFT JOIN recent ON recent.card = c.id
            WHERE c.retired = 0 {deck_sql} GROUP BY c.deck, c.section ORDER BY c.deck, min(c.position)""",
        (since.isoformat(), *params),
    ).fetchall()


def decks_with_sections(collection, deck_id: str | None) -> list:
    deck_sql, params = _deck(deck_id, "d.id")
    return collection.conn.execute(
        f"SELECT id, name, sections, resources FROM decks d WHERE 1 = 1 {deck_sql} ORDER BY bundled DESC, id", params
    ).fetchall()
