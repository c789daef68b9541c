"""The SQL of exam readiness: the deck's cards as columns for the kept plan (worked out in exam/kept.py), recall on
exam day if stopped per section in one pass of SQL (for `stats`), the weakest cards and the practice pool, read in
a thread of their own meanwhile."""

import datetime

_ACTIVE = "s.retired = 0 AND s.suspended = 0"


def forecast_columns(collection, deck_id: str, positions: tuple = (None, None)) -> tuple:
    """The deck's active cards in deck order as columns: (row ids, sections, stabilities, difficulties, last
    review's study day, due day), days as day numbers (ordinals), None when unset. Read off the
    card_state_forecast index alone, in its order (no lookup in the table, no sort). `positions`: only the cards
    of positions from the first (None: the deck's start) up to, not including, the second (None: its end)."""
    low, high = positions
    cursor = collection.conn.cursor()
    cursor.row_factory = None  # plain tuples: a sqlite3.Row a card cost a fifth of the read
    rows = cursor.execute(
        f"""SELECT card, section, stability, difficulty, CAST(julianday(last_review_day) - {_JULIAN} AS INTEGER),
                   CAST(julianday(due) - {_JULIAN} AS INTEGER)
            FROM card_state WHERE deck = :deck AND retired = 0 AND suspended = 0
            {"" if low is None else "AND position >= :low"} {"" if high is None else "AND position < :high"}
            ORDER BY position""",
        {"deck": deck_id, "low": low, "high": high}).fetchall()
    return tuple(map(list, zip(*rows))) if rows else ([], [], [], [], [], [])


_JULIAN = 1721424.5  # julianday() of a day is its ordinal plus this

# A deck of this many active cards or more is read in two parts at once (forecast_columns_in_two); the child
# takes this share of it, the process the rest and its other work (about as long again as its share).
SPLIT_FROM, CHILD_SHARE = 20_000, 0.6


def forecast_columns_in_two(collection, deck_id: str, meanwhile) -> tuple:
    """(forecast_columns of the deck, meanwhile()'s answer). On a large deck the first part of the cards is read
    by a forked child (runtime/forked) on a connection of its own while this process runs meanwhile() and reads
    the rest: building each card's Python objects holds Python's lock, so a thread could not share the reading.
    The parts meet at a position, so together they are the one read's rows in its order."""
    from ..runtime.forked import forked

    (count,) = collection.conn.execute(
        "SELECT count(*) FROM card_state WHERE deck = ? AND retired = 0 AND suspended = 0", (deck_id,)).fetchone()
    if count < SPLIT_FROM:
        return forecast_columns(collection, deck_id), meanwhile()
    (middle,) = collection.conn.execute(
        """SELECT position FROM card_state WHERE deck = ? AND retired = 0 AND suspended = 0 ORDER BY position
           LIMIT 1 OFFSET ?""", (deck_id, int(count * CHILD_SHARE))).fetchone()
    with forked(forecast_columns_at, collection.path, deck_id, (None, middle)) as first:
        answer = meanwhile()
        rest = forecast_columns(collection, deck_id, (middle, None))
        return tuple(map(list.__add__, first.result(), rest)), answer


def forecast_columns_at(path: str, deck_id: str, positions: tuple) -> tuple:
    """forecast_columns on a connection of its own to the collection at `path` (what a forked child reads)."""
    from .connection import reading_apart

    return reading_apart(path, lambda reader: forecast_columns(reader, deck_id, positions))


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
    `exam practice` draws from); a card never seen adds 0. The deck's other cards come off the cards_practice_pool
    index as one list, set aside while card_state_exam is read (looking each card up in `cards` cost twice as
    much); card_state's deck and retired follow the card's."""
    from .memory import _ensure_pow
    from .practice import AUTO_CHECKED

    _ensure_pow(collection.conn)
    kinds = ", ".join("?" * len(AUTO_CHECKED))
    return tuple(collection.conn.execute(
        f"""SELECT count(*), count(s.stability),
                   total(pow(1 + ? * max(? - julianday(s.last_review_day), 0) / s.stability, ?))
            FROM card_state s
            WHERE s.deck = ? AND {_ACTIVE}
              AND s.card NOT IN (SELECT id FROM cards WHERE deck = ? AND retired = 0 AND type NOT IN ({kinds}))""",
        (factor, day.toordinal() + 1721424.5, power, deck_id, deck_id, *AUTO_CHECKED)).fetchone())
