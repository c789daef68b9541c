"""The full command-line grammar (argparse), built only for commands that need it."""

import argparse

from .. import __version__
from ..errors import UsageError
from .options import MAX_FORECAST_DAYS, Parser, forecast_days, global_options, non_negative_int


def add_command_arguments(name: str, sub: argparse.ArgumentParser) -> None:
    deck = dict(metavar="ID", help="only this deck")
    if name == "quiz":
        sub.add_argument("--deck", **deck)
        sub.add_argument("--new", type=non_negative_int, metavar="N", help="new cards today (default: setting new_per_day)")
        sub.add_argument("--limit", type=non_negative_int, metavar="N", help="due cards today (default: setting reviews_per_day)")
        sub.add_argument("--cram", action="store_true", help="review cards regardless of due date; the schedule is not changed")
        sub.add_argument("--scroll", action="store_true", help="keep every card on screen as a scrolling log (default: a clean screen per card)")
        focus = sub.add_mutually_exclusive_group()
        focus.add_argument("--section", metavar="S", help="with --cram: only cards of this section")
        focus.add_argument("--tag", metavar="T", help="with --cram: only cards with this tag")
    elif name == "due":
        sub.add_argument("--deck", **deck)
        sub.add_argument("--json", action="store_true", help="print the figures as JSON")
    elif name == "stats":
        sub.add_argument("--deck", **deck)
        sub.add_argument("--days", type=forecast_days, default=14, metavar="N",
                         help=f"forecast days (default 14, at most {MAX_FORECAST_DAYS})")
        sub.add_argument("--json", action="store_true", help="print the figures as JSON")
    elif name == "roadmap":
        sub.add_argument("--deck", **deck)
        sub.add_argument("--json", action="store_true", help="print the stages as JSON")
    elif name == "decks":
        sub.add_argument("--json", action="store_true", help="print the decks, their sections and tags as JSON")
    elif name == "export":
        sub.add_argument("-o", "--output", metavar="FILE", help="where to write (default: <deck id>.apkg here)")
        sub.add_argument("--deck", **deck)
        sub.add_argument("--with-progress", action="store_true", help="carry each card's schedule and review history")
        sub.add_argument("--force", action="store_true",
                         help="replace an existing file that is not an Anki package, or is read-only")
    elif name == "import":
        sub.add_argument("file", metavar="FILE", nargs="?",
                         help="a deck file (TOML), an Anki package (.apkg/.colpkg) or another mlsquiz collection")
        sub.add_argument("--bundled", action="store_true",
                         help="(instead of FILE) go back to the deck shipped with mlsquiz, over your own version")
        sub.add_argument("--with-progress", action="store_true",
                         help="Anki package: bring review history this collection did not export too "
                              "(other decks', another learner's)")
        sub.add_argument("--to-toml", metavar="DECK.toml",
                         help="Anki package: write its deck as a deck file instead of importing it")
        sub.add_argument("--force", action="store_true",
                         help="--to-toml: replace an existing file that is not a deck file, or is read-only")
    elif name == "check":
        sub.add_argument("files", metavar="FILE", nargs="+", help="deck files (TOML)")
        sub.add_argument("--strict", action="store_true",
                         help="exit 1 on quality warnings too (answers guessable by position or length, giveaways, "
                              "near-duplicate prompts, shared typed answers, missing links)")
    elif name == "cards":
        sub.add_argument("what", nargs="*", metavar="show ID", help="one card in full, with its review history")
        sub.add_argument("--deck", **deck)
        sub.add_argument("--search", metavar="TEXT", help="cards whose prompt, answer, options or explanation hold TEXT")
        sub.add_argument("--state", metavar="STATE", help="new, learning, young, mature, retired or suspended")
        sub.add_argument("--section", metavar="S", help="only cards of this section (see 'mlsquiz decks')")
        sub.add_argument("--tag", metavar="T", help="only cards with this tag (see 'mlsquiz decks')")
        sub.add_argument("--due", action="store_true", help="only cards due today")
        sub.add_argument("--suspended", action="store_true", help="only suspended cards")
        sub.add_argument("--leeches", action="store_true", help="only leeches")
        sub.add_argument("--answers", action="store_true", help="show each card's answer too")
        sub.add_argument("--json", action="store_true", help="print the cards as a JSON array")
    elif name in ("suspend", "unsuspend", "bury", "unbury", "forget"):
        sub.add_argument("ids", nargs="*", metavar="ID", help="card ids (DECK:ID when several decks use one id)")
        sub.add_argument("--deck", **deck)
        sub.add_argument("--section", metavar="S", help="the cards of this section")
        sub.add_argument("--tag", metavar="T", help="the cards with this tag")
        sub.add_argument("-y", "--yes", action="store_true", help="do not ask before changing more than one card")
    elif name == "completion":
        sub.add_argument("shell", choices=("bash", "zsh", "fish"), help="the shell to complete for")
    elif name == "exam":
        from .exam_arguments import add_exam_arguments

        add_exam_arguments(sub, deck)
    elif name == "config":
        sub.add_argument("key", nargs="?", metavar="KEY", help="setting to show or change")
        sub.add_argument("value", nargs="?", metavar="VALUE", help="new value")
        sub.add_argument("--json", action="store_true", help="print the settings as JSON")
    elif name == "backups":
        sub.add_argument("--json", action="store_true", help="print the backups as JSON")
    elif name == "restore":
        sub.add_argument("id", metavar="ID", help="the backup's id (see 'mlsquiz backups')")
        sub.add_argument("-y", "--yes", action="store_true", help="do not ask before replacing the collection")


def build_parser(commands: dict, only: str | None = None) -> Parser:
    """The whole parser; with `only`, the other commands get no arguments (they are not being run)."""
    parser = Parser(
        prog="mlsquiz",
        description="Spaced-repetition flashcards (SM-2) for the AWS Certified Machine Learning - Specialty roadmap.",
        epilog="Run 'mlsquiz' alone to study today's cards. 'mlsquiz COMMAND --help' shows a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    global_options(parser, None)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name, (_, summary, example) in commands.items():
        sub = subparsers.add_parser(name, help=summary, description=summary + ".", epilog=f"example: {example}")
        global_options(sub, argparse.SUPPRESS)  # global options work after the command too, as in git
        if only in (None, name):
            add_command_arguments(name, sub)
    return parser


def starts_with_quiz_option(argv: list[str]) -> bool:
    """`mlsquiz --deck mini` (an option, no command) means `mlsquiz quiz --deck mini`."""
    tokens = iter(argv)
    for token in tokens:
        if token in ("--db", "--now"):
            next(tokens, None)
        elif not token.startswith(("--db=", "--now=")):
            return token.startswith("-") and token not in ("-h", "--help", "--version")
    return False


def parse_arguments(argv: list[str], commands: dict, requested: str | None) -> argparse.Namespace:
    if requested is None and starts_with_quiz_option(argv):
        argv, requested = ["quiz", *argv], "quiz"
    parser = build_parser(commands, requested or "quiz")
    args = parser.parse_args(argv)
    if args.command is None:  # bare `mlsquiz` (maybe with global options) is `mlsquiz quiz`
        args = parser.parse_args([*argv, "quiz"])
    if args.command == "quiz" and (args.section or args.tag) and not args.cram:
        raise UsageError("--section and --tag only go with --cram (see 'mlsquiz quiz --help')")
    return args
