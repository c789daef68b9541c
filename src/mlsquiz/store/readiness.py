"""The SQL of exam readiness: the deck's cards with their memory, and recall on exam day if stopped, per section,
in one pass of SQL (the kept plan is worked out card by card in exam/forecast.py)."""

import datetime

_ACTIVE = "s.retired = 0 AND s.suspended = 0"


def memory_rows(collection, deck_id: str) -> list:
    """Active cards in deck order: (row id, section, stability, difficulty, last review's study day, due day)."""
    return collection.conn.execute(
        f"""SELECT s.card, s.section, s.stability, s.difficulty, s.last_review_day, s.due FROM card_state s
            WHERE s.deck = ? AND {_ACTIVE} ORDER BY s.position""",
        (deck_id,),
    ).fetchall()


def card_names(collection, keys: list[int]) -> dict[int, tuple[str, str]]:
    """Row id -> (card id, prompt) for a few cards."""
    return {row[0]: (row[1], row[2]) for row in collection.conn.execute(
        f"SELECT id, card_id, prompt FROM cards WHERE id IN ({', '.join('?' * len(keys))})", keys)}


_STOPPED_SQL = """
SELECT section, count(*), count(stability),
       total(pow(1 + :factor * max(:exam - julianday(last_review_day), 0) / stability, :power))
FROM card_state WHERE deck = :deck AND retired = 0 AND suspended = 0 GROUP BY section"""


def stopped_sums(collection, deck_id: str, exam_day: datetime.date, factor: float, power: float) -> list[tuple]:
    """(section, cards, seen, sum of recall on exam day if stopped, None) for the deck's active cards, in SQL
    (what `stats` shows; forecast.recall_if_stopped is the same card by card)."""
    from .memory import _ensure_pow

    _ensure_pow(collection.conn)
    values = {"deck": deck_id, "exam": exam_day.toordinal() + 1721424.5, "factor": factor, "power": power}
    return [(*row, None) for row in collection.conn.execute(_STOPPED_SQL, values).fetchall()]


def weakest_rows(collection, deck_id: str, exam_day: datetime.date, limit: int = 5) -> list:
    """The seen cards with the lowest recall on exam day (recall falls as days since review / stability grows)."""
    return collection.conn.execute(
        f"""SELECT s.card, s.section, s.stability, s.last_review_day FROM card_state s
            WHERE s.deck = ? AND {_ACTIVE} AND s.stability IS NOT NULL
            ORDER BY (? - julianday(s.last_review_day)) / s.stability DESC LIMIT ?""",
        (deck_id, exam_day.toordinal() + 1721424.5, limit),  # the exam day as a julian day number
    ).fetchall()


def practice_pool_recall(collection, deck_id: str, day: datetime.date, factor: float, power: float) -> tuple:
    """(cards, seen, sum of recall on `day`) over the deck's practice pool: its active auto-checked cards (what
    `exam practice` draws from); a card never seen adds 0."""
    from .memory import _ensure_pow
    from .practice import AUTO_CHECKED

    _ensure_pow(collection.conn)
    kinds = ", ".join("?" * len(AUTO_CHECKED))
    return tuple(collection.conn.execute(
        f"""SELECT count(*), count(s.stability),
                   total(pow(1 + ? * max(? - julianday(s.last_review_day), 0) / s.stability, ?))
            FROM card_state s JOIN cards c ON c.id = s.card
            WHERE s.deck = ? AND {_ACTIVE} AND c.type IN ({kinds})""",
        (factor, day.toordinal() + 1721424.5, power, deck_id, *AUTO_CHECKED)).fetchone())
