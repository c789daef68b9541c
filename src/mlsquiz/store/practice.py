"""The SQL of practice exams: attempts, the questions each drew, answers (also logged in `reviews` as kind
'exam', which no replay reads, so the schedule never changes) and cards sent to a later quiz."""

import datetime
import json

from .columns import CARD_COLUMNS

AUTO_CHECKED = ("choice", "multi", "order", "typed")
_ACTIVE = "s.retired = 0 AND s.suspended = 0"


def practice_cards(collection, deck_id: str) -> list:
    """Active auto-checked cards of a deck, in deck order, with their content."""
    return collection.conn.execute(
        f"""SELECT {CARD_COLUMNS} FROM card_state s JOIN cards c ON c.id = s.card
            WHERE s.deck = ? AND {_ACTIVE} AND c.type IN ({', '.join('?' * len(AUTO_CHECKED))})
            ORDER BY s.position""",
        (deck_id, *AUTO_CHECKED),
    ).fetchall()


def abandon_running(collection, deck_id: str) -> list:
    """Attempts still marked running (killed, or quit before this version) become unfinished; returns them."""
    with collection.transaction() as conn:
        rows = conn.execute(
            """SELECT a.id, a.started_at, (SELECT count(*) FROM practice_questions q
                                            WHERE q.attempt = a.id AND q.answer IS NOT NULL) AS answered
               FROM practice_attempts a WHERE a.deck = ? AND a.status = 'running'""",
            (deck_id,),
        ).fetchall()
        conn.execute("UPDATE practice_attempts SET status = 'unfinished' WHERE deck = ? AND status = 'running'",
                     (deck_id,))
    return rows


def start_attempt(collection, deck_id: str, started_at: str, day: datetime.date, seconds: int,
                  questions: list) -> int:
    """A new running attempt with its drawn questions [(card row id, section)], in one transaction."""
    with collection.transaction() as conn:
        attempt = conn.execute(
            """INSERT INTO practice_attempts (deck, started_at, study_day, seconds_allowed, questions)
               VALUES (?, ?, ?, ?, ?)""",
            (deck_id, started_at, day.isoformat(), seconds, len(questions)),
        ).lastrowid
        conn.executemany(
            "INSERT INTO practice_questions (attempt, position, card, section) VALUES (?, ?, ?, ?)",
            [(attempt, n, card, section) for n, (card, section) in enumerate(questions)],
        )
    return attempt


def save_practice_answer(collection, attempt: int, position: int, card: int, answer, right: bool,
                         reviewed_at: str, day: datetime.date, answer_ms: int) -> None:
    """Keep an answer (replacing an earlier one to the same question): on the question, and in the review log as
    kind 'exam' with grade 4 (right) or 1 (wrong). The card's schedule is only copied, never changed."""
    with collection.transaction() as conn:
        old = conn.execute("SELECT review FROM practice_questions WHERE attempt = ? AND position = ?",
                           (attempt, position)).fetchone()
        if old and old[0] is not None:
            conn.execute("DELETE FROM reviews WHERE id = ?", (old[0],))
        s = conn.execute("SELECT * FROM card_state WHERE card = ?", (card,)).fetchone()
        state = (s["repetitions"], s["ease"], s["interval"], s["due"])
        review = conn.execute(
            """INSERT INTO reviews (card, reviewed_at, study_day, grade, kind, answer_ms,
                 repetitions_before, ease_before, interval_before, due_before, lapses_before, last_review_before,
                 repetitions_after, ease_after, interval_after, due_after, lapses_after)
               VALUES (?, ?, ?, ?, 'exam', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (card, reviewed_at, day.isoformat(), 4 if right else 1, answer_ms, *state, s["lapses"],
             s["last_review"], *state, s["lapses"]),
        ).lastrowid
        conn.execute(
            "UPDATE practice_questions SET answer = ?, right = ?, review = ? WHERE attempt = ? AND position = ?",
            (json.dumps(answer, ensure_ascii=False), int(right), review, attempt, position),
        )


def set_flag(collection, attempt: int, position: int, flagged: bool) -> None:
    with collection.transaction() as conn:
        conn.execute("UPDATE practice_questions SET flagged = ? WHERE attempt = ? AND position = ?",
                     (int(flagged), attempt, position))


def finish_attempt(collection, attempt: int, status: str, seconds_used: int, result) -> None:
    """Close an attempt: submitted or timed_out with its score, or unfinished (the score of what was answered)."""
    with collection.transaction() as conn:
        conn.execute(
            """UPDATE practice_attempts SET status = ?, seconds_used = ?, right = ?, scaled = ?, passed = ?
               WHERE id = ?""",
            (status, seconds_used, result.right, result.scaled, int(result.passed), attempt),
        )


def requeue(collection, cards: list[int], day: datetime.date) -> None:
    with collection.transaction() as conn:
        conn.executemany(
            """INSERT INTO practice_requeue (card, day) VALUES (?, ?)
               ON CONFLICT (card) DO UPDATE SET day = excluded.day""",
            [(card, day.isoformat()) for card in cards],
        )


def attempt_rows(collection, deck_id: str | None, limit: int = 10) -> list:
    """The latest attempts, oldest first: (id, deck, study day, status, questions, right, scaled, passed)."""
    deck_sql, params = ("WHERE deck = ?", (deck_id,)) if deck_id else ("", ())
    rows = collection.conn.execute(
        f"""SELECT id, deck, study_day, status, questions, right, scaled, passed, seconds_used
            FROM practice_attempts {deck_sql} ORDER BY id DESC LIMIT ?""",
        (*params, limit),
    ).fetchall()
    return rows[::-1]
