"""What a study session reads and writes: due and new cards, saving an answer, undoing it, settings."""

import datetime

from .columns import CARD_COLUMNS

KINDS = ("review", "drill", "cram")


class SavedAnswer:
    """One saved answer: its review row and the card's state before and after (sm2.CardState)."""

    # A plain class, not a dataclass or NamedTuple: `mlsquiz due` imports this module and must start fast.
    __slots__ = ("review_id", "card", "kind", "before", "after", "leech_lapses")

    def __init__(self, review_id: int, card: int, kind: str, before, after, leech_lapses: int | None = None):
        self.review_id, self.card, self.kind, self.before, self.after = review_id, card, kind, before, after
        self.leech_lapses = leech_lapses  # the card's lapses when this answer made it a leech, else None


def _deck_filter(deck_id: str | None, column: str = "c.deck") -> tuple[str, tuple]:
    return (f"AND {column} = ?", (deck_id,)) if deck_id else ("", ())


def _bury_day(today: datetime.date | None) -> str:
    """The day a card must be buried before to count; without a day, burying is ignored (all count)."""
    return today.isoformat() if today else "9999-12-31"


def due_card_rows(collection, today: datetime.date, deck_id: str | None, limit: int) -> list:
    """Cards due on `today` or earlier, most overdue first, then in authored order."""
    deck_sql, params = _deck_filter(deck_id, "s.deck")
    return collection.conn.execute(
        f"""SELECT {CARD_COLUMNS} FROM card_state s JOIN cards c ON c.id = s.card
            WHERE s.retired = 0 AND s.suspended = 0 AND s.due <= ? {deck_sql}
              AND (s.buried_until IS NULL OR s.buried_until < ?) ORDER BY s.due, s.deck, s.position LIMIT ?""",
        (today.isoformat(), *params, today.isoformat(), limit),
    ).fetchall()


def new_card_rows(collection, deck_id: str | None, limit: int, today: datetime.date | None = None) -> list:
    """Never-reviewed cards (no due date yet) in authored order; with `today`, not those buried for it."""
    deck_sql, params = _deck_filter(deck_id, "s.deck")
    return collection.conn.execute(
        f"""SELECT {CARD_COLUMNS} FROM card_state s JOIN cards c ON c.id = s.card
            WHERE s.retired = 0 AND s.suspended = 0 {deck_sql} AND s.due IS NULL
              AND (s.buried_until IS NULL OR s.buried_until < ?) ORDER BY s.deck, s.position LIMIT ?""",
        (*params, _bury_day(today), limit),
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
            WHERE c.retired = 0 AND s.suspended = 0 {deck_sql} {extra} ORDER BY c.deck, c.position""",
        (*params, *extra_params),
    ).fetchall()


def count_due(collection, today: datetime.date, deck_id: str | None = None) -> int:
    # card_state carries deck and retired (migration m003): an index-only count, no join.
    deck_sql, params = _deck_filter(deck_id, "deck")
    return collection.conn.execute(
        f"""SELECT count(*) FROM card_state WHERE retired = 0 AND suspended = 0 {deck_sql} AND due <= ?
            AND (buried_until IS NULL OR buried_until < ?)""",
        (*params, today.isoformat(), today.isoformat()),
    ).fetchone()[0]


def count_new(collection, deck_id: str | None, at_most: int, today: datetime.date | None = None) -> int:
    """How many never-reviewed cards there are (with `today`, not buried for it), counting no further than
    `at_most`."""
    deck_sql, params = _deck_filter(deck_id, "deck")
    return collection.conn.execute(
        f"""SELECT count(*) FROM (SELECT 1 FROM card_state
            WHERE retired = 0 AND suspended = 0 {deck_sql} AND due IS NULL  -- never answered: no due date yet
              AND (buried_until IS NULL OR buried_until < ?) LIMIT ?)""",
        (*params, _bury_day(today), at_most),
    ).fetchone()[0]


def studied_on(collection, day: datetime.date) -> tuple[int, int]:
    """(new cards introduced, due cards reviewed) by scheduled reviews on a study day, across sessions."""
    row = collection.conn.execute(
        """SELECT count(*) FILTER (WHERE due_before IS NULL), count(*) FILTER (WHERE due_before IS NOT NULL)
           FROM reviews WHERE study_day = ? AND kind = 'review'""",
        (day.isoformat(),),
    ).fetchone()
    return row[0], row[1]


def any_exam_date(collection) -> bool:
    """Whether any deck has an exam date: `due` loads the exam code only then (it runs in shell prompts)."""
    return collection.conn.execute("SELECT 1 FROM exam_dates LIMIT 1").fetchone() is not None


def any_requeued(collection) -> bool:
    """Whether a practice exam sent cards to the quiz: `due` counts them only then (it runs in shell prompts)."""
    return collection.conn.execute("SELECT 1 FROM practice_requeue LIMIT 1").fetchone() is not None


def next_due_date(collection, deck_id: str | None = None, today: datetime.date | None = None) -> datetime.date | None:
    """The first day a scheduled card comes up; with `today`, a card buried for today comes up the day after its
    burial ends at the earliest (what the quiz will show it, and what `due` counts)."""
    deck_sql, params = _deck_filter(deck_id, "deck")
    row = collection.conn.execute(
        f"""SELECT min(CASE WHEN buried_until >= ? AND due <= buried_until THEN date(buried_until, '+1 day')
                            ELSE due END)
            FROM card_state WHERE retired = 0 AND suspended = 0 {deck_sql} AND due IS NOT NULL""",
        (_bury_day(today) if today else "9999-12-31", *params),
    ).fetchone()
    return datetime.date.fromisoformat(row[0]) if row[0] else None


def _state(row, suffix: str = ""):
    from ..scheduling.sm2 import CardState

    due = row["due" + suffix]
    return CardState(row["repetitions" + suffix], row["ease" + suffix], row["interval" + suffix],
                     datetime.date.fromisoformat(due) if due else None)


def record_answer(
    collection, card: int, grade: int, kind: str, reviewed_at: str, day: datetime.date, answer_ms: int,
    schedule, leech: tuple[int, bool] | None = None,
) -> SavedAnswer:
    """Save one answer in one transaction: the review row, and for a scheduled review the new state (and, with
    `leech` = (lapses threshold, suspend), the leech tag a failed answer may bring).

    `schedule` maps the card's state as it is *inside* the transaction to the new one, so two sessions
    answering the same card never apply an answer to a stale state. Raises errors.CollectionBusy, having
    written nothing, when another program holds the write lock past the busy timeout: the answer can be
    given again."""
    if kind not in KINDS:
        raise ValueError(f"unknown review kind {kind!r}")
    with collection.transaction() as conn:
        row = conn.execute("SELECT * FROM card_state WHERE card = ?", (card,)).fetchone()
        before = _state(row)
        lapses, last_review = row["lapses"], row["last_review"]
        after = before
        # An answer stamped no later than one already logged (a clock set back, two answers in one millisecond)
        # does not come last in the replay order (store/replay.py): the card is replayed instead of stepped on.
        out_of_order = kind == "review" and conn.execute(
            """SELECT 1 FROM reviews WHERE card = ? AND kind IN ('review', 'forget') AND reviewed_at >= ?
               LIMIT 1""", (card, reviewed_at)).fetchone() is not None
        if kind == "review":
            from .memory import answer_memory  # here: `mlsquiz due` imports this module and must start fast

            # FSRS memory (both schedulers) and, under FSRS, its interval in place of SM-2's: see store/memory.py
            after, *memory = answer_memory(conn, row, schedule(before), grade, day)
            lapses += grade < 3
            last_review = reviewed_at
            conn.execute(
                """UPDATE card_state SET repetitions = ?, ease = ?, interval = ?, due = ?, lapses = ?,
                   last_review = ?, stability = ?, difficulty = ?, last_review_day = ? WHERE card = ?""",
                (after.repetitions, after.ease, after.interval, after.due.isoformat(), lapses, last_review,
                 *memory, card),
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
        if out_of_order:
            from .replay import recompute_states

            recompute_states(conn, [card])
            logged = conn.execute("SELECT * FROM reviews WHERE id = ?", (cursor.lastrowid,)).fetchone()
            before, after = _state(logged, "_before"), _state(logged, "_after")
        leech_lapses = None
        if leech is not None and kind == "review" and grade < 3:
            from .manage import tag_leech

            leech_lapses = tag_leech(conn, card, *leech)
    return SavedAnswer(cursor.lastrowid, card, kind, before, after, leech_lapses)


def undo_review(collection, review_id: int, leech_threshold: int | None = None) -> str | None:
    """Take back one answer: delete it and recompute the card's state from the reviews that remain, so an answer
    given to the same card from another terminal in the meantime is kept, not overwritten. With
    `leech_threshold`, a card back below it loses the leech tag in the same transaction.

    Returns a line for the learner when the undo was not the plain case (None otherwise)."""
    from .replay import recompute_states

    with collection.transaction() as conn:
        row = conn.execute("SELECT card, kind, reviewed_at, uid FROM reviews WHERE id = ?", (review_id,)).fetchone()
        if row is None:
            return "That answer is no longer in the collection (undone elsewhere); nothing changed."
        later = conn.execute(
            """SELECT count(*) FROM reviews WHERE card = ? AND kind IN ('review', 'forget')
               AND (reviewed_at, uid) > (?, ?)""",  # later in the replay order (store/replay.py)
            (row["card"], row["reviewed_at"], row["uid"]),
        ).fetchone()[0]
        conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
        if row["kind"] in ("review", "forget"):
            recompute_states(conn, [row["card"]])
        if leech_threshold is not None:
            from .manage import untag_leech

            untag_leech(conn, row["card"], leech_threshold)
    if later and row["kind"] == "review":
        return (f"This card was answered again elsewhere since; {later} later answer"
                f"{'s were' if later > 1 else ' was'} kept and the schedule recomputed from them.")
    return None


def restamp_study_days(collection, rollover_hour: int, bars=None) -> None:
    """A new rollover hour applies to every answer: each is put on the study day its moment belongs to under
    that hour, the day tables are recounted and the schedules replayed (due dates count from study days)."""
    from .. import clock
    from .migrations import rebuild_day_tables
    from .replay import recompute_states

    with collection.transaction() as conn:
        restamped = []
        for row in conn.execute("SELECT id, reviewed_at, study_day FROM reviews"):
            day = clock.study_day(datetime.datetime.fromisoformat(row["reviewed_at"]), rollover_hour).isoformat()
            if day != row["study_day"]:
                restamped.append((day, row["id"]))
        if restamped:
            conn.executemany("UPDATE reviews SET study_day = ? WHERE id = ?", restamped)
            rebuild_day_tables(conn)
            recompute_states(conn, snapshots=False, bars=bars)
        conn.execute(
            "INSERT INTO config (key, value) VALUES ('rollover_hour', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(rollover_hour),),
        )


def read_settings(collection) -> dict[str, str]:
    return {row["key"]: row["value"] for row in collection.conn.execute("SELECT key, value FROM config")}


def write_setting(collection, key: str, value: str) -> None:
    with collection.transaction() as conn:
        conn.execute(
            "INSERT INTO config (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
