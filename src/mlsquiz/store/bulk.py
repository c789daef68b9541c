"""Bulk changes inside a transaction: triggers that keep a table by the row are lifted, and the table is brought
up to date once, in aggregate (one statement instead of one trigger per row); indexes are built once after a
write that rewrites much of their table."""

import contextlib


@contextlib.contextmanager
def triggers_lifted(conn, *names: str):
    """Drop the named triggers for the duration and create them again, exactly as they were, afterwards. Run
    inside the caller's transaction: a failure rolls the drop back with everything else."""
    marks = ", ".join("?" * len(names))
    triggers = conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
                            names).fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    yield
    for _, sql in triggers:
        conn.execute(sql)


@contextlib.contextmanager
def indexes_lifted(conn, table: str, lift: bool = True):
    """With `lift`, drop the table's indexes for the duration and build them again afterwards: for inserts that
    at least double a table, one sort per index beats a B-tree insert per row and index. Inside the caller's
    transaction, as `triggers_lifted`."""
    rebuild = drop_indexes(conn, table) if lift else []
    yield
    for sql in rebuild:
        conn.execute(sql)


def drop_indexes(conn, table: str) -> list[str]:
    """Drop the table's indexes (inside the caller's transaction); returns the statements that build them."""
    indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                           "AND sql IS NOT NULL", (table,)).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in indexes]


def built_alongside(conn, statements: list[str], work):
    """Run `statements` (index builds) on `conn` in a second thread while `work()` runs in this one; returns
    work's result once both are done, or raises the error of either. SQLite lets go of Python's lock while it
    sorts an index, so Python work that needs no database goes on meanwhile instead of after it."""
    if not statements:
        return work()
    import threading

    failures = []

    def build():
        try:
            for sql in statements:
                conn.execute(sql)
        except BaseException as err:  # noqa: BLE001 - raised in the calling thread below
            failures.append(err)

    builder = threading.Thread(target=build, name="mlsquiz index build")
    builder.start()
    try:
        result = work()
    except BaseException:
        conn.interrupt()  # the transaction is rolled back next: no need to finish the indexes
        builder.join()
        raise
    builder.join()
    if failures:
        raise failures[0]
    return result


BULK_CHANGES = 5_000  # from here, recounting card_counts once beats its triggers firing per changed card


@contextlib.contextmanager
def counts_rebuilt_afterwards(conn):
    """Lift the card_counts triggers for a bulk update of card_state and recount the table once after it,
    inside the caller's transaction (an error rolls the triggers back in place too)."""
    from .card_counts import current_card_state_name, rebuild_card_counts

    with triggers_lifted(conn, "card_counts_on_insert", "card_counts_on_update", "card_counts_on_delete"):
        yield
        rebuild_card_counts(conn, current_card_state_name)


@contextlib.contextmanager
def bulk_state_changes(conn, changes: int):
    """Around writing `changes` rows of card_state: from BULK_CHANGES on, card_counts is recounted once instead
    of by trigger, and when at least half the table changes its indexes are built once afterwards too (an update
    through six indexes costs about six times one without)."""
    if changes < BULK_CHANGES or _lifted_already(conn):
        yield
        return
    total = conn.execute("SELECT count(*) FROM card_state").fetchone()[0]
    with counts_rebuilt_afterwards(conn), indexes_lifted(conn, "card_state", lift=2 * changes >= total):
        yield


def _lifted_already(conn) -> bool:
    """Whether an enclosing bulk change holds the card_counts triggers lifted: it recounts and rebuilds once
    for everything inside it (an Anki import adds cards, then replays their states)."""
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'card_counts_on_update'").fetchone() is None


def add_to_day_tables(conn) -> None:
    """Sum every review of the log (forget rows are no answers) into study_days and section_days, as their
    triggers would have one by one: for rebuilding both tables from the log."""
    # NOT INDEXED: the whole log read in table order; through the study-day index, each row is a random seek.
    conn.execute(
        """INSERT INTO study_days (day, reviews, answer_ms)
           SELECT study_day, count(*), coalesce(sum(answer_ms), 0) FROM reviews NOT INDEXED
           WHERE kind <> 'forget'
           GROUP BY study_day"""
    )
    conn.execute(
        """INSERT INTO section_days (day, deck, section, reviews, scheduled, passed, answer_ms)
           SELECT r.study_day, c.deck, c.section, count(*), count(*) FILTER (WHERE r.kind = 'review'),
                  count(*) FILTER (WHERE r.kind = 'review' AND r.grade >= 3), coalesce(sum(r.answer_ms), 0)
           FROM reviews r NOT INDEXED JOIN cards c ON c.id = r.card WHERE r.kind <> 'forget'
           GROUP BY r.study_day, c.deck, c.section"""
    )


def card_places(conn, cards: list[int]) -> dict[int, tuple[str, str]]:
    """card -> (deck, section) of the given cards, as the section_days trigger finds them."""
    import json

    return {card: (deck, section) for card, deck, section in conn.execute(
        "SELECT id, deck, section FROM cards WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(cards),))}


def section_day_totals(answered, places: dict) -> dict:
    """What the day-table triggers would add for each new answer (`answered` as store.replay.add_reviews takes
    it), summed in one pass over rows in memory (reading 100,000 new rows back to sum them in SQL took twice as
    long): (study day, (deck, section)) -> [reviews, scheduled, passed, answer ms]."""
    sections: dict[tuple, list] = {}
    for card, answers in answered:
        place = places[card]
        for answer in answers:  # (reviewed_at, study_day, grade, kind, answer_ms, uid, ...)
            kind = answer[3]
            if kind == "forget":  # no answer
                continue
            key = (answer[1], place)
            scheduled = kind == "review"
            passed = scheduled and answer[2] >= 3
            total = sections.get(key)
            if total is None:
                sections[key] = [1, scheduled, passed, answer[4] or 0]
            else:
                total[0] += 1
                total[1] += scheduled
                total[2] += passed
                total[3] += answer[4] or 0
    return sections


def add_day_totals(conn, sections: dict) -> None:
    """Add `section_day_totals` to section_days, and their sums by day to study_days."""
    days: dict[str, list] = {}
    for (day, _), (reviews, _, _, answer_ms) in sections.items():
        total = days.get(day)
        if total is None:
            days[day] = [reviews, answer_ms]
        else:
            total[0] += reviews
            total[1] += answer_ms
    conn.executemany(
        """INSERT INTO study_days (day, reviews, answer_ms) VALUES (?, ?, ?)
           ON CONFLICT (day) DO UPDATE SET reviews = reviews + excluded.reviews,
             answer_ms = answer_ms + excluded.answer_ms""",
        [(day, *total) for day, total in days.items()])
    conn.executemany(
        """INSERT INTO section_days (day, deck, section, reviews, scheduled, passed, answer_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (day, deck, section) DO UPDATE SET reviews = reviews + excluded.reviews,
             scheduled = scheduled + excluded.scheduled, passed = passed + excluded.passed,
             answer_ms = answer_ms + excluded.answer_ms""",
        [(day, *place, *total) for (day, place), total in sections.items()])
