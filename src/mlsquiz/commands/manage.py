"""`mlsquiz suspend | unsuspend | bury | unbury | forget`: take cards out of study, bring them back, or reset them.

Cards are named by id (`ID` or `DECK:ID`) or by filter (`--deck`, `--section`, `--tag`); touching more than
one card asks first, unless `--yes`.
"""

import sys

from ..errors import MlsquizError, UsageError

# command -> (verb for the question, past tense for the report, what it means)
ACTIONS = {
    "suspend": ("suspend", "suspended", "out of sessions, counts and exports until unsuspended"),
    "unsuspend": ("unsuspend", "unsuspended", "back in sessions"),
    "bury": ("bury", "buried", "out of today's session"),
    "unbury": ("unbury", "unburied", "back in today's session"),
    "forget": ("forget", "forgot", "back to new, review history kept"),
}


def plural(count: int, noun: str = "card") -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def confirm(action: str, cards: list, yes: bool, ask=input) -> bool:
    """Whether to go ahead: always for one card or with --yes; otherwise ask on a terminal, refuse without one."""
    if len(cards) <= 1 or yes:
        return True
    verb = ACTIONS[action][0]
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(f"{plural(len(cards))} match: add --yes to {verb} them all (no terminal to ask)")
    try:
        reply = ask(f"{verb.capitalize()} {plural(len(cards))} ({ACTIONS[action][2]})? [y/N] ")
    except EOFError:
        reply = ""
    return reply.strip().lower() in ("y", "yes")


def run(args, context) -> int:
    from ..store import manage
    from .collection import require_deck

    if not (args.ids or args.deck or args.section or args.tag):
        raise UsageError(f"name the cards: mlsquiz {args.command} ID... or --deck/--section/--tag "
                         f"(see 'mlsquiz {args.command} --help')")
    collection = context.open_collection()
    try:
        require_deck(collection, args.deck)
        cards = manage.find_cards(collection, args.ids, args.deck, args.section, args.tag)
        kind = ""
        if not args.ids and args.command in ("unsuspend", "unbury"):  # a filter means the ones it can bring back
            kind = "suspended " if args.command == "unsuspend" else "buried "
            cards = [row for row in cards if (row["suspended"] if kind == "suspended " else row["buried_until"])]
        if not cards:
            raise MlsquizError(f"no {kind}cards match (see 'mlsquiz cards' and 'mlsquiz decks')")
        if not confirm(args.command, cards, args.yes):
            print("Nothing changed.")
            return 1
        ids = [row["id"] for row in cards]
        if args.command == "suspend":
            changed = manage.set_flag(collection, ids, "suspended", 1)
        elif args.command == "unsuspend":
            changed = manage.unsuspend(collection, ids)
        elif args.command == "bury":
            changed = manage.set_flag(collection, ids, "buried_until", context.today(collection).isoformat())
        elif args.command == "unbury":
            changed = manage.set_flag(collection, ids, "buried_until", None)
        else:
            from .. import clock
            from ..store.backup import backup_before

            if len(cards) > 1 or args.deck or args.section or args.tag:  # a bulk forget: keep a way back
                backup_before(collection, f"forget {plural(len(cards))}", context.now)
            changed = manage.forget(collection, ids, clock.utc_timestamp(context.now), context.today(collection))
    finally:
        collection.close()
    _, done, meaning = ACTIONS[args.command]
    line = f"{done.capitalize()} {plural(changed)}: {meaning}."
    if changed < len(cards):
        line += f" ({len(cards) - changed} unchanged: already {done})"
    if len(cards) == 1:
        name = f"{cards[0]['deck']}:{cards[0]['card_id']}"
        line = f"{name}: {done} ({meaning})." if changed else f"{name}: already {done}."
    print(line)
    return 0
