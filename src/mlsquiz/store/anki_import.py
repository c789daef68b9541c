"""Writing an Anki import: foreign decks, reviews merged by identity, states replayed; all in one transaction."""

import contextlib
import datetime
from collections import defaultdict

# An answer mlsquiz exported to Anki comes back as a log row stamped with its own time (give or take the
# milliseconds export adds to keep two answers apart): such a row is that answer, not a new one.
SAME_ANSWER_MS = 1000


class _Within:
    """A collection whose transaction() joins the one already open, so import_deck runs inside ours."""

    def __init__(self, conn, path):
        self.conn, self.path = conn, path

    @contextlib.contextmanager
    def transaction(self):
        yield self.conn


COLLECTION_ID_KEY = "collection_id"  # a config row: this collection's identity, written into its exports


def collection_identity(collection, create: bool = False) -> str | None:
    """This collection's identity (32 hex digits), made on first use if `create`; a merge never copies it."""
    row = collection.conn.execute("SELECT value FROM config WHERE key = ?", (COLLECTION_ID_KEY,)).fetchone()
    if row is not None or not create:
        return row[0] if row else None
    import secrets

    with collection.transaction() as conn:
        conn.execute("INSERT OR IGNORE INTO config (key, value) VALUES (?, ?)", (COLLECTION_ID_KEY, secrets.token_hex(16)))
        return conn.execute("SELECT value FROM config WHERE key = ?", (COLLECTION_ID_KEY,)).fetchone()[0]


def own_card_rows(collection) -> list:
    """Every mlsquiz card with what its Anki identity is computed from."""
    return collection.conn.execute("SELECT id, deck, card_id, type FROM cards").fetchall()


def _milliseconds(reviewed_at: str) -> int:
    return round(datetime.datetime.fromisoformat(reviewed_at).timestamp() * 1000)


def _native_moments(conn, card_ids) -> dict[int, list[int]]:
    """When each card was answered in mlsquiz itself (not imported from Anki), in ms."""
    moments = defaultdict(list)
    if not card_ids:
        return moments
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS import_cards (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM import_cards")
    conn.executemany("INSERT OR IGNORE INTO import_cards VALUES (?)", ((c,) for c in card_ids))
    for card, reviewed_at in conn.execute(
        """SELECT card, reviewed_at FROM reviews WHERE card IN (SELECT id FROM import_cards)
           AND uid NOT LIKE 'anki-%'"""
    ):
        moments[card].append(_milliseconds(reviewed_at))
    return moments


def _is_known_answer(moments: list[int], moment_ms: int) -> bool:
    return any(abs(moment_ms - known) <= SAME_ANSWER_MS for known in moments)


def apply_anki_import(collection, decks, file_hash: str, own_answers, foreign_answers, folds=None, bars=None,
                      anki_decks=None, hashes=None) -> dict:
    """Import `decks` (mlsquiz Decks) and merge reviews, then replay the states of every card that gained one.

    own_answers: (card row id, Anki card id, its ImportedReviews); foreign_answers: ((deck id, card id), Anki
    card id, its ImportedReviews). `folds` (Anki card id -> history.folds_ahead's) spares add_reviews the replay
    of cards answered only in this package. `anki_decks` (deck id -> its Anki deck id) gives each deck its
    identity in this collection (decks.anki_deck_identities) before anything is written. `hashes`: each deck's
    decks.content_hashes, if worked out already (in the forked child that built the decks)."""
    from .bulk import bulk_state_changes
    from .decks import import_deck
    from .replay import add_reviews

    figures = {"added": 0, "updated": 0, "retired": 0, "merged": 0, "known": 0}
    # The states of the cards added, then of every card answered, change in bulk once for both steps.
    state_changes = sum(len(deck.cards) for deck in decks) + len(own_answers)
    # Every card the reviews point at is read or written in this transaction: no lookup per row.
    with collection.transaction(check_references=False) as conn, bulk_state_changes(conn, state_changes):
        if anki_decks is not None:
            decks, foreign_answers = _with_identities(conn, decks, foreign_answers, anki_decks)
        figures["decks"] = [deck.id for deck in decks]
        for deck, deck_hashes in zip(decks, hashes or [None] * len(decks), strict=True):
            summary = import_deck(_Within(conn, collection.path), deck, file_hash, bars=bars, hashes=deck_hashes)
            figures["added"] += summary.added
            figures["updated"] += summary.updated
            figures["retired"] += summary.retired
        rowids = {}
        for deck_id in {deck.id for deck in decks} if foreign_answers else ():
            rowids |= {(deck_id, row[0]): row[1]
                       for row in conn.execute("SELECT card_id, id FROM cards WHERE deck = ?", (deck_id,))}
        answered = own_answers + [(rowids[key], anki_card, reviews) for key, anki_card, reviews in foreign_answers
                                  if key in rowids]
        offered = sum(len(reviews) for _, _, reviews in answered)
        moments = _native_moments(conn, {card for card, _, _ in answered})
        imported = {row[0] for row in conn.execute("SELECT uid FROM reviews WHERE uid LIKE 'anki-%'")}
        if imported or moments:  # a package holds each log row once (its id is the key): only we can know one
            answered = [(card, anki_card, [review for review in reviews if review.uid not in imported and not (
                card in moments and _is_known_answer(moments[card], review.moment_ms))])
                for card, anki_card, reviews in answered]
        by_card = _by_card(answered)
        merged = sum(len(reviews) for _, reviews in by_card)
        figures["known"] = offered - merged
        ahead = _folds_by_row(answered, folds) if folds and merged == offered else None
        add_reviews(conn, by_card, bars, ahead)
        figures["merged"] = merged
    return figures


def _with_identities(conn, decks, foreign_answers, anki_decks: dict) -> tuple[list, list]:
    """The decks under the ids they have in this collection, each marked with the Anki deck it came from."""
    import dataclasses

    from .decks import anki_deck_identities

    ids = anki_deck_identities(conn, [(deck.id, anki_decks[deck.id], [card.id for card in deck.cards])
                                      for deck in decks])
    decks = [dataclasses.replace(deck, id=ids[deck.id], meta={**deck.meta, "anki": {"deck": anki_decks[deck.id]}})
             for deck in decks]
    return decks, [((ids.get(deck, deck), card), anki_card, reviews)
                   for (deck, card), anki_card, reviews in foreign_answers]


def _by_card(answered) -> list[tuple[int, list]]:
    """(card row id, its reviews in replay order) by card, as add_reviews takes them: the reviews of one Anki
    card come in time order; two Anki cards on one row (notes sharing a GUID, in a hand-made package) merge."""
    by_card: dict[int, list] = {}
    for card, _, reviews in answered:
        if not reviews:
            continue
        if card in by_card:
            by_card[card] = sorted(by_card[card] + reviews, key=lambda review: (review.reviewed_at, review.uid))
        else:
            by_card[card] = reviews
    return sorted(by_card.items())


def _folds_by_row(answered, folds: dict) -> dict:
    """Card row id -> the fold of its Anki card's reviews, for rows that only one Anki card answered (two notes
    may share a GUID in a hand-made package: their answers meet on one card and fold together there)."""
    by_row, seen = {}, set()
    for card, anki_card, _ in answered:
        if card in seen:
            by_row.pop(card, None)
        elif anki_card in folds:
            by_row[card] = folds[anki_card]
        seen.add(card)
    return by_row
