"""Carrying SM-2 progress into an Anki package.

genanki writes every card as new. Before the package is zipped, this rewrites the scheduling columns of
each studied card (type/queue "review", interval, ease as Anki's factor, due day, repetitions, lapses) and
adds the review log, so that Anki's "import scheduling" continues the same schedule.
"""

import datetime
import json

ANKI_REVIEW = 2  # card type and queue of a card in review


def anki_button(grade: int) -> int:
    """SM-2's 0-5 grade as Anki's answer button: Again, Hard, Good, Easy."""
    return 1 if grade < 3 else grade - 1


def progress_writer(states: dict[str, dict], reviews: dict[str, list], fsrs: dict[int, dict] | None = None):
    """A hook for export.write_package: `states` and `reviews` are keyed by (note GUID, card ordinal)."""

    def apply(cursor) -> None:
        created = cursor.execute("SELECT crt FROM col").fetchone()[0]
        # Anki counts due days from the collection's creation day.
        first_day = datetime.datetime.fromtimestamp(created, datetime.timezone.utc).date()
        used_ids: set[int] = set()
        for card_id, guid, ordinal in cursor.execute(
                "SELECT c.id, n.guid, c.ord FROM cards c JOIN notes n ON n.id = c.nid").fetchall():
            state = states.get((guid, ordinal))
            if not state or state["last_review"] is None:
                continue
            due_day = (datetime.date.fromisoformat(state["due"]) - first_day).days
            cursor.execute(
                "UPDATE cards SET type = ?, queue = ?, ivl = ?, factor = ?, due = ?, reps = ?, lapses = ? WHERE id = ?",
                (ANKI_REVIEW, ANKI_REVIEW, state["interval"], round(state["ease"] * 1000), due_day,
                 state["repetitions"], state["lapses"], card_id),
            )
            if fsrs and state["id"] in fsrs:  # under FSRS: Anki's memory state fields (s, d, dr) in card data
                cursor.execute("UPDATE cards SET data = ? WHERE id = ?", (json.dumps(fsrs[state["id"]]), card_id))
            for review in reviews.get((guid, ordinal), []):
                moment = datetime.datetime.fromisoformat(review["reviewed_at"])
                log_id = int(moment.timestamp() * 1000)
                while log_id in used_ids:  # the log's key is the answer time in ms: keep two answers apart
                    log_id += 1
                used_ids.add(log_id)
                cursor.execute(
                    "INSERT INTO revlog VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
                    (log_id, card_id, anki_button(review["grade"]),
                     review["interval_after"], review["interval_before"], round(review["ease_after"] * 1000),
                     min(review["answer_ms"] or 0, 60_000), 0 if review["due_before"] is None else 1),
                )

    return apply
