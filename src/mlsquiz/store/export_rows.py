"""What an export reads: a deck's active cards with their state, and their scheduled reviews."""

from .columns import CARD_COLUMNS


def export_cards(collection, deck_id: str) -> list:
    return collection.conn.execute(
        f"""SELECT {CARD_COLUMNS} FROM cards c JOIN card_state s ON s.card = c.id
            WHERE c.deck = ? AND c.retired = 0 AND s.suspended = 0 ORDER BY c.position""",
        (deck_id,),
    ).fetchall()


def export_reviews(collection, deck_id: str) -> list:
    return collection.conn.execute(
        """SELECT c.card_id, r.reviewed_at, r.grade, r.answer_ms, r.interval_before, r.interval_after,
                  r.ease_after, r.due_before
           FROM reviews r JOIN cards c ON c.id = r.card JOIN card_state s ON s.card = c.id
           WHERE c.deck = ? AND c.retired = 0 AND s.suspended = 0 AND r.kind = 'review' ORDER BY r.id""",
        (deck_id,),
    ).fetchall()
