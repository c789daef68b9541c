"""Managing the collection: check and import deck files, list decks and cards, settings, integrity."""

import hashlib
import json
import sys
from pathlib import Path

from ..deckfile.bundled import BUNDLED_DECK_ID
from ..errors import DeckError, UsageError
from ..terminal.render import terminal_safe


def run_check(args, context) -> int:
    """Every problem of each file (exit 1), then the quality warnings of each valid one (exit 1 with --strict)."""
    from ..deckfile.quality import quality_warnings
    from ..deckfile.reading import deck_text, parse_deck, read_deck_bytes

    failed = 0
    for name in args.files:
        try:
            raw = read_deck_bytes(name)
            deck = parse_deck(raw, name)
        except DeckError as err:
            for problem in err.problems:
                print(terminal_safe(problem, keep_newlines=False), file=sys.stderr)
            failed += 1
            continue
        warnings = quality_warnings(deck, deck_text(raw, name))
        for line, message in warnings:
            print(terminal_safe(f"{name}:{line}: warning: {message}", keep_newlines=False), file=sys.stderr)
        count = len(deck.cards)
        summary = f"deck {deck.id!r} with {count} card{'' if count == 1 else 's'}"
        if warnings:
            summary += f", {len(warnings)} warning{'' if len(warnings) == 1 else 's'}"
        if warnings and args.strict:
            failed += 1
            print(terminal_safe(f"{name}: not ok with --strict, {summary}"))
        else:
            print(terminal_safe(f"{name}: ok, {summary}"))
    return 1 if failed else 0


def run_import(args, context) -> int:
    from ..deckfile.reading import parse_deck, read_deck_bytes
    from ..store.decks import deck_with_file_hash, import_deck
    from .anki_import import import_by_content

    if args.bundled or args.file is None:
        return import_bundled(args, context)
    handled = import_by_content(args, context)  # an Anki package or another collection; None: a deck file
    if handled is not None:
        return handled
    path = Path(args.file)
    raw = read_deck_bytes(path)  # a missing or unreadable file fails before the collection is even opened
    collection = context.open_collection()
    try:
        file_hash = hashlib.sha256(raw).hexdigest()
        known = deck_with_file_hash(collection, file_hash)
        if known:  # the very same file was imported before: nothing to parse or write
            print(f"{path}: deck {known!r} is already up to date")
            return 0
        from ..store.backup import backup_before
        from ..terminal.progress import progress

        backup_before(collection, f"import {path.name}", context.now)
        # The size only decides whether a bar is worth showing: a byte count is near enough and costs nothing.
        with progress(f"importing {path.name}", raw.count(b"[[cards]]")) as bars:
            deck = parse_deck(raw, str(path), bars, alongside=True)
            summary = import_deck(collection, deck, file_hash, bars=bars)
    finally:
        collection.close()
    print(f"{path}: deck {summary.deck_id!r}: {import_counts(summary)}")
    if summary.deck_id == BUNDLED_DECK_ID:
        print(f"{path}: this is now your own version of the bundled deck; updates shipped with mlsquiz will not "
              "replace it ('mlsquiz import --bundled' goes back to the shipped one)")
    return 0


def import_counts(summary) -> str:
    return (f"{summary.added} added, {summary.updated} updated, {summary.retired} retired, "
            f"{summary.unchanged} unchanged")


def import_bundled(args, context) -> int:
    """`mlsquiz import --bundled`: the shipped decks again, progress kept by card id."""
    from ..store.bundled import import_shipped_decks

    if args.file is not None:
        raise UsageError("give either a FILE or --bundled, not both")
    if not args.bundled:
        raise UsageError("import needs a FILE (or --bundled for the deck shipped with mlsquiz)")
    collection = context.open_collection(sync_bundled=False)
    try:
        from ..store.backup import backup_before

        backup_before(collection, "import --bundled", context.now)
        summaries = import_shipped_decks(collection)
    finally:
        collection.close()
    for summary in summaries:
        print(f"bundled deck {summary.deck_id!r}: {import_counts(summary)}")
    return 0


def run_decks(args, context) -> int:
    from ..store.decks import deck_rows
    from ..store.manage import deck_outline
    from ..store.stats import decks_with_sections
    from .browse import deck_entries, decks_text, terminal_width

    collection = context.open_collection()
    try:
        declared = {row["id"]: row["sections"] for row in decks_with_sections(collection, None)}
        entries = deck_entries(deck_rows(collection), declared, lambda deck: deck_outline(collection, deck))
    finally:
        collection.close()
    print(json.dumps(entries, indent=2) if args.json else decks_text(entries, terminal_width()))
    return 0


def card_state_name(row) -> str:
    """new | learning | young | mature | retired | suspended, as `cards` and `stats` use them."""
    if row["retired"]:
        return "retired"
    if "suspended" in row.keys() and row["suspended"]:
        return "suspended"
    if row["last_review"] is None:
        return "new"
    if row["repetitions"] < 2:
        return "learning"
    return "mature" if row["interval"] >= 21 else "young"


def require_deck(collection, deck_id: str | None) -> None:
    from ..store.decks import deck_exists

    if deck_id and not deck_exists(collection, deck_id):
        raise UsageError(f"no deck {deck_id!r} in {collection.path} (see 'mlsquiz decks')")


MAX_SEARCH_CHARACTERS = 1_000


def run_cards(args, context) -> int:
    """`mlsquiz cards [filters]`, or `mlsquiz cards show ID`."""
    from ..deckfile.model import answer_text
    from ..store.manage import browse_rows, card_history, find_cards
    from .browse import STATES, card_json, card_tables, show_card, terminal_width

    showing = _card_to_show(args.what)
    if args.state is not None and args.state not in STATES:
        raise UsageError(f"unknown state {args.state!r} (known: {', '.join(STATES)})")
    if args.search is not None and len(args.search) > MAX_SEARCH_CHARACTERS:
        raise UsageError(f"--search is {len(args.search):,} characters long; search for at most "
                         f"{MAX_SEARCH_CHARACTERS:,} (a word or a phrase of the card)")
    collection = context.open_collection()
    try:
        require_deck(collection, args.deck)
        today = context.today(collection)
        if showing:
            wanted = find_cards(collection, [showing], args.deck, None, None)[0]["id"]
            rows = [row for row in browse_rows(collection, deck=args.deck) if row["id"] == wanted]
            history = card_history(collection, wanted)
        else:
            rows = browse_rows(collection, deck=args.deck, search=args.search, state=args.state,
                               section=args.section, tag=args.tag, due_on=today if args.due else None,
                               suspended=args.suspended, leeches=args.leeches)
        memory, warning = {}, None
        if args.json or showing:  # FSRS memory of every card costs time: only where it is shown
            from ..store.memory import memory_figures

            memory, warning = memory_figures(collection.conn, args.deck, today)  # null when new
    finally:
        collection.close()
    from ..store.memory import NO_MEMORY

    if warning:
        print(f"mlsquiz: {warning}", file=sys.stderr)
    cards = [
        {
            "id": row["card_id"], "deck": row["deck"], "type": row["type"], "prompt": row["prompt"],
            "answer": answer_text(row["type"], json.loads(row["content"])), "section": row["section"],
            "tags": json.loads(row["tags"]), "state": card_state_name(row), "due": row["due"],
            "ease": row["ease"], "interval": row["interval"], "repetitions": row["repetitions"],
            "lapses": row["lapses"], "suspended": bool(row["suspended"]), "buried_until": row["buried_until"],
            "leech": bool(row["leech"]), **memory.get(row["id"], NO_MEMORY),
        }
        for row in rows
    ]
    if showing:
        card = {**cards[0], "content": json.loads(rows[0]["content"])}
        if args.json:
            print(json.dumps(card_json(card, history), indent=2))
        else:
            print(show_card(card, history, terminal_width()))
        return 0
    if args.json:
        print(json.dumps(cards, indent=2))  # ASCII: \u escapes survive any terminal encoding
        return 0
    if not cards:
        print("No cards match.")
        return 0
    print(card_tables(cards, args.answers, terminal_width()))
    return 0


def _card_to_show(what: list[str]) -> str | None:
    """`cards show ID` -> ID; nothing -> None; anything else is a usage error."""
    if not what:
        return None
    if what[0] != "show" or len(what) != 2:
        raise UsageError("expected 'mlsquiz cards' with filters, or 'mlsquiz cards show ID' "
                         "(see 'mlsquiz cards --help')")
    return what[1]


def replay_progress(collection, what: str):
    """A progress bar for a setting that replays every schedule (shown only for a large history)."""
    from ..terminal.progress import progress
    from ..store.memory import studied_card_count

    return progress(f"{what}: recomputing schedules", studied_card_count(collection.conn))


def run_config(args, context) -> int:
    from ..settings import DEFAULTS, HELP, parse_setting
    from ..store.study import write_setting

    if args.value is not None:
        value = parse_setting(args.key, args.value)  # validate before opening anything
    elif args.key is not None and args.key not in DEFAULTS:
        raise UsageError(f"unknown setting {args.key!r} (known: {', '.join(DEFAULTS)})")
    collection = context.open_collection()
    try:
        if args.value is not None and args.key in ("scheduler", "desired_retention", "rollover_hour"):
            from ..store.backup import backup_before

            backup_before(collection, f"config {args.key} {value}", context.now)
        if args.value is not None and args.key in ("scheduler", "desired_retention"):
            from ..store.reschedule import write_schedule_setting
            from ..store.study import count_due

            today = context.today(collection)
            due_before = count_due(collection, today)
            with replay_progress(collection, f"{args.key} {value}") as bars:  # every schedule recomputed, atomically
                changed = write_schedule_setting(collection, args.key, value, bars)
            line = f"{args.key} = {value}"
            if changed:  # a switch can bring many cards due at once: say so
                line += f" ({changed} card schedules recomputed); " + due_change(due_before,
                                                                                count_due(collection, today))
            print(line)
            return 0
        if args.value is not None:
            if args.key == "rollover_hour":  # every answer moves to the study day the new hour gives it
                from ..store.study import restamp_study_days

                with replay_progress(collection, f"rollover_hour {value}") as bars:
                    restamp_study_days(collection, value, bars)
            else:
                write_setting(collection, args.key, str(value))
            print(f"{args.key} = {value}")
            return 0
        settings = context.settings(collection)
    finally:
        collection.close()
    keys = [args.key] if args.key else list(DEFAULTS)
    if args.json:  # only when showing: a change prints its one line
        print(json.dumps({key: settings[key] for key in keys}, indent=2))
        return 0
    for key in keys:
        print(f"{key} = {settings[key]}" + ("" if args.key else f"    # {HELP[key]}"))
    return 0


def due_change(before: int, after: int) -> str:
    """How a recomputation changed today's due cards: `23 more cards due today (30 in all)`."""
    if after == before:
        return f"cards due today: {after}, as before"
    more = after - before
    count = abs(more)
    return (f"{count} {'more' if more > 0 else 'fewer'} card{'' if count == 1 else 's'} due today "
            f"({after} in all)")


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
