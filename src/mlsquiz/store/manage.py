"""Card management in the collection: finding cards by id or filter, suspend, bury, forget, leeches.

Each change is one transaction. `forget` writes a 'forget' row into the review log and replays the card
(store/replay.py treats that row as a reset), so the history stays and a later replay keeps the card new.
"""

import datetime

from ..errors import MlsquizError
from .card_counts import current_card_state_name

_MANAGED = """c.id, c.deck, c.card_id, c.prompt, s.suspended, s.buried_until, s.leech, s.lapses, s.last_review"""


def find_cards(collection, ids: list[str], deck: str | None, section: str | None, tag: str | None) -> list:
    """The active cards named by id (`ID` or `DECK:ID`) and/or matching every filter given, in deck order.

    An id that names no card, or cards in several decks without a deck to choose, is an error that names it."""
    rows = []
    for wanted in ids:
        deck_of, _, card_id = wanted.rpartition(":")
        deck_of = deck_of or deck
        matches = collection.conn.execute(
            f"""SELECT {_MANAGED} FROM cards c JOIN card_state s ON s.card = c.id
                WHERE c.card_id = ? AND c.retired = 0 {'AND c.deck = ?' if deck_of else ''}""",
            (card_id, deck_of) if deck_of else (card_id,),
        ).fetchall()
        if not matches:
            where = f" in deck {deck_of!r}" if deck_of else ""
            raise MlsquizError(f"no card {wanted!r}{where} (see 'mlsquiz cards')")
        if len(matches) > 1:
            decks = ", ".join(sorted(row["deck"] for row in matches))
            raise MlsquizError(f"card id {card_id!r} is in several decks ({decks}): write it as DECK:{card_id}")
        rows.append(matches[0])
    if not ids and (deck or section or tag):
        where, params = ["c.retired = 0"], []
        if deck:
            where.append("c.deck = ?")
            params.append(deck)
        if section:
            where.append("c.section = ?")
            params.append(section)
        if tag:
            where.append("EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = ?)")
            params.append(tag)
        rows = collection.conn.execute(
            f"""SELECT {_MANAGED} FROM cards c JOIN card_state s ON s.card = c.id
                WHERE {' AND '.join(where)} ORDER BY c.deck, c.position""",
            params,
        ).fetchall()
    elif ids and (section or tag):
        rows = [row for row in find_cards(collection, [], deck, section, tag) if row["id"] in {r["id"] for r in rows}]
    unique = {row["id"]: row for row in rows}
    return list(unique.values())


def set_flag(collection, card_ids: list[int], column: str, value) -> int:
    """Set suspended / buried_until for the cards whose value differs; returns how many changed."""
    if column not in ("suspended", "buried_until"):
        raise ValueError(column)
    with collection.transaction() as conn:
        changed = 0
        for card in card_ids:
            changed += conn.execute(
                f"UPDATE card_state SET {column} = ? WHERE card = ? AND {column} IS NOT ?", (value, card, value)
            ).rowcount
    return changed


def unsuspend(collection, card_ids: list[int]) -> int:
    """Back into sessions; a leech stays tagged (its lapses are real) but is studied again."""
    return set_flag(collection, card_ids, "suspended", 0)


def forget(collection, card_ids: list[int], reviewed_at: str, day: datetime.date) -> int:
    """Back to new, history kept: a 'forget' row in the log for each card, then the card replayed from its log."""
    from .replay import recompute_states

    with collection.transaction() as conn:
        for card in card_ids:
            row = conn.execute("SELECT * FROM card_state WHERE card = ?", (card,)).fetchone()
            conn.execute(
                """INSERT INTO reviews (card, reviewed_at, study_day, grade, kind, answer_ms,
                     repetitions_before, ease_before, interval_before, due_before, lapses_before,
                     last_review_before, repetitions_after, ease_after, interval_after, due_after, lapses_after)
                   VALUES (?, ?, ?, 0, 'forget', 0, ?, ?, ?, ?, ?, ?, 0, 2.5, 0, NULL, 0)""",
                (card, reviewed_at, day.isoformat(), row["repetitions"], row["ease"], row["interval"], row["due"],
                 row["lapses"], row["last_review"]),
            )
            conn.execute("UPDATE card_state SET leech = 0, buried_until = NULL WHERE card = ?", (card,))
        recompute_states(conn, list(card_ids))
    return len(card_ids)


def mark_leech(collection, card: int, threshold: int, suspend: bool) -> int | None:
    """Tag the card a leech (and suspend it) once its lapses reach `threshold`; returns its lapses if it was
    tagged now, None otherwise (not a leech, or tagged before)."""
    with collection.transaction() as conn:
        return tag_leech(conn, card, threshold, suspend)


def tag_leech(conn, card: int, threshold: int, suspend: bool) -> int | None:
    """mark_leech inside a transaction already open (an answer tags its card in the transaction that saves it)."""
    row = conn.execute("SELECT lapses, leech FROM card_state WHERE card = ?", (card,)).fetchone()
    if row is None or row["leech"] or row["lapses"] < threshold:
        return None
    conn.execute("UPDATE card_state SET leech = 1, suspended = max(suspended, ?) WHERE card = ?",
                 (int(suspend), card))
    return row["lapses"]


def unmark_leech(collection, card: int, threshold: int) -> None:
    """After an undo: a card back below the threshold is no leech (nor suspended for being one)."""
    with collection.transaction() as conn:
        untag_leech(conn, card, threshold)


def untag_leech(conn, card: int, threshold: int) -> None:
    conn.execute("UPDATE card_state SET leech = 0, suspended = 0 WHERE card = ? AND leech = 1 AND lapses < ?",
                 (card, threshold))


def leech_rows(collection, deck_id: str | None) -> list:
    """Leeches, most lapses first."""
    deck_sql, params = ("AND c.deck = ?", (deck_id,)) if deck_id else ("", ())
    return collection.conn.execute(
        f"""SELECT {_MANAGED} FROM cards c JOIN card_state s ON s.card = c.id
            WHERE s.leech = 1 AND c.retired = 0 {deck_sql} ORDER BY s.lapses DESC, c.deck, c.position""",
        params,
    ).fetchall()


def card_of_review(collection, review_id: int) -> int | None:
    row = collection.conn.execute("SELECT card FROM reviews WHERE id = ?", (review_id,)).fetchone()
    return row[0] if row else None


STATE_SQL = current_card_state_name("s")  # the states card_counts files cards under


def browse_rows(collection, *, deck=None, search=None, state=None, section=None, tag=None, due_on=None,
                suspended=False, leeches=False) -> list:
    """Cards with their state and flags, in deck and authored order, narrowed by every filter given.

    `search` looks in the prompt and the text values of the card's content (answer, options, explanation, a case:
    never the JSON's keys or quoting), case-folded as Python folds it ("FRANÇOIS" finds "François")."""
    from .columns import CARD_COLUMNS

    where, params = ["1 = 1"], []
    for sql, value in (("c.deck = ?", deck), ("c.section = ?", section), (f"{STATE_SQL} = ?", state),
                       ("EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = ?)", tag)):
        if value is not None:
            where.append(sql)
            params.append(value)
    if search:
        collection.conn.create_function("casefold", 1, _casefold, deterministic=True)
        needle = search.casefold()
        if _prefilter_safe(needle):
            # A cheap first pass in SQL that can only keep too many rows: for a card whose prompt and content are
            # plain ASCII with no JSON escape, Python's casefold is SQLite's lower() and every value appears
            # verbatim in the JSON, so a match must show in lower(prompt or content); any other card (non-ASCII
            # text, whose casefold may differ, or a backslash escape) goes on to the exact check below.
            where.append("(instr(lower(c.prompt), ?) OR instr(lower(c.content), ?) OR instr(c.content, '\\') "
                         "OR length(c.prompt) != length(CAST(c.prompt AS BLOB)) "
                         "OR length(c.content) != length(CAST(c.content AS BLOB)))")
            params += [needle] * 2
        where.append("(instr(casefold(c.prompt), ?) OR EXISTS (SELECT 1 FROM json_tree(c.content) "
                     "WHERE type = 'text' AND instr(casefold(value), ?)))")
        params += [search.casefold()] * 2
    if due_on is not None:  # what today's session would review: active, not suspended or buried, due
        where.append("s.retired = 0 AND s.suspended = 0 AND s.due <= ? "
                     "AND (s.buried_until IS NULL OR s.buried_until < ?)")
        params += [due_on.isoformat()] * 2
    if suspended:
        where.append("s.suspended = 1")
    if leeches:
        where.append("s.leech = 1")
    return collection.conn.execute(
        f"""SELECT {CARD_COLUMNS}, s.suspended, s.buried_until, s.leech, {STATE_SQL} AS state
            FROM cards c JOIN card_state s ON s.card = c.id
            WHERE {' AND '.join(where)} ORDER BY c.deck, c.position""",
        params,
    ).fetchall()


def _prefilter_safe(needle: str) -> bool:
    """Whether the case-folded needle can be looked for in the raw prompt and JSON content with SQLite's lower():
    printable ASCII only, and none of the characters JSON escapes (quote, backslash)."""
    return bool(needle) and all(" " <= ch <= "~" and ch not in '"\\' for ch in needle)


def _casefold(text):
    return text.casefold() if isinstance(text, str) else text


def card_history(collection, card: int) -> list:
    """A card's review log, oldest first."""
    return collection.conn.execute(
        """SELECT reviewed_at, study_day, kind, grade, answer_ms, interval_after, due_after, ease_after
           FROM reviews WHERE card = ? ORDER BY reviewed_at, uid""",  # the replay order (store/replay.py)
        (card,),
    ).fetchall()


def deck_outline(collection, deck_id: str) -> tuple[list, list]:
    """(section, cards) and (tag, cards) of a deck's active cards, for `mlsquiz decks`."""
    sections = collection.conn.execute(
        """SELECT section, count(*) FROM cards WHERE deck = ? AND retired = 0 GROUP BY section""", (deck_id,)
    ).fetchall()
    tags = collection.conn.execute(
        """SELECT t.value, count(*) FROM cards c, json_each(c.tags) t WHERE c.deck = ? AND c.retired = 0
           GROUP BY t.value ORDER BY count(*) DESC, t.value""",
        (deck_id,),
    ).fetchall()
    return sections, tags
