"""Which deck an exam command works on, and what it says about a deck whose exam is retired."""

from ..errors import UsageError


def exam_deck(collection, deck_id: str | None, today) -> str:
    """--deck, else the deck store.exam.default_deck means on `today` (a datetime.date)."""
    from ..store.exam import default_deck
    from .collection import require_deck

    if deck_id:
        require_deck(collection, deck_id)
        return deck_id
    deck = default_deck(collection, today)
    if deck is None:
        raise UsageError("several decks and no bundled one: name one with --deck ID (see 'mlsquiz decks')")
    return deck


def retired_note(collection, deck: str) -> list[str]:
    """Honest wording for a deck whose exam can no longer be taken: the date is the learner's own goal."""
    from ..exam.status import exam_notice
    from ..store.decks import deck_meta

    notice = exam_notice(deck_meta(collection, deck))
    return [notice[0], "The date paces your study all the same; a practice exam rehearses the historical format."] \
        if notice else []
