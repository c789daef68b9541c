"""Managing the collection: check and import deck files, list decks and cards, settings, integrity."""

import hashlib
import json
import sys
from pathlib import Path

from ..errors import DeckError, UsageError
from ..render import shorten, table, terminal_safe


def run_check(args, context) -> int:
    from ..deck import load_deck

    failed = 0
    for name in args.files:
        try:
            deck = load_deck(name)
        except DeckError as err:
            for problem in err.problems:
                print(terminal_safe(problem, keep_newlines=False), file=sys.stderr)
            failed += 1
        else:
            print(terminal_safe(f"{name}: ok, deck {deck.id!r} with {len(deck.cards)} cards"))
    return 1 if failed else 0


def run_import(args, context) -> int:
    from ..deck import parse_deck, read_deck_bytes
    from ..store.decks import deck_with_file_hash, import_deck

    path = Path(args.file)
    raw = read_deck_bytes(path)  # a missing or unreadable file fails before the collection is even opened
    collection = context.open_collection()
    try:
        file_hash = hashlib.sha256(raw).hexdigest()
        known = deck_with_file_hash(collection, file_hash)
        if known:  # the very same file was imported before: nothing to parse or write
            print(f"{path}: deck {known!r} is already up to date")
            return 0
        deck = parse_deck(raw, str(path))
        summary = import_deck(collection, deck, file_hash)
    finally:
        collection.close()
    print(f"{path}: deck {summary.deck_id!r}: {summary.added} added, {summary.updated} updated, "
          f"{summary.retired} retired, {summary.unchanged} unchanged")
    return 0


def run_decks(args, context) -> int:
    from ..store.decks import deck_rows

    collection = context.open_collection()
    try:
        rows = deck_rows(collection)
    finally:
        collection.close()
    print(table([[terminal_safe(r["id"]), shorten(r["name"], 40), r["cards"], r["new"], r["retired"]] for r in rows],
                ["deck", "name", "cards", "new", "retired"], ("left", "left", "right", "right", "right")))
    return 0


def card_state_name(row) -> str:
    """new | learning | young | mature | retired, as `cards` and `stats` use them."""
    if row["retired"]:
        return "retired"
    if row["last_review"] is None:
        return "new"
    if row["repetitions"] < 2:
        return "learning"
    return "mature" if row["interval"] >= 21 else "young"


def require_deck(collection, deck_id: str | None) -> None:
    from ..store.decks import deck_exists

    if deck_id and not deck_exists(collection, deck_id):
        raise UsageError(f"no deck {deck_id!r} in {collection.path} (see 'mlsquiz decks')")


def run_cards(args, context) -> int:
    from ..deck import answer_text
    from ..store.decks import card_rows

    collection = context.open_collection()
    try:
        require_deck(collection, args.deck)
        rows = card_rows(collection, args.deck)
    finally:
        collection.close()
    cards = [
        {
            "id": row["card_id"], "deck": row["deck"], "type": row["type"], "prompt": row["prompt"],
            "answer": answer_text(row["type"], json.loads(row["content"])), "section": row["section"],
            "tags": json.loads(row["tags"]), "state": card_state_name(row), "due": row["due"],
            "ease": row["ease"], "interval": row["interval"], "repetitions": row["repetitions"],
            "lapses": row["lapses"],
        }
        for row in rows
    ]
    if args.json:
        print(json.dumps(cards, indent=2, ensure_ascii=False))
        return 0
    print(table(
        [[shorten(c["id"], 24), c["type"], c["state"], c["due"] or "-", f"{c['ease']:.2f}", c["interval"],
          shorten(c["prompt"], 18)] for c in cards],
        ["id", "type", "state", "due", "ease", "ivl", "prompt"],
    ))
    return 0


def run_config(args, context) -> int:
    from ..settings import DEFAULTS, HELP, parse_setting
    from ..store.study import write_setting

    if args.value is not None:
        value = parse_setting(args.key, args.value)  # validate before opening anything
    elif args.key is not None and args.key not in DEFAULTS:
        raise UsageError(f"unknown setting {args.key!r} (known: {', '.join(DEFAULTS)})")
    collection = context.open_collection()
    try:
        if args.value is not None:
            write_setting(collection, args.key, str(value))
            print(f"{args.key} = {value}")
            return 0
        settings = context.settings(collection)
    finally:
        collection.close()
    keys = [args.key] if args.key else list(DEFAULTS)
    for key in keys:
        print(f"{key} = {settings[key]}" + ("" if args.key else f"    # {HELP[key]}"))
    return 0


def run_doctor(args, context) -> int:
    from ..store.maintenance import integrity_report

    collection = context.open_collection(sync_bundled=False)
    try:
        problems = integrity_report(collection)
    finally:
        collection.close()
    if problems:
        for problem in problems:
            print(f"{context.db_path}: {problem}", file=sys.stderr)
        return 1
    print(f"{context.db_path}: ok (integrity check passed)")
    return 0
