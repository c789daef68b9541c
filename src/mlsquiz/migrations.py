"""The collection's schema as an ordered list of named steps. Never rename or edit a step that shipped."""

# 'MLSQ': marks a file as an mlsquiz collection, so another app's SQLite file is never mistaken for one.
APPLICATION_ID = 0x4D4C5351
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


def card_state_name(row: str) -> str:
    """SQL for a card's state (new | learning | young | mature | retired) from a card_state row alias."""
    return (f"CASE WHEN {row}.retired = 1 THEN 'retired' WHEN {row}.last_review IS NULL THEN 'new' "
            f"WHEN {row}.repetitions < 2 THEN 'learning' WHEN {row}.interval >= 21 THEN 'mature' ELSE 'young' END")


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
    add = """INSERT INTO card_counts VALUES (coalesce(new.deck, ''), coalesce(new.section, ''), {state},
               round(new.ease, 1), 1) ON CONFLICT DO UPDATE SET cards = cards + 1;"""
    remove = """UPDATE card_counts SET cards = cards - 1 WHERE deck = coalesce(old.deck, '')
               AND section = coalesce(old.section, '') AND state = {state} AND ease = round(old.ease, 1);"""
    db.execute(f"CREATE TRIGGER card_counts_on_insert AFTER INSERT ON card_state BEGIN "
               f"{add.format(state=card_state_name('new'))} END")
    db.execute(f"CREATE TRIGGER card_counts_on_update AFTER UPDATE ON card_state BEGIN "
               f"{remove.format(state=card_state_name('old'))} {add.format(state=card_state_name('new'))} END")
    db.execute(f"CREATE TRIGGER card_counts_on_delete AFTER DELETE ON card_state BEGIN "
               f"{remove.format(state=card_state_name('old'))} END")
    db.execute("CREATE INDEX card_state_hardest ON card_state (retired, lapses DESC, ease)")


def m005_exact_numbers(db) -> None:
    """Lead: exact SM-2 replay, day tables that follow the review log, ease counted to 0.01, deck meta."""
    db.execute("ALTER TABLE decks ADD COLUMN meta TEXT NOT NULL DEFAULT '{}'")


def m006_card_management(db) -> None:
    """Card management (suspend, bury, leeches): filled by the daily-use work."""


def m007_memory_model(db) -> None:
    """FSRS memory state and parameters: filled by the memory-model work."""


def m008_review_identity(db) -> None:
    """Review identity across machines and Anki ids: filled by the Anki/merge work."""


MIGRATIONS = [m001_initial, m002_study_days, m003_denormalised_counts, m004_card_counts, m005_exact_numbers,
              m006_card_management, m007_memory_model, m008_review_identity]
SCHEMA_VERSION = len(MIGRATIONS)


def apply_migrations(db) -> None:
    """Apply every pending step, each in its own transaction with its record (sqlite-utils Migrations)."""
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for step in MIGRATIONS:
        migrations()(step)
    migrations.apply(db)
