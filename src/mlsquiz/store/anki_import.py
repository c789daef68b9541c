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


def apply_anki_import(collection, decks, file_hash: str, own_reviews, foreign_reviews, bars=None) -> dict:
    """Import `decks` (mlsquiz Decks) and merge reviews, then replay the states of every card that gained one.

    own_reviews: (card row id, ImportedReview); foreign_reviews: ((deck id, card id), ImportedReview)."""
    from ..anki.history import ANSWER_FIELDS
    from .decks import import_deck
    from .replay import add_reviews

    from .bulk import bulk_state_changes

    figures = {"added": 0, "updated": 0, "retired": 0, "merged": 0, "known": 0}
    # The states of the cards added, then of every card answered, change in bulk once for both steps.
    state_changes = sum(len(deck.cards) for deck in decks) + len({card for card, _ in own_reviews})
    with collection.transaction() as conn, bulk_state_changes(conn, state_changes):
        for deck in decks:
            summary = import_deck(_Within(conn, collection.path), deck, file_hash, bars=bars)
            figures["added"] += summary.added
            figures["updated"] += summary.updated
            figures["retired"] += summary.retired
        rowids = {}
        for deck_id in {deck.id for deck in decks} if foreign_reviews else ():
            rowids |= {(deck_id, row[0]): row[1]
                       for row in conn.execute("SELECT card_id, id FROM cards WHERE deck = ?", (deck_id,))}
        reviews = own_reviews + [(rowids[key], review) for key, review in foreign_reviews if key in rowids]
        moments = _native_moments(conn, {card for card, _ in reviews})
        imported = {row[0] for row in conn.execute("SELECT uid FROM reviews WHERE uid LIKE 'anki-%'")}
        offered = len(reviews)
        if imported or moments:  # a package holds each log row once (its id is the key): only we can know one
            reviews = [(card, review) for card, review in reviews if review.uid not in imported and not (
                card in moments and _is_known_answer(moments[card], review.moment_ms))]
        # (card, reviewed_at, study_day, grade, kind, answer_ms, uid) of every answer not already here
        rows = [(card, *review[:ANSWER_FIELDS]) for card, review in reviews]
        figures["known"] = offered - len(rows)
        add_reviews(conn, rows, bars)
        figures["merged"] = len(rows)
    return figures

