"""Small reads for the end of a study session."""

import datetime


def due_on_or_before(collection, day: datetime.date, deck_id: str | None) -> int:
    from .study import count_due

    return count_due(collection, day, deck_id)


def all_study_days(collection) -> list[str]:
    return [row[0] for row in collection.conn.execute("SELECT day FROM study_days ORDER BY day")]
