"""`mlsquiz export`: a deck as an Anki package, optionally with its schedule and review history."""

import json
import os

from ..errors import UsageError

BUNDLED_DECK_ID = "aws-ml-specialty"


def choose_deck(collection, requested: str | None) -> str:
    from ..store.decks import deck_rows
    from .collection import require_deck

    if requested:
        require_deck(collection, requested)
        return requested
    ids = [row["id"] for row in deck_rows(collection)]
    if BUNDLED_DECK_ID in ids:
        return BUNDLED_DECK_ID
    if len(ids) == 1:
        return ids[0]
    raise UsageError(f"the collection holds several decks ({', '.join(ids)}): choose one with --deck")


def run(args, context) -> int:
    from ..export import build_package, guid_for, write_package
    from ..store.decks import deck_row
    from ..store.export_rows import export_cards, export_reviews
    from .quiz import card_dict

    collection = context.open_collection()
    try:
        deck_id = choose_deck(collection, args.deck)
        deck = dict(deck_row(collection, deck_id))
        cards = [card_dict(row) for row in export_cards(collection, deck_id)]
        reviews = export_reviews(collection, deck_id) if args.with_progress else []
    finally:
        collection.close()
    target = args.output or f"{deck_id}.apkg"
    package = build_package(deck, json.loads(deck["sections"] or "[]"), cards)
    progress = None
    if args.with_progress:
        from ..export_progress import progress_writer

        by_guid = {guid_for(deck_id, card["card_id"]): card for card in cards}
        history: dict[str, list] = {}
        for review in reviews:
            history.setdefault(guid_for(deck_id, review["card_id"]), []).append(dict(review))
        progress = progress_writer(by_guid, history)
    # Notes carry the export moment as their modification time: Anki updates a note only from a newer one.
    write_package(package, target, context.now.timestamp(), progress)
    studied = sum(1 for card in cards if card["last_review"] is not None)
    extra = f", {studied} with their schedule and {len(reviews)} reviews" if args.with_progress else ""
    print(f"{os.path.abspath(target)}: {len(cards)} notes, {len(cards)} cards{extra}")
    return 0
