"""The collection's schema as an ordered list of named steps. Never rename or edit a step that shipped."""

from .card_counts import card_state_name, rebuild_card_counts
from .schema import APPLICATION_ID

MIGRATION_SET = "mlsquiz"


def m001_initial(db) -> None:
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db["decks"].create(
        {"id": str, "name": str, "description": str, "source": str, "sections": str,
         "resources": str, "file_hash": str, "bundled": int, "imported_at": str},
        pk="id", not_null={"name"},
    )
    db["cards"].create(
        {"id": int, "deck": str, "card_id": str, "type": str, "prompt": str, "content": str,
         "section": str, "tags": str, "position": int, "content_hash": str, "retired": int},
        pk="id", not_null={"deck", "card_id", "type", "prompt", "content", "position", "content_hash", "retired"},
        defaults={"retired": 0}, foreign_keys=[("deck", "decks", "id")],
    )
    db["cards"].create_index(["deck", "card_id"], unique=True)
    db["cards"].create_index(["deck", "retired", "position"])
    db["card_state"].create(
        {"card": int, "repetitions": int, "ease": float, "interval": int, "due": str,
         "lapses": int, "last_review": str},
        pk="card", not_null={"repetitions", "ease", "interval", "lapses"},
        defaults={"repetitions": 0, "ease": 2.5, "interval": 0, "lapses": 0},
        foreign_keys=[("card", "cards", "id")],
    )
    db["card_state"].create_index(["due"])
    db["reviews"].create(
        {"id": int, "card": int, "reviewed_at": str, "study_day": str, "grade": int, "kind": str,
         "answer_ms": int,
         "repetitions_before": int, "ease_before": float, "interval_before": int, "due_before": str,
         "lapses_before": int, "last_review_before": str,
         "repetitions_after": int, "ease_after": float, "interval_after": int, "due_after": str,
         "lapses_after": int},
        pk="id", not_null={"card", "reviewed_at", "study_day", "grade", "kind"},
        foreign_keys=[("card", "cards", "id")],
    )
    db["reviews"].create_index(["study_day", "kind"])
    db["reviews"].create_index(["card", "reviewed_at"])
    db["config"].create({"key": str, "value": str}, pk="key", not_null={"value"})


def m002_study_days(db) -> None:
    """Reviews and time per study day, kept by triggers, so history and streaks never scan every review."""
    db["study_days"].create({"day": str, "reviews": int, "answer_ms": int}, pk="day",
                            not_null={"reviews", "answer_ms"})
    db.execute(
        """INSERT INTO study_days (day, reviews, answer_ms)
           SELECT study_day, count(*), coalesce(sum(answer_ms), 0) FROM reviews GROUP BY study_day"""
    )
    db.execute(
        """CREATE TRIGGER study_days_on_review AFTER INSERT ON reviews BEGIN
             INSERT INTO study_days (day, reviews, answer_ms) VALUES (new.study_day, 1, coalesce(new.answer_ms, 0))
             ON CONFLICT (day) DO UPDATE SET reviews = reviews + 1,
               answer_ms = answer_ms + coalesce(new.answer_ms, 0);
           END"""
    )
    db.execute(
        """CREATE TRIGGER study_days_on_undo AFTER DELETE ON reviews BEGIN
             UPDATE study_days SET reviews = reviews - 1, answer_ms = answer_ms - coalesce(old.answer_ms, 0)
             WHERE day = old.study_day;
             DELETE FROM study_days WHERE day = old.study_day AND reviews <= 0;
           END"""
    )


def m003_denormalised_counts(db) -> None:
    """Copy each card's deck, section, position and retired flag beside its state, and keep per-section daily
    counts, so `due`, `stats` and the quiz read one indexed table instead of joining every card and review."""
    for column in ("deck", "section"):
        db.execute(f"ALTER TABLE card_state ADD COLUMN {column} TEXT")
    db.execute("ALTER TABLE card_state ADD COLUMN position INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE card_state ADD COLUMN retired INTEGER NOT NULL DEFAULT 0")
    db.execute(
        """UPDATE card_state SET (deck, section, position, retired) =
           (SELECT deck, section, position, retired FROM cards WHERE cards.id = card_state.card)"""
    )
    db.execute(
        """CREATE TRIGGER card_state_follows_card AFTER UPDATE OF deck, section, position, retired ON cards BEGIN
             UPDATE card_state SET deck = new.deck, section = new.section, position = new.position,
               retired = new.retired
             WHERE card = new.id;
           END"""
    )
    # Due cards (most overdue first) and new cards (due IS NULL) both come straight off these in order.
    db.execute("CREATE INDEX card_state_active_due ON card_state (retired, due, deck, position)")
    db.execute("CREATE INDEX card_state_deck_due ON card_state (deck, retired, due, position)")
    db["section_days"].create(
        {"day": str, "deck": str, "section": str, "reviews": int, "scheduled": int, "passed": int, "answer_ms": int},
        pk=("day", "deck", "section"), not_null={"reviews", "scheduled", "passed", "answer_ms"},
    )
    db.execute(
        """INSERT INTO section_days (day, deck, section, reviews, scheduled, passed, answer_ms)
           SELECT r.study_day, c.deck, c.section, count(*), count(*) FILTER (WHERE r.kind = 'review'),
                  count(*) FILTER (WHERE r.kind = 'review' AND r.grade >= 3), coalesce(sum(r.answer_ms), 0)
           FROM reviews r JOIN cards c ON c.id = r.card GROUP BY r.study_day, c.deck, c.section"""
    )
    db.execute(
        """CREATE TRIGGER section_days_on_review AFTER INSERT ON reviews BEGIN
             INSERT INTO section_days (day, deck, section, reviews, scheduled, passed, answer_ms)
             SELECT new.study_day, deck, section, 1, new.kind = 'review', new.kind = 'review' AND new.grade >= 3,
                    coalesce(new.answer_ms, 0)
             FROM cards WHERE id = new.card
             ON CONFLICT (day, deck, section) DO UPDATE SET reviews = reviews + 1,
               scheduled = scheduled + excluded.scheduled, passed = passed + excluded.passed,
               answer_ms = answer_ms + excluded.answer_ms;
           END"""
    )
    db.execute(
        """CREATE TRIGGER section_days_on_undo AFTER DELETE ON reviews BEGIN
             UPDATE section_days SET reviews = reviews - 1, scheduled = scheduled - (old.kind = 'review'),
               passed = passed - (old.kind = 'review' AND old.grade >= 3),
               answer_ms = answer_ms - coalesce(old.answer_ms, 0)
             WHERE day = old.study_day AND (deck, section) = (SELECT deck, section FROM cards WHERE id = old.card);
           END"""
    )


def m004_card_counts(db) -> None:
    """Cards per (deck, section, state, ease), kept by triggers: stats reads a few rows, not every card."""
    db.execute(
        """CREATE TABLE card_counts (deck TEXT NOT NULL, section TEXT NOT NULL, state TEXT NOT NULL,
             ease REAL NOT NULL, cards INTEGER NOT NULL, PRIMARY KEY (deck, section, state, ease))"""
    )
    db.execute(
        f"""INSERT INTO card_counts SELECT coalesce(deck, ''), coalesce(section, ''), {card_state_name('s')},
              round(ease, 1), count(*) FROM card_state s GROUP BY 1, 2, 3, 4"""
    )
    _card_counts_triggers(db, "round({row}.ease, 1)")
    db.execute("CREATE INDEX card_state_hardest ON card_state (retired, lapses DESC, ease)")


def _card_counts_triggers(db, ease_sql: str) -> None:
    """card_counts' three triggers, ease bucketed by `ease_sql` (m004 to 0.1, m005 to 0.01). Shipped steps use it:
    the SQL it writes must never change (m006 patches these triggers' text)."""
    add = f"""INSERT INTO card_counts VALUES (coalesce(new.deck, ''), coalesce(new.section, ''), {{state}},
               {ease_sql.format(row='new')}, 1) ON CONFLICT DO UPDATE SET cards = cards + 1;"""
    remove = f"""UPDATE card_counts SET cards = cards - 1 WHERE deck = coalesce(old.deck, '')
               AND section = coalesce(old.section, '') AND state = {{state}} AND ease = {ease_sql.format(row='old')};"""
    for name in ("insert", "update", "delete"):
        db.execute(f"DROP TRIGGER IF EXISTS card_counts_on_{name}")
    db.execute(f"CREATE TRIGGER card_counts_on_insert AFTER INSERT ON card_state BEGIN "
               f"{add.format(state=card_state_name('new'))} END")
    db.execute(f"CREATE TRIGGER card_counts_on_update AFTER UPDATE ON card_state BEGIN "
               f"{remove.format(state=card_state_name('old'))} {add.format(state=card_state_name('new'))} END")
    db.execute(f"CREATE TRIGGER card_counts_on_delete AFTER DELETE ON card_state BEGIN "
               f"{remove.format(state=card_state_name('old'))} END")


def rebuild_day_tables(db) -> None:
    """Recount study_days and section_days from the review log (cards counted under their current section)."""
    from .bulk import add_to_day_tables

    db.execute("DELETE FROM study_days")
    db.execute("DELETE FROM section_days")
    add_to_day_tables(db)


def m005_exact_numbers(db) -> None:
    """Exact SM-2: every state replayed from its reviews; day tables that follow the review log (no empty days,
    reviews move with their card's section); ease counted to 0.01; deck meta (exam facts) kept as JSON."""
    from .replay import recompute_states

    db.execute("ALTER TABLE decks ADD COLUMN meta TEXT NOT NULL DEFAULT '{}'")
    # Card counts by ease to the hundredth (SM-2 eases are whole hundredths), rows that reach 0 removed.
    _card_counts_triggers(db, "round({row}.ease, 2)")
    db.execute("DROP TRIGGER section_days_on_undo")
    db.execute(
        """CREATE TRIGGER section_days_on_undo AFTER DELETE ON reviews BEGIN
             UPDATE section_days SET reviews = reviews - 1, scheduled = scheduled - (old.kind = 'review'),
               passed = passed - (old.kind = 'review' AND old.grade >= 3),
               answer_ms = answer_ms - coalesce(old.answer_ms, 0)
             WHERE day = old.study_day AND (deck, section) = (SELECT deck, section FROM cards WHERE id = old.card);
             DELETE FROM section_days WHERE day = old.study_day AND reviews <= 0;
           END"""
    )
    # A card moved to another section (or deck) by an import takes its reviews along.
    db.execute(
        """CREATE TRIGGER section_days_follow_card AFTER UPDATE OF deck, section ON cards
           WHEN old.deck IS NOT new.deck OR old.section IS NOT new.section BEGIN
             UPDATE section_days SET reviews = section_days.reviews - m.n, scheduled = section_days.scheduled - m.s,
               passed = section_days.passed - m.p, answer_ms = section_days.answer_ms - m.ms
             FROM (SELECT study_day, count(*) AS n, count(*) FILTER (WHERE kind = 'review') AS s,
                          count(*) FILTER (WHERE kind = 'review' AND grade >= 3) AS p,
                          coalesce(sum(answer_ms), 0) AS ms
                   FROM reviews WHERE card = new.id GROUP BY study_day) AS m
             WHERE section_days.day = m.study_day AND section_days.deck = old.deck
               AND section_days.section = old.section;
             DELETE FROM section_days WHERE reviews <= 0 AND day IN (SELECT study_day FROM reviews WHERE card = new.id);
             INSERT INTO section_days (day, deck, section, reviews, scheduled, passed, answer_ms)
               SELECT study_day, new.deck, new.section, count(*), count(*) FILTER (WHERE kind = 'review'),
                      count(*) FILTER (WHERE kind = 'review' AND grade >= 3), coalesce(sum(answer_ms), 0)
               FROM reviews WHERE card = new.id GROUP BY study_day
               ON CONFLICT (day, deck, section) DO UPDATE SET reviews = reviews + excluded.reviews,
                 scheduled = scheduled + excluded.scheduled, passed = passed + excluded.passed,
                 answer_ms = answer_ms + excluded.answer_ms;
           END"""
    )
    rebuild_day_tables(db)
    changed = recompute_states(db.conn)
    rebuild_card_counts(db)
    if changed:
        note_for_learner(db, f"SM-2 now computes intervals exactly: {changed} card schedules were recomputed "
                             "from their review history (some due dates moved by a day)")


def note_for_learner(db, text: str) -> None:
    """A line the command that opened the collection prints once (migrations cannot print themselves)."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS upgrade_notes (text TEXT NOT NULL)")
    db.execute("INSERT INTO upgrade_notes VALUES (?)", (text,))


def m006_card_management(db) -> None:
    """Card management: suspended, buried (the study day it is buried for) and leech flags beside each card's
    state. Suspended cards leave sessions, counts and exports (card_counts files them under 'suspended'); buried
    ones leave that day's queue only. A 'forget' row in the review log resets a card (replay.py) and is no answer,
    so the day tables skip it."""
    db.execute("ALTER TABLE card_state ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE card_state ADD COLUMN buried_until TEXT")
    db.execute("ALTER TABLE card_state ADD COLUMN leech INTEGER NOT NULL DEFAULT 0")
    # The queue and count queries filter on the flags too: keep them inside the indexes, so `due` stays index-only.
    db.execute("DROP INDEX IF EXISTS card_state_active_due")
    db.execute("DROP INDEX IF EXISTS card_state_deck_due")
    db.execute("CREATE INDEX card_state_active_due ON card_state "
               "(retired, suspended, due, deck, position, buried_until)")
    db.execute("CREATE INDEX card_state_deck_due ON card_state (deck, retired, suspended, due, position, buried_until)")
    # Patch the kept tables' triggers in place (whatever earlier steps made them): no card is suspended and no
    # forget row exists yet, so the counts themselves need no rebuild.
    triggers = db.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, table, sql in triggers:
        patched = sql
        if name.startswith("card_counts_on_"):
            for row in ("new", "old"):
                patched = patched.replace(f"THEN 'retired' WHEN {row}.",
                                          f"THEN 'retired' WHEN {row}.suspended = 1 THEN 'suspended' WHEN {row}.")
        elif table == "reviews":
            patched = patched.replace("AFTER INSERT ON reviews BEGIN",
                                      "AFTER INSERT ON reviews WHEN new.kind <> 'forget' BEGIN")
            patched = patched.replace("AFTER DELETE ON reviews BEGIN",
                                      "AFTER DELETE ON reviews WHEN old.kind <> 'forget' BEGIN")
        elif table == "cards":  # a card moving section carries its answers along, not its forget rows
            patched = patched.replace("FROM reviews WHERE card = new.id", "FROM reviews WHERE card = new.id "
                                      "AND kind <> 'forget'")
        if patched != sql:
            db.execute(f"DROP TRIGGER {name}")
            db.execute(patched)


def m007_memory_model(db) -> None:
    """FSRS memory beside every card's schedule (stability, difficulty, the study day of its last scheduled
    review), and the parameters `mlsquiz optimize` fits, one row per fit (the latest is used)."""
    from .replay import recompute_states

    for column, kind in (("stability", "REAL"), ("difficulty", "REAL"), ("last_review_day", "TEXT")):
        db.execute(f"ALTER TABLE card_state ADD COLUMN {column} {kind}")
    db["memory_parameters"].create(
        {"id": int, "fitted_on": str, "reviews": int, "log_loss_before": float, "log_loss_after": float,
         "parameters": str},
        pk="id", not_null={"fitted_on", "reviews", "parameters"},
    )
    # Covers `stats`'s predicted retention: recall of every seen card in one ordered index scan, grouped by section.
    db.execute("CREATE INDEX card_state_memory ON card_state (retired, suspended, deck, section, last_review_day, "
               "stability)")
    recompute_states(db.conn, snapshots=False)  # memory for every card studied so far (SM-2 unchanged)


def m008_review_identity(db) -> None:
    """A review's identity across machines (`uid`), so merging two collections is a union of their logs.

    New answers get a random uid (a trigger, so every writer is covered); an answer imported from Anki gets
    `anki-<revlog id>`, which makes re-importing a package a no-op. Reviews already logged get a uid derived from
    what they are, so two copies of one old collection agree on it."""
    db.execute("ALTER TABLE reviews ADD COLUMN uid TEXT")
    db.execute(
        """UPDATE reviews SET uid = 'm-' || (SELECT deck || '/' || card_id FROM cards WHERE cards.id = reviews.card)
             || '@' || reviewed_at || '#' || id"""
    )
    db.execute("CREATE UNIQUE INDEX reviews_uid ON reviews (uid)")
    db.execute(
        """CREATE TRIGGER reviews_get_uid AFTER INSERT ON reviews WHEN new.uid IS NULL BEGIN
             UPDATE reviews SET uid = lower(hex(randomblob(16))) WHERE id = new.id;
           END"""
    )


def m009_exam_preparation(db) -> None:
    """Exam preparation: one exam date per deck; practice-exam attempts, the questions each drew (so a killed
    attempt is still known) and cards a practice exam sent to a later quiz. Practice answers themselves go into
    `reviews` as kind 'exam': the kept tables count them as answers, never as scheduled reviews (m003/m006)."""
    db.execute(
        """CREATE TABLE exam_dates (deck TEXT PRIMARY KEY REFERENCES decks (id), exam_day TEXT NOT NULL,
             set_at TEXT NOT NULL)"""
    )
    db.execute(
        """CREATE TABLE practice_attempts (id INTEGER PRIMARY KEY, deck TEXT NOT NULL REFERENCES decks (id),
             started_at TEXT NOT NULL, study_day TEXT NOT NULL, seconds_allowed INTEGER NOT NULL,
             status TEXT NOT NULL DEFAULT 'running', seconds_used INTEGER, right INTEGER, questions INTEGER NOT NULL,
             scaled INTEGER, passed INTEGER)"""
    )
    db.execute(
        """CREATE TABLE practice_questions (attempt INTEGER NOT NULL REFERENCES practice_attempts (id),
             position INTEGER NOT NULL, card INTEGER NOT NULL REFERENCES cards (id), section TEXT,
             flagged INTEGER NOT NULL DEFAULT 0, answer TEXT, right INTEGER, review INTEGER,
             PRIMARY KEY (attempt, position))"""
    )
    db.execute(
        """CREATE TABLE practice_requeue (card INTEGER PRIMARY KEY REFERENCES cards (id), day TEXT NOT NULL)"""
    )
    # Readiness reads every seen card's memory in one pass: keep it (difficulty too) inside an index.
    db.execute("""CREATE INDEX card_state_exam ON card_state (deck, retired, suspended, stability, last_review_day,
                    difficulty, section)""")


def m010_practice_pool(db) -> None:
    """A practice exam counts each section's auto-checked cards before it draws: an index holding exactly what
    that count reads (no card content), so a 100,000-card deck is counted from the index alone."""
    db.execute("CREATE INDEX cards_practice_pool ON cards (deck, retired, type, section, position)")


def m011_forecast_columns(db) -> None:
    """`exam plan` and `exam readiness` read every active card of the deck in deck order with its memory and due
    day (store/readiness.forecast_columns): an index holding exactly that, in that order, so a 100,000-card deck
    is read off the index alone, without a lookup per card in the table or a sort (half the time of the read)."""
    db.execute("""CREATE INDEX card_state_forecast ON card_state (deck, retired, suspended, position, stability,
                    difficulty, last_review_day, due, section)""")


MIGRATIONS = [m001_initial, m002_study_days, m003_denormalised_counts, m004_card_counts, m005_exact_numbers,
              m006_card_management, m007_memory_model, m008_review_identity, m009_exam_preparation,
              m010_practice_pool, m011_forecast_columns]
SCHEMA_VERSION = len(MIGRATIONS)


def apply_migrations(db) -> None:
    """Apply every pending step, each in its own transaction with its record (sqlite-utils Migrations)."""
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for step in MIGRATIONS:
        migrations()(step)
    migrations.apply(db)
