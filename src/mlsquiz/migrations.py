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


MIGRATIONS = [m001_initial, m002_study_days]
SCHEMA_VERSION = len(MIGRATIONS)


def apply_migrations(db) -> None:
    """Apply every pending step, each in its own transaction with its record (sqlite-utils Migrations)."""
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for step in MIGRATIONS:
        migrations()(step)
    migrations.apply(db)
