"""The SQL of the memory model: fitted FSRS parameters, review histories for fitting, predicted retention,
and changing the scheduler (every state recomputed from the review log in the same transaction)."""

import datetime
import json

DAMAGED_PARAMETERS = ("warning: the stored FSRS parameters are damaged; using the defaults "
                      "(run 'mlsquiz optimize' to fit new ones)")


def stored_parameters(conn) -> tuple[tuple | None, str | None]:
    """(parameters in use or None for the defaults, a warning line if the stored ones are damaged)."""
    from ..scheduling.memory import valid_parameters

    row = conn.execute("SELECT parameters FROM memory_parameters ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return None, None
    try:
        parameters = valid_parameters(json.loads(row[0]))
    except (TypeError, ValueError):
        parameters = None
    return (parameters, None) if parameters else (None, DAMAGED_PARAMETERS)


def parameters_in_use(conn) -> tuple[tuple, str | None]:
    """(the FSRS parameters in use: the latest fit, else the defaults; a warning line if the fit is damaged)."""
    from ..scheduling.memory import DEFAULT_PARAMETERS

    parameters, warning = stored_parameters(conn)
    return parameters or DEFAULT_PARAMETERS, warning


def current_scheduling(conn):
    """(Scheduling from the collection's settings and latest fit, warning line or None)."""
    from ..scheduling.schedulers import Scheduling
    from ..settings import effective_settings

    settings = effective_settings({row[0]: row[1] for row in conn.execute("SELECT key, value FROM config")})
    parameters, warning = parameters_in_use(conn)
    return Scheduling(settings["scheduler"], settings["desired_retention"], parameters), warning


def replay_scheduling(conn):
    """The Scheduling a replay uses, or None while the collection has no memory columns (before m007)."""
    if not conn.execute("SELECT 1 FROM pragma_table_info('card_state') WHERE name = 'stability'").fetchone():
        return None
    return current_scheduling(conn)[0]


def _no_memory(schedule) -> tuple:
    return ()


def _memory_row(schedule) -> tuple:
    if schedule.memory is None:
        return (None, None, None)
    return (schedule.memory.stability, schedule.memory.difficulty, schedule.last_day.isoformat())


def memory_columns(scheduling) -> tuple:
    """For recompute_states: (card_state values of a replayed Schedule, SELECT list, SET list) of the memory
    columns; all empty when there are none yet."""
    if scheduling is None:
        return _no_memory, "", ""
    return _memory_row, ", stability, difficulty, last_review_day", \
        ", stability = ?, difficulty = ?, last_review_day = ?"


def answer_memory(conn, row, after, grade: int, day: datetime.date) -> tuple:
    """For saving a scheduled review: (state, stability, difficulty, study day) after it, from the card_state
    `row` before it and SM-2's next state `after` (replaced by FSRS's interval when that is the scheduler)."""
    from ..scheduling.memory import Memory

    scheduling, _ = current_scheduling(conn)
    before = None if row["stability"] is None else Memory(row["stability"], row["difficulty"])
    last_day = datetime.date.fromisoformat(row["last_review_day"]) if row["last_review_day"] else None
    after, memory = scheduling.reschedule(after, before, last_day, grade, day)
    return after, memory.stability, memory.difficulty, day.isoformat()


def review_histories(conn, deck_id: str | None = None) -> list[list[tuple]]:
    """Every card's scheduled reviews [(study day, grade, moment, uid)] in time order, from its last reset on; of
    one deck if given."""
    where, params = "kind IN ('review', 'forget')", []
    if deck_id:
        where += " AND card IN (SELECT id FROM cards WHERE deck = ?)"
        params.append(deck_id)
    return _histories(conn.execute(
        f"""SELECT card, kind, study_day, grade, reviewed_at, coalesce(uid, '') FROM reviews WHERE {where}
            ORDER BY card, reviewed_at, uid""", params))  # the replay order (store/replay.py)


def training_rows(conn):
    """Every card's scheduled reviews and resets, (card, kind, study day, grade, moment, uid), in the order of
    review_histories, for scheduling.training_log to fold in one pass. A scan of the whole table sorted once takes
    about half the time of the walk down the (card, reviewed_at) index, which reads each row at random."""
    rows = conn.cursor()
    rows.row_factory = None  # tuples, as store/replay.py reads the log: a sqlite3.Row per review costs more
    return rows.execute(
        """SELECT card, kind, study_day, grade, reviewed_at, coalesce(uid, '') FROM reviews NOT INDEXED
           WHERE kind IN ('review', 'forget') ORDER BY card, reviewed_at, uid, id""")


def _histories(rows) -> list[list[tuple]]:
    return [history for _, history in _card_histories(rows)]


def _card_histories(rows) -> list[tuple[int, list[tuple]]]:
    """(card, its scheduled reviews from the last reset on) from rows in replay order; cards left empty by a reset
    are left out."""
    out, card, history = [], None, []
    for row in rows:
        if row[0] != card:
            if history:
                out.append((card, history))
            card, history = row[0], []
        if row[1] == "forget":
            history = []
        else:
            history.append((datetime.date.fromisoformat(row[2]), row[3], row[4], row[5]))
    if history:
        out.append((card, history))
    return out


# `stats`'s calibration and the kept plan's correction by the learner's record read the whole histories of the
# most recently reviewed cards, up to this many scheduled reviews in all: a cost bounded whatever the log's size.
CALIBRATION_REVIEWS = 1_000


def recent_histories(conn, deck_id: str | None, budget: int | None = None) -> list[list[tuple]]:
    """The whole histories (as review_histories, from the last reset on) of the cards reviewed most recently, the
    latest first, added while their scheduled reviews total at most `budget` (the first card always): what a
    calibration of recent reviews reads, at a cost bounded by `budget` whatever the size of the log. The cards
    come off the (study_day, kind) index newest first; each history off the (card, reviewed_at) index."""
    deck_sql, params = ("AND +card IN (SELECT id FROM cards WHERE deck = ?)", [deck_id]) if deck_id else ("", [])
    latest = conn.execute(f"SELECT card FROM reviews WHERE kind = 'review' {deck_sql} ORDER BY study_day DESC",
                          params)
    budget = CALIBRATION_REVIEWS if budget is None else budget
    chosen, seen, used = [], set(), 0
    while used < budget:
        # as many cards as the reviews left should take at the length of the histories read so far (8 at first):
        # each review row read costs about as much as the work done on it
        wanted, chunk = min(256, (budget - used) * len(chosen) // used + 1 if used else budget // 8 + 1), []
        for (card,) in latest:
            if card not in seen:
                seen.add(card)
                chunk.append(card)
                if len(chunk) == wanted:
                    break
        if not chunk:
            break
        marks = ", ".join("?" * len(chunk))
        found = dict(_card_histories(conn.execute(
            f"""SELECT card, kind, study_day, grade, reviewed_at, coalesce(uid, '') FROM reviews
                WHERE card IN ({marks}) AND kind IN ('review', 'forget') ORDER BY card, reviewed_at, uid""", chunk)))
        for card in chunk:
            history = found.get(card)
            if not history:
                continue
            if chosen and used + len(history) > budget:
                used = budget
                break
            chosen.append(history)
            used += len(history)
    latest.close()
    return chosen


def _ensure_pow(conn) -> None:
    """SQLite builds without the math functions get Python's (same result, slower)."""
    import sqlite3

    try:
        conn.execute("SELECT pow(2, 0.5)").fetchone()
    except sqlite3.OperationalError:  # no such function
        import math

        conn.create_function("pow", 2, math.pow, deterministic=True)


def recall_by_section(conn, today: datetime.date, parameters, deck_id: str | None) -> list:
    """(deck, section, seen cards, sum of their recall today) for active cards with a memory state: the
    closed-form forgetting curve over stored stability and last review day, with no history replayed."""
    _ensure_pow(conn)
    decay = parameters[20]
    factor = 0.9 ** (-1 / decay) - 1
    deck_sql, params = ("AND deck = ?", (deck_id,)) if deck_id else ("", ())
    return conn.execute(
        f"""SELECT deck, section, count(*), sum(pow(1 + ? * max(julianday(?) - julianday(last_review_day), 0)
                                                 / stability, ?))
            FROM card_state WHERE retired = 0 AND suspended = 0 AND stability IS NOT NULL {deck_sql}
            GROUP BY deck, section""",
        (factor, today.isoformat(), -decay, *params),
    ).fetchall()


def memory_by_card(conn, deck_id: str | None) -> dict[int, tuple]:
    """card id -> (stability, difficulty, last review's study day) for cards with a memory state."""
    deck_sql, params = ("AND deck = ?", (deck_id,)) if deck_id else ("", ())
    return {row[0]: (row[1], row[2], row[3]) for row in conn.execute(
        f"""SELECT card, stability, difficulty, last_review_day FROM card_state
            WHERE stability IS NOT NULL {deck_sql}""", params)}


NO_MEMORY = {"stability": None, "difficulty": None, "recall": None}


def memory_figures(conn, deck_id: str | None, today: datetime.date) -> tuple[dict[int, dict], str | None]:
    """(card id -> stability, difficulty and recall today, rounded to 4 places, for cards with a memory state;
    the warning line if the stored parameters are damaged and the defaults were used)."""
    from ..scheduling.memory import recall

    scheduling, warning = current_scheduling(conn)
    return {
        card: {"stability": round(stability, 4), "difficulty": round(difficulty, 4),
               "recall": round(recall(scheduling.parameters, stability,
                                      (today - datetime.date.fromisoformat(day)).days), 4)}
        for card, (stability, difficulty, day) in memory_by_card(conn, deck_id).items()
    }, warning


def anki_fsrs_data(conn, deck_id: str) -> dict[int, dict] | None:
    """Under FSRS, card id -> the FSRS fields of Anki's card data (stability s, difficulty d, desired retention
    dr, decay); None under SM-2."""
    scheduling, _ = current_scheduling(conn)
    if scheduling.scheduler != "fsrs":
        return None
    return {card: {"s": round(stability, 4), "d": round(difficulty, 4), "dr": scheduling.desired_retention,
                   "decay": round(scheduling.parameters[20], 4)}
            for card, (stability, difficulty, _) in memory_by_card(conn, deck_id).items()}


def studied_card_count(conn) -> int:
    """Cards with at least one scheduled review: what a replay of every schedule works through."""
    return conn.execute("SELECT count(*) FROM card_state WHERE last_review IS NOT NULL").fetchone()[0]
