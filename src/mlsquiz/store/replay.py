"""Recomputing card states from the review log (see replay.py), inside the caller's transaction."""

import contextlib
import datetime
import itertools

from ..replay import SCHEDULING_KINDS, LoggedAnswer, Schedule, replay
from .memory import memory_columns, replay_scheduling

_KINDS_SQL = ", ".join(f"'{kind}'" for kind in SCHEDULING_KINDS)
_SNAPSHOT = ("repetitions_before", "ease_before", "interval_before", "due_before", "lapses_before",
             "last_review_before", "repetitions_after", "ease_after", "interval_after", "due_after", "lapses_after")


def _snapshot(before: Schedule, after: Schedule) -> tuple:
    def state(s: Schedule) -> tuple:
        return (s.state.repetitions, s.state.ease, s.state.interval, s.state.due and s.state.due.isoformat())

    return (*state(before), before.lapses, before.last_review, *state(after), after.lapses)


def _state_row(schedule: Schedule) -> tuple:
    s = schedule.state
    return (s.repetitions, s.ease, s.interval, s.due and s.due.isoformat(), schedule.lapses, schedule.last_review)


def recompute_states(conn, card_ids: list[int] | None = None, *, snapshots: bool = True, bars=None) -> int:
    """Replay the scheduled reviews of the given cards (all when None) and store each card's state. Returns how
    many cards' states changed. Run inside a transaction.

    With `snapshots`, each review's before/after columns are rewritten too: for changes to a card's history
    (undo, forget, an import or merge, the exact-SM-2 upgrade). Without, the log stays exactly as it is: for
    changes of scheduler, parameters or rollover hour, where the answers themselves did not change.
    `bars` (progress.progress) is told how far reading and saving are."""
    from ..replay import final_schedules, fold

    card_ids = None if card_ids is None else sorted(set(card_ids))
    if card_ids == []:
        return 0
    scheduling = replay_scheduling(conn)  # FSRS memory, and the scheduler in use; None before migration m007
    memory_row, memory_sql, memory_set_sql = memory_columns(scheduling)
    where, params = _in_cards(card_ids)
    reviews = conn.cursor()
    reviews.row_factory = None  # tuples: a million sqlite3.Row objects cost seconds
    reviews.execute(
        f"""SELECT card, kind, grade, study_day, reviewed_at, id, {', '.join(_SNAPSHOT)} FROM reviews
            WHERE kind IN ({_KINDS_SQL}) {where} ORDER BY card, reviewed_at, id""",
        params,
    )
    cards, folds, snapshot_updates = [], [], []
    stepwise = snapshots and scheduling is not None and scheduling.scheduler == "fsrs"
    fromisoformat = datetime.date.fromisoformat
    advance = None
    if bars is not None:
        studied = conn.execute(f"SELECT count(*) FROM card_state WHERE last_review IS NOT NULL {where}", params)
        advance = bars.stage("replaying cards", studied.fetchone()[0]).advance
    for card, group in itertools.groupby(reviews, key=lambda row: row[0]):
        if advance is not None:
            advance(1)
        rows = list(group)
        history = [(kind, grade, fromisoformat(day), at) for _, kind, grade, day, at, *_ in rows]
        cards.append(card)
        folded = fold(history, keep_steps=snapshots and not stepwise)
        folds.append(folded)
        if snapshots:
            steps = _fsrs_steps(rows, history, scheduling) if stepwise else folded[2]
            snapshot_updates += _changed_snapshots(rows, steps)
    if snapshot_updates:
        snapshot_updates.sort(key=lambda update: update[-1])  # rowid order: 2-3x faster than card order
        conn.executemany(f"UPDATE reviews SET {', '.join(f'{c} = ?' for c in _SNAPSHOT)} WHERE id = ?",
                         snapshot_updates)
    final = {card: _state_row(s) + memory_row(s)
             for card, s in zip(cards, final_schedules(folds, scheduling))}
    new_card = _state_row(Schedule()) + memory_row(Schedule())
    current = conn.cursor()
    current.row_factory = None
    current.execute(
        f"SELECT card, repetitions, ease, interval, due, lapses, last_review{memory_sql} FROM card_state "
        f"WHERE 1 = 1 {where}", params)
    changed = [(*final.get(row[0], new_card), row[0]) for row in current if row[1:] != final.get(row[0], new_card)]
    update = f"""UPDATE card_state SET repetitions = ?, ease = ?, interval = ?, due = ?, lapses = ?, last_review = ?
                 {memory_set_sql} WHERE card = ?"""
    saving = None if bars is None else bars.stage("saving schedules", len(changed)).advance
    with counts_rebuilt_afterwards(conn) if len(changed) >= BULK_CHANGES else contextlib.nullcontext():
        for start in range(0, len(changed), SAVE_BATCH):
            conn.executemany(update, changed[start:start + SAVE_BATCH])
            if saving is not None:
                saving(len(changed[start:start + SAVE_BATCH]))
    return len(changed)


def _fsrs_steps(rows, history, scheduling) -> list[tuple]:
    """(before, after) of each answer replayed step by step with FSRS: its intervals need the memory."""
    answers = [LoggedAnswer(row[5], kind, grade, day, at) for row, (kind, grade, day, at) in zip(rows, history)]
    return [(result.before, result.after) for result in replay(answers, scheduling)]


def _changed_snapshots(rows, steps) -> list[tuple]:
    """(new snapshot..., review id) for each review whose before/after columns differ from the replay's."""
    updates = []
    for row, (before, after) in zip(rows, steps):
        snapshot = _snapshot(before, after)
        if row[6:] != snapshot:
            updates.append((*snapshot, row[5]))
    return updates


def _in_cards(card_ids) -> tuple[str, tuple]:
    if card_ids is None:
        return "", ()
    return f"AND card IN ({', '.join('?' * len(card_ids))})", tuple(card_ids)


SAVE_BATCH = 5_000  # states written per batch; a progress bar moves on after each
BULK_CHANGES = 5_000  # from here, recounting card_counts once beats its triggers firing per changed card


@contextlib.contextmanager
def counts_rebuilt_afterwards(conn):
    """Lift the card_counts triggers for a bulk update of card_state and recount the table once after it,
    inside the caller's transaction (an error rolls the triggers back in place too)."""
    from ..migrations import current_card_state_name, rebuild_card_counts
    from .bulk import triggers_lifted

    with triggers_lifted(conn, "card_counts_on_insert", "card_counts_on_update", "card_counts_on_delete"):
        yield
        rebuild_card_counts(conn, current_card_state_name)
