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
    from ..anki.export import anki_identity, build_package, check_target, mark_package, write_package
    from ..store.decks import deck_row
    from ..store.export_rows import export_cards, export_reviews
    from .quiz import card_dict, plural

    if args.output:  # refused before any work (the default name is checked once the deck is known)
        check_target(args.output, context.db_path, args.force)
    collection = context.open_collection()
    try:
        deck_id = choose_deck(collection, args.deck)
        deck = dict(deck_row(collection, deck_id))
        cards = [card_dict(row) for row in export_cards(collection, deck_id)]
        reviews = export_reviews(collection, deck_id) if args.with_progress else []
        from ..store.memory import anki_fsrs_data

        fsrs = anki_fsrs_data(collection.conn, deck_id) if args.with_progress else None  # None under SM-2
        from ..store.anki_import import collection_identity

        identity = collection_identity(collection, create=True)
    finally:
        collection.close()
    target = args.output or f"{deck_id}.apkg"
    replacing = check_target(target, context.db_path, args.force)
    from ..terminal.progress import progress

    with progress(f"exporting {os.path.basename(target)}", len(cards)) as bars:
        package = build_package(deck, json.loads(deck["sections"] or "[]"), cards,
                                bars.stage("building notes", len(cards)).advance)
        progress_hook = None
        if args.with_progress:
            from ..anki.export_progress import progress_writer

            key = {card["card_id"]: anki_identity(deck_id, card["card_id"], card["type"]) for card in cards}
            by_guid = {key[card["card_id"]]: card for card in cards}  # (note GUID, card ordinal) -> card
            history: dict[str, list] = {}
            for review in reviews:
                history.setdefault(key[review["card_id"]], []).append(dict(review))
            progress_hook = progress_writer(by_guid, history, fsrs)
        progress_hook = mark_package(identity, progress_hook)  # so its reviews come home (import of it here)
        bars.stage("writing the package", None)  # genanki writes it in one call
        # Notes carry the export moment as their modification time: Anki updates a note only from a newer one.
        write_package(package, target, context.now.timestamp(), progress_hook, replacing)
    studied = sum(1 for card in cards if card["last_review"] is not None)
    extra = f", {studied} with their schedule and {len(reviews)} reviews" if args.with_progress else ""
    replaced = " (replaced the earlier file)" if replacing else ""
    # A cloze entry's deletions are cards of one note in Anki (anki_identity: one GUID, an ordinal each).
    notes = len({anki_identity(deck_id, card["card_id"], card["type"])[0] for card in cards})
    print(f"{os.path.abspath(target)}: {plural(notes, 'note')}, {plural(len(cards), 'card')}{extra}{replaced}")
    return 0
