"""The SQL of exam readiness: recall on exam day if stopped and if the plan is kept, per section, in one pass of
SQL over the deck (exam/forecast.py is the card-by-card reference; tests hold them equal)."""

import datetime

_ACTIVE = "s.retired = 0 AND s.suspended = 0"


def memory_rows(collection, deck_id: str) -> list:
    """Active cards in deck order: (row id, section, stability, difficulty, last review's study day)."""
    return collection.conn.execute(
        f"""SELECT s.card, s.section, s.stability, s.difficulty, s.last_review_day FROM card_state s
            WHERE s.deck = ? AND {_ACTIVE} ORDER BY s.position""",
        (deck_id,),
    ).fetchall()


def card_names(collection, keys: list[int]) -> dict[int, tuple[str, str]]:
    """Row id -> (card id, prompt) for a few cards."""
    return {row[0]: (row[1], row[2]) for row in collection.conn.execute(
        f"SELECT id, card_id, prompt FROM cards WHERE id IN ({', '.join('?' * len(keys))})", keys)}


_READINESS_SQL = """
WITH everyone AS MATERIALIZED (  -- seen cards straight off the card_state_exam index (m009)
  SELECT card, section, stability AS s, difficulty AS d, julianday(last_review_day) AS last
  FROM card_state WHERE deck = :deck AND retired = 0 AND suspended = 0 AND stability IS NOT NULL
  UNION ALL
  SELECT card, section, :new_s, :new_d,
         coalesce((SELECT day FROM temp.exam_intro WHERE upto > j ORDER BY upto LIMIT 1), :today)
  FROM (SELECT card, section, row_number() OVER (ORDER BY position) - 1 AS j FROM card_state
        WHERE deck = :deck AND retired = 0 AND suspended = 0 AND stability IS NULL)),
waiting AS (
  SELECT section, s, d, last,
         :first + ((row_number() OVER (ORDER BY (:first - last) / s DESC, card) - 1) * :days)
                  / (SELECT count(*) FROM everyone WHERE last < :start) AS day
  FROM everyone WHERE last < :start),
kept AS (
  SELECT section, pow(1 + :factor * max(:exam - last, 0) / s, :power) AS recall FROM everyone WHERE last >= :start
  UNION ALL
  SELECT section, pow(1 + :factor * (:exam - day) / min(:max_s, s * (1 + :grow * (11 - d) * pow(s, :shrink)
             * (exp(:spread * (1 - pow(1 + :factor * (day - last) / s, :power))) - 1))), :power)
  FROM waiting)
SELECT section, total(recall) FROM kept GROUP BY section"""

_STOPPED_SQL = """
SELECT section, count(*), count(stability),
       total(pow(1 + :factor * max(:exam - julianday(last_review_day), 0) / stability, :power))
FROM card_state WHERE deck = :deck AND retired = 0 AND suspended = 0 GROUP BY section"""


def readiness_sums(collection, deck_id: str, today: datetime.date, exam_day: datetime.date,
                   window_start: datetime.date, new_days: list, constants: dict, with_plan: bool = True) -> list[tuple]:
    """(section, cards, seen, sum of recall on exam day if stopped, sum if the plan is kept) for the deck's active
    cards: forecast.recall_if_kept's steps (new cards on their paced days, one Good review in the window, most
    forgotten first, spread evenly) in SQL, which reads no row into Python."""
    from .memory import _ensure_pow

    conn = collection.conn
    _ensure_pow(conn)
    jd = datetime.date(2000, 1, 1).toordinal() - 2451544.5  # julianday = ordinal - jd
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS exam_intro (upto INTEGER PRIMARY KEY, day REAL NOT NULL)")
    conn.execute("DELETE FROM temp.exam_intro")
    cumulative, schedule = 0, []
    for day, count in new_days:  # new card number j (in deck order) is introduced on the first day with upto > j
        cumulative += count
        schedule.append((cumulative, day.toordinal() - jd))
    conn.executemany("INSERT INTO temp.exam_intro VALUES (?, ?)", schedule)
    first = max(today, window_start)
    values = {"deck": deck_id, "today": today.toordinal() - jd, "start": window_start.toordinal() - jd,
              "first": first.toordinal() - jd, "exam": exam_day.toordinal() - jd,
              "days": max(1, (exam_day - first).days), "new_s": constants["new_stability"],
              "new_d": constants["new_difficulty"], "factor": constants["factor"], "power": constants["power"],
              "grow": constants["grow"], "shrink": constants["shrink"], "spread": constants["spread"],
              "max_s": constants["max_stability"]}
    stopped = conn.execute(_STOPPED_SQL, values).fetchall()
    kept = dict(conn.execute(_READINESS_SQL, values).fetchall()) if with_plan and today <= exam_day else {}
    return [(section, cards, seen, recall, kept.get(section)) for section, cards, seen, recall in stopped]


def weakest_rows(collection, deck_id: str, exam_day: datetime.date, limit: int = 5) -> list:
    """The seen cards with the lowest recall on exam day (recall falls as days since review / stability grows)."""
    return collection.conn.execute(
        f"""SELECT s.card, s.section, s.stability, s.last_review_day FROM card_state s
            WHERE s.deck = ? AND {_ACTIVE} AND s.stability IS NOT NULL
            ORDER BY (? - julianday(s.last_review_day)) / s.stability DESC LIMIT ?""",
        (deck_id, exam_day.toordinal() + 1721424.5, limit),  # the exam day as a julian day number
    ).fetchall()
