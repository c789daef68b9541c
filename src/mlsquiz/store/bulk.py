"""Bulk changes inside a transaction: triggers that keep a table by the row are lifted, and the table is brought
up to date once, in aggregate (one statement instead of one trigger per row)."""

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
    indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                           "AND sql IS NOT NULL", (table,)).fetchall() if lift else []
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        conn.execute(sql)


def add_to_day_tables(conn, first_id: int = 1) -> None:
    """What the study_days and section_days triggers add for each new review, for every review from row id
    `first_id` on at once (forget rows are no answers)."""
    # NOT INDEXED: a range of rowids read in table order; through the study-day index, each row is a random seek.
    conn.execute(
        """INSERT INTO study_days (day, reviews, answer_ms)
           SELECT study_day, count(*), coalesce(sum(answer_ms), 0) FROM reviews NOT INDEXED
           WHERE id >= ? AND kind <> 'forget'
           GROUP BY study_day
           ON CONFLICT (day) DO UPDATE SET reviews = reviews + excluded.reviews,
             answer_ms = answer_ms + excluded.answer_ms""",
        (first_id,),
    )
    conn.execute(
        """INSERT INTO section_days (day, deck, section, reviews, scheduled, passed, answer_ms)
           SELECT r.study_day, c.deck, c.section, count(*), count(*) FILTER (WHERE r.kind = 'review'),
                  count(*) FILTER (WHERE r.kind = 'review' AND r.grade >= 3), coalesce(sum(r.answer_ms), 0)
           FROM reviews r NOT INDEXED JOIN cards c ON c.id = r.card WHERE r.id >= ? AND r.kind <> 'forget'
           GROUP BY r.study_day, c.deck, c.section
           ON CONFLICT (day, deck, section) DO UPDATE SET reviews = reviews + excluded.reviews,
             scheduled = scheduled + excluded.scheduled, passed = passed + excluded.passed,
             answer_ms = answer_ms + excluded.answer_ms""",
        (first_id,),
    )
