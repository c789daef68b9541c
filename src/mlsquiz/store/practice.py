"""The SQL of practice exams: attempts, the questions each drew, answers (also logged in `reviews` as kind
'exam', which no replay reads, so the schedule never changes) and cards sent to a later quiz."""

import datetime
import json

from .columns import CARD_COLUMNS

AUTO_CHECKED = ("choice", "multi", "order", "typed", "matching")
_ACTIVE = "s.retired = 0 AND s.suspended = 0"


def practice_cards(collection, deck_id: str) -> list:
    """Active auto-checked cards of a deck, in deck order, with their content."""
    return collection.conn.execute(
        f"""SELECT {CARD_COLUMNS} FROM card_state s JOIN cards c ON c.id = s.card
            WHERE s.deck = ? AND {_ACTIVE} AND c.type IN ({', '.join('?' * len(AUTO_CHECKED))})
            ORDER BY s.position""",
        (deck_id, *AUTO_CHECKED),
    ).fetchall()


RECENT_ATTEMPTS = 3  # a fresh draw avoids the questions of this many latest attempts of the deck


def recent_questions(collection, deck_id: str, attempts: int = RECENT_ATTEMPTS) -> dict[int, int]:
    """Card row id -> how many attempts ago it was last drawn (1: the latest attempt), over the latest attempts."""
    rows = collection.conn.execute(
        """SELECT q.card, min(r.ago) FROM practice_questions q
             JOIN (SELECT id, row_number() OVER (ORDER BY id DESC) AS ago FROM practice_attempts WHERE deck = ?
                   ORDER BY id DESC LIMIT ?) r ON r.id = q.attempt
           GROUP BY q.card""",
        (deck_id, attempts),
    ).fetchall()
    return {card: ago for card, ago in rows}


def practice_pool(collection, deck_id: str) -> list[dict]:
    """What the draw needs of every active auto-checked card (id, section, last_review), without its content:
    drawing 65 of 80,000 cards need not read 80,000 contents."""
    rows = collection.conn.execute(
        f"""SELECT c.id, c.section, s.last_review FROM card_state s JOIN cards c ON c.id = s.card
            WHERE s.deck = ? AND {_ACTIVE} AND c.type IN ({', '.join('?' * len(AUTO_CHECKED))})
            ORDER BY s.position""",
        (deck_id, *AUTO_CHECKED),
    ).fetchall()
    return [{"id": card, "section": section, "last_review": last} for card, section, last in rows]


_TYPES = f"c.type IN ({', '.join(repr(kind) for kind in AUTO_CHECKED)})"


def pool_counts(collection, deck_id: str) -> tuple[dict[str, int], tuple[int, int]]:
    """Active auto-checked cards per section (in deck order of each section's first card), and the range of the
    deck's card row ids: one pass over the cards' type and section, no content, no card_state; suspended cards
    (few) are taken off with a second, small query."""
    return _pool_counts(collection.conn, deck_id)


def pool_counts_soon(collection, deck_id: str):
    """`pool_counts` started now in a thread (connection.read_soon: the scan runs while the caller imports and
    draws its start screen); returns a function that waits for the result (or raises what the scan raised)."""
    from .connection import read_soon

    return read_soon(collection, lambda reader: _pool_counts(reader.conn, deck_id), "practice-pool")


def _pool_counts(conn, deck_id: str):
    # grouped by type first: the index's own order (deck, retired, type, section), so no sort, then per section
    rows = []
    for _, section, n, position, low, high in conn.execute(
            f"""SELECT c.type, c.section, count(*), min(c.position), min(c.id), max(c.id) FROM cards c
                WHERE c.deck = ? AND c.retired = 0 AND {_TYPES} GROUP BY c.type, c.section""", (deck_id,)):
        same = next((row for row in rows if row[0] == section), None)
        if same is None:
            rows.append([section, n, position, low, high])
        else:
            same[1:] = [same[1] + n, min(same[2], position), min(same[3], low), max(same[4], high)]
    suspended = dict(conn.execute(
        f"""SELECT c.section, count(*) FROM card_state s JOIN cards c ON c.id = s.card
            WHERE s.deck = ? AND s.retired = 0 AND s.suspended = 1 AND {_TYPES} GROUP BY c.section""",
        (deck_id,)).fetchall())
    counts = {section: n - suspended.get(section, 0) for section, n, _, _, _ in sorted(rows, key=lambda r: r[2])}
    span = (min((r[3] for r in rows), default=0), max((r[4] for r in rows), default=-1))
    return {section: n for section, n in counts.items() if n > 0}, span


def candidates_at(collection, deck_id: str, ids: list[int]) -> list[dict]:
    """Of these card row ids, the deck's active auto-checked cards (id, section, last_review), in the order of
    `ids`: one lookup by primary key each."""
    found = {card: {"id": card, "section": section, "last_review": last} for card, section, last in
             collection.conn.execute(
                 # CROSS JOIN keeps this order: by primary key per id (else SQLite scans the deck's index)
                 f"""SELECT c.id, c.section, s.last_review FROM json_each(?) j
                       CROSS JOIN cards c ON c.id = j.value CROSS JOIN card_state s ON s.card = c.id
                     WHERE c.deck = ? AND c.retired = 0 AND s.suspended = 0 AND {_TYPES}""",
                 (json.dumps(ids), deck_id))}
    return [found[card] for card in ids if card in found]


def random_walk(collection, deck_id: str, span: tuple[int, int], rng, first_batch: int = 128):
    """The deck's active auto-checked cards in a uniformly random order, read lazily: distinct row ids drawn at
    random from `span` (the deck's id range) and looked up by primary key in growing batches, so a draw of 65 of
    80,000 cards reads a few hundred rows, not 80,000."""
    low, high = span
    size = high - low + 1
    tried: set[int] = set()
    batch = first_batch
    while len(tried) < size:
        if len(tried) * 2 < size:
            ids = []
            while len(ids) < batch and len(tried) < size:
                card = rng.randrange(low, high + 1)
                if card not in tried:
                    tried.add(card)
                    ids.append(card)
        else:  # more than half tried: shuffle what is left instead of guessing
            ids = [card for card in range(low, high + 1) if card not in tried]
            rng.shuffle(ids)
            tried.update(ids)
        for start in range(0, len(ids), batch):
            yield from candidates_at(collection, deck_id, ids[start:start + batch])
        batch = min(batch * 2, 4096)


def cards_by_id(collection, ids: list[int]) -> list:
    """The full rows of these cards, in the order of `ids`."""
    rows = {row["id"]: row for row in collection.conn.execute(
        f"""SELECT {CARD_COLUMNS} FROM cards c JOIN card_state s ON s.card = c.id
            WHERE c.id IN (SELECT value FROM json_each(?))""", (json.dumps(ids),))}
    return [rows[card] for card in ids]


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


def record_time(collection, attempt: int, seconds_used: int) -> None:
    """The time used so far, kept with every answer and flag: what a resumed attempt has already spent."""
    with collection.transaction() as conn:
        conn.execute("UPDATE practice_attempts SET seconds_used = ? WHERE id = ?", (seconds_used, attempt))


def resumable_attempt(collection, deck_id: str):
    """The deck's latest attempt when it was left unfinished (quit, or killed: still 'running'), with how many
    questions it has answered; else None."""
    return collection.conn.execute(
        """SELECT a.id, a.started_at, a.status, a.questions, a.seconds_allowed, coalesce(a.seconds_used, 0) AS used,
                  (SELECT count(*) FROM practice_questions q WHERE q.attempt = a.id AND q.answer IS NOT NULL)
                    AS answered
           FROM practice_attempts a WHERE a.deck = ? AND a.id = (SELECT max(id) FROM practice_attempts
                                                              WHERE deck = ?)
             AND a.status IN ('running', 'unfinished')""",
        (deck_id, deck_id),
    ).fetchone()


def attempt_questions(collection, attempt: int) -> list:
    """An attempt's questions in order: the card's columns, then asked_at (the question's position), flagged,
    answer (JSON) and answered_right."""
    return collection.conn.execute(
        f"""SELECT {CARD_COLUMNS}, q.position AS asked_at, q.flagged, q.answer, q.right AS answered_right
            FROM practice_questions q JOIN cards c ON c.id = q.card JOIN card_state s ON s.card = c.id
            WHERE q.attempt = ? ORDER BY q.position""",
        (attempt,),
    ).fetchall()


def reopen_attempt(collection, attempt: int) -> None:
    with collection.transaction() as conn:
        conn.execute("UPDATE practice_attempts SET status = 'running' WHERE id = ?", (attempt,))


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


def attempt_history(collection, deck_id: str | None, limit: int = 10) -> list[dict]:
    """The latest attempts, oldest first, each with how many of its questions were cards already studied (a
    scheduled review before the attempt started) and its right answers per section: {section: [right, asked]}."""
    deck_sql, params = ("WHERE a.deck = ?", (deck_id,)) if deck_id else ("", ())
    rows = collection.conn.execute(
        f"""SELECT a.id, a.deck, a.study_day, a.status, a.questions, a.right, a.scaled, a.passed,
                   (SELECT count(*) FROM practice_questions q WHERE q.attempt = a.id AND EXISTS (
                      SELECT 1 FROM reviews r WHERE r.card = q.card AND r.kind = 'review'
                        AND r.reviewed_at < a.started_at)) AS studied
            FROM practice_attempts a {deck_sql} ORDER BY a.id DESC LIMIT ?""",
        (*params, limit),
    ).fetchall()
    attempts = [{"id": r[0], "deck": r[1], "date": r[2], "status": r[3], "questions": r[4], "right": r[5],
                 "scaled": r[6], "passed": bool(r[7]), "studied": r[8], "sections": {}} for r in rows[::-1]]
    by_id = {a["id"]: a for a in attempts}
    if by_id:
        marks = ",".join("?" * len(by_id))
        for attempt, section, right, asked in collection.conn.execute(
                f"""SELECT attempt, coalesce(section, ''), sum(coalesce(right, 0)), count(*) FROM practice_questions
                    WHERE attempt IN ({marks}) GROUP BY attempt, section ORDER BY attempt, section""", tuple(by_id)):
            by_id[attempt]["sections"][section] = [right, asked]
    return attempts
