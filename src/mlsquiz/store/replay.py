"""Recomputing card states from the review log (see replay.py), inside the caller's transaction: after a change
to the log (`recompute_states`), or while adding many reviews at once (`add_reviews`)."""

import datetime
import itertools
import json
import operator

from ..scheduling.replay import SCHEDULING_KINDS, LoggedAnswer, Schedule, fold, replay, snapshot
from .memory import memory_columns, replay_scheduling

_KINDS_SQL = ", ".join(f"'{kind}'" for kind in SCHEDULING_KINDS)
_SNAPSHOT = ("repetitions_before", "ease_before", "interval_before", "due_before", "lapses_before",
             "last_review_before", "repetitions_after", "ease_after", "interval_after", "due_after", "lapses_after")
_ANSWER = ("card", "reviewed_at", "study_day", "grade", "kind", "answer_ms", "uid")
_NO_SNAPSHOT = (None,) * len(_SNAPSHOT)
# Column positions in the rows _scheduling_rows reads: a review row's first four, as replay.fold reads them.
_CARD, _ID, _UID, _FIRST_SNAPSHOT = 4, 5, 6, 7
# A replay reads a card's answers by time; answers at the same millisecond (two machines, merged) by uid, which
# both machines share, so that a merge gives the same states whichever side it starts from: the replay order.


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
    card_ids = None if card_ids is None else sorted(set(card_ids))
    if card_ids == []:
        return 0
    scheduling = replay_scheduling(conn)  # FSRS memory, and the scheduler in use; None before migration m007
    stepwise = snapshots and _needs_steps(scheduling)
    advance = None
    if bars is not None:
        where, params = _in_cards(card_ids)
        studied = conn.execute(f"SELECT count(*) FROM card_state WHERE last_review IS NOT NULL {where}", params)
        advance = bars.stage("replaying cards", studied.fetchone()[0]).advance
    cards, folds, snapshot_updates, days = [], [], [], {}
    for card, rows in _scheduling_rows(conn, card_ids):
        if advance is not None:
            advance(1)
        cards.append(card)
        folds.append(fold(rows, snapshots and not stepwise))
        if snapshots:
            replayed = _fsrs_snapshots(rows, scheduling, days) if stepwise else folds[-1][2]
            snapshot_updates += _changed_snapshots(rows, replayed)
    _update_snapshots(conn, snapshot_updates)
    return _store_states(conn, card_ids, _final_states(cards, folds, scheduling), scheduling, bars)


def add_reviews(conn, answered: list[tuple[int, list]], bars=None, folded_ahead: dict | None = None) -> None:
    """Insert new reviews with their before/after snapshots, and store the replayed state of every card they
    touch. Run inside a transaction.

    `answered`: (card, its new answers) in card order, each card once, its answers in replay order (time, then
    uid), each (reviewed_at, study_day, grade, kind, answer_ms, uid, anything else) (an Anki import passes its
    ImportedReviews as they are: 100,000 of them, regrouped and re-sorted, cost a tenth of the import).
    `group_answers` gives this from loose rows. `folded_ahead` may give, by card, (how many answers, their
    `fold` with snapshots) worked out beforehand (an Anki import folds while another process builds the deck):
    it stands in for folding here when the card has no stored history and those are exactly its answers now.

    The same result as inserting the rows and calling `recompute_states` on their cards, but the replay runs
    before anything is written, so each new row is written once and complete: an Anki import brings 100,000
    reviews, and writing them twice (then reading them back) cost most of its time. The day tables are brought
    up to date once, in aggregate, instead of by their triggers for every row."""
    from .bulk import add_day_totals, built_alongside, card_places, drop_indexes, section_day_totals, triggers_lifted

    if not answered:
        return
    scheduling = replay_scheduling(conn)
    first_id, stored_count = conn.execute("SELECT coalesce(max(id), 0) + 1, count(*) FROM reviews").fetchone()
    cards_answered = [card for card, _ in answered]
    stored = dict(_scheduling_rows(conn, cards_answered))
    stepwise = _needs_steps(scheduling)
    new_rows, folds, snapshot_updates, days = [], [], [], {}
    advance = None if bars is None else bars.stage("replaying cards", len(cards_answered)).advance
    next_id = first_id  # ids in the replay order (card, reviewed_at, uid): the log reads in id order too
    for card, group in answered:
        if advance is not None:
            advance(1)
        ids = range(next_id, next_id + len(group))
        next_id += len(group)
        if card in stored or stepwise:
            coming = [(a[0], a[1], a[2], a[3], card, row_id, a[5]) for row_id, a in zip(ids, group)
                      if a[3] in SCHEDULING_KINDS]
            folded, snapshots, updates = _merged_replay(stored.get(card, []), coming, scheduling, stepwise, days)
            snapshot_updates += updates
        else:  # the common bulk case: a card answered only in what comes now
            ahead = folded_ahead.get(card) if folded_ahead else None
            if ahead is not None and ahead[0] == len(group):  # the answers can only have lost some since
                folded = ahead[1]
            else:
                folded = fold(group, True)
            snapshots = folded[2]
        folds.append(folded)
        if len(snapshots) == len(group):
            new_rows += [(row_id, card, a[0], a[1], a[2], a[3], a[4], a[5], *snapshot)
                         for row_id, a, snapshot in zip(ids, group, snapshots)]
        else:  # drill and cram answers stay out of the replay and keep no snapshot, as recompute_states leaves them
            replayed = iter(snapshots)
            new_rows += [(row_id, card, a[0], a[1], a[2], a[3], a[4], a[5],
                          *(next(replayed) if a[3] in SCHEDULING_KINDS else _NO_SNAPSHOT))
                         for row_id, a in zip(ids, group)]
    saving = None if bars is None else bars.stage("saving reviews", len(new_rows)).advance
    columns = ("id", *_ANSWER, *_SNAPSHOT)
    insert = f"INSERT INTO reviews ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    # Every new row carries its uid, so the trigger that draws one is lifted too: merely present, it triples
    # the cost of each insert.
    with triggers_lifted(conn, "study_days_on_review", "section_days_on_review", "reviews_get_uid"):
        rebuild = drop_indexes(conn, "reviews") if len(new_rows) >= stored_count else []
        for start in range(0, len(new_rows), SAVE_BATCH):
            batch = new_rows[start:start + SAVE_BATCH]
            conn.executemany(insert, batch)
            if saving is not None:
                saving(len(batch))
        if bars is not None:  # the indexes and the day totals: one opaque step for the bar
            bars.stage("updating day totals and indexes", None)
        places = card_places(conn, cards_answered)
        # While SQLite builds the indexes, the day totals and the cards' final states are worked out here.
        sections, final = built_alongside(conn, rebuild, lambda: (
            section_day_totals(answered, places), _final_states(cards_answered, folds, scheduling)))
        add_day_totals(conn, sections)
    _update_snapshots(conn, snapshot_updates)
    _store_states(conn, cards_answered, final, scheduling, bars)


def group_answers(answers: list[tuple]) -> list[tuple[int, list]]:
    """Loose answers (card, reviewed_at, study_day, grade, kind, answer_ms, uid) as add_reviews takes them."""
    ordered = sorted(answers, key=operator.itemgetter(0, 1, 6))
    return [(card, [answer[1:] for answer in group])
            for card, group in itertools.groupby(ordered, key=operator.itemgetter(0))]


def _merged_replay(stored_rows: list, coming: list, scheduling, stepwise: bool, days: dict) -> tuple:
    """A card's stored scheduled answers replayed together with the ones `coming` (both as _scheduling_rows
    gives them, the coming ones without snapshots; `stepwise`: `_needs_steps(scheduling)`): (its fold, the
    coming answers' snapshots in order, updates (snapshot..., id) for stored answers whose snapshot changes)."""
    rows = sorted(stored_rows + coming, key=operator.itemgetter(0, _UID))
    folded = fold(rows, not stepwise)
    replayed = _fsrs_snapshots(rows, scheduling, days) if stepwise else folded[2]
    new_snapshots, updates = [], []
    for row, snapshot in zip(rows, replayed):
        if len(row) == _FIRST_SNAPSHOT:  # a coming answer: its snapshot goes in with it
            new_snapshots.append(snapshot)
        elif row[_FIRST_SNAPSHOT:] != snapshot:
            updates.append((*snapshot, row[_ID]))
    return folded, new_snapshots, updates


def _needs_steps(scheduling) -> bool:
    """Whether snapshots need a step-by-step replay: FSRS intervals depend on the memory after every answer."""
    return scheduling is not None and scheduling.scheduler == "fsrs"


def _scheduling_rows(conn, card_ids: list[int] | None):
    """(card, its scheduled answers as rows (reviewed_at, study_day, grade, kind, card, id, uid, snapshot...))
    in replay order, for the given cards (all when None)."""
    where, params = _in_cards(card_ids)
    # Before migration m008 (which brings uids) the upgrade replays by row id: no merge could have happened yet.
    has_uid = conn.execute("SELECT 1 FROM pragma_table_info('reviews') WHERE name = 'uid'").fetchone()
    uid = "uid" if has_uid else "id"
    reviews = conn.cursor()
    reviews.row_factory = None  # tuples: a million sqlite3.Row objects cost seconds
    reviews.execute(
        f"""SELECT reviewed_at, study_day, grade, kind, card, id, {uid}, {', '.join(_SNAPSHOT)} FROM reviews
            WHERE kind IN ({_KINDS_SQL}) {where} ORDER BY card, reviewed_at, {uid}""",
        params,
    )
    for card, group in itertools.groupby(reviews, key=operator.itemgetter(_CARD)):
        yield card, list(group)


def _date(text: str, days: dict) -> datetime.date:
    day = days.get(text)
    if day is None:
        day = days[text] = datetime.date.fromisoformat(text)
    return day


def _fsrs_snapshots(rows, scheduling, days: dict) -> list[tuple]:
    """Each answer's snapshot replayed step by step with FSRS: its intervals need the memory. `days` caches
    dates."""
    answers = [LoggedAnswer(row[_ID], row[3], row[2], _date(row[1], days), row[0]) for row in rows]
    return [snapshot(result.before, result.after) for result in replay(answers, scheduling)]


def _changed_snapshots(rows, replayed) -> list[tuple]:
    """(new snapshot..., review id) for each review whose before/after columns differ from the replay's."""
    return [(*new, row[_ID]) for row, new in zip(rows, replayed) if row[_FIRST_SNAPSHOT:] != new]


def _update_snapshots(conn, updates: list[tuple]) -> None:
    if updates:
        updates.sort(key=lambda update: update[-1])  # rowid order: 2-3x faster than card order
        conn.executemany(f"UPDATE reviews SET {', '.join(f'{c} = ?' for c in _SNAPSHOT)} WHERE id = ?", updates)


def _final_states(cards: list[int], folds: list, scheduling) -> dict[int, tuple]:
    """card -> its card_state values (and memory's, when the collection has them) after its fold."""
    from ..scheduling.replay import final_schedules

    memory_row = memory_columns(scheduling)[0]
    return {card: _state_row(s) + memory_row(s) for card, s in zip(cards, final_schedules(folds, scheduling))}


def _store_states(conn, card_ids, final: dict, scheduling, bars) -> int:
    """Write each card's `_final_states` (and a new card's state to any of `card_ids` with no scheduled answer
    left); returns how many states changed."""
    from .bulk import bulk_state_changes

    memory_row, memory_sql, memory_set_sql = memory_columns(scheduling)
    new_card = _state_row(Schedule()) + memory_row(Schedule())
    where, params = _in_cards(card_ids)
    current = conn.cursor()
    current.row_factory = None
    current.execute(
        f"SELECT card, repetitions, ease, interval, due, lapses, last_review{memory_sql} FROM card_state "
        f"WHERE 1 = 1 {where}", params)
    changed = [(*final.get(row[0], new_card), row[0]) for row in current if row[1:] != final.get(row[0], new_card)]
    update = f"""UPDATE card_state SET repetitions = ?, ease = ?, interval = ?, due = ?, lapses = ?, last_review = ?
                 {memory_set_sql} WHERE card = ?"""
    saving = None if bars is None else bars.stage("saving schedules", len(changed)).advance
    with bulk_state_changes(conn, len(changed)):
        for start in range(0, len(changed), SAVE_BATCH):
            conn.executemany(update, changed[start:start + SAVE_BATCH])
            if saving is not None:
                saving(len(changed[start:start + SAVE_BATCH]))
    return len(changed)


def _in_cards(card_ids) -> tuple[str, tuple]:
    """A filter on `card` for the given ids (none when None); one JSON parameter, however many cards."""
    if card_ids is None:
        return "", ()
    return "AND card IN (SELECT value FROM json_each(?))", (json.dumps(card_ids),)


SAVE_BATCH = 5_000  # rows written per batch; a progress bar moves on after each
