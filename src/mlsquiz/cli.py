"""Command line: argument parsing and dispatch. Errors become one line on stderr and an exit code here only.

Kept light on purpose: every command imports what it needs when it runs, so `mlsquiz due` and
`mlsquiz --help` cost little more than starting Python.
"""

import argparse
import importlib
import os
import sqlite3
import sys

from . import __version__
from .context import Context
from .errors import DeckError, MlsquizError, UsageError

# command -> (module:function, one-line help, example)
COMMANDS = {
    "quiz": ("mlsquiz.commands.quiz:run", "study today's cards (the default command)", "mlsquiz quiz --new 5"),
    "due": ("mlsquiz.commands.due:run", "one line of what is due, for a shell prompt or status bar", "mlsquiz due --json"),
    "stats": ("mlsquiz.commands.stats:run", "statistics: today, forecast, retention, streaks, mastery", "mlsquiz stats --days 30"),
    "roadmap": ("mlsquiz.commands.roadmap:run", "the post's five stages, their resources and your progress", "mlsquiz roadmap"),
    "export": ("mlsquiz.commands.export:run", "write an Anki package (.apkg)", "mlsquiz export -o aws.apkg --with-progress"),
    "import": ("mlsquiz.commands.collection:run_import", "add or update a deck from a deck file", "mlsquiz import decks/my-deck.toml"),
    "check": ("mlsquiz.commands.collection:run_check", "validate deck files without importing them", "mlsquiz check decks/*.toml"),
    "decks": ("mlsquiz.commands.collection:run_decks", "list decks with card counts", "mlsquiz decks"),
    "cards": ("mlsquiz.commands.collection:run_cards", "list cards with their schedule", "mlsquiz cards --deck aws-ml-specialty --json"),
    "config": ("mlsquiz.commands.collection:run_config", "show or change settings such as new cards per day", "mlsquiz config new_per_day 15"),
    "doctor": ("mlsquiz.commands.collection:run_doctor", "check the collection file's integrity", "mlsquiz doctor"),
}


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit 2."""

    def error(self, message: str):
        raise UsageError(f"{message} (see '{self.prog} --help')")


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def positive_int(text: str) -> int:
    value = non_negative_int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def global_options(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument("--db", metavar="PATH", default=default,
                        help="collection file (default: $MLSQUIZ_DB, else your data folder)")
    parser.add_argument("--now", metavar="WHEN", default=default,
                        help="run as of another moment, e.g. '2026-03-01 09:00' (default: $MLSQUIZ_NOW, else now)")


def add_command_arguments(name: str, sub: argparse.ArgumentParser) -> None:
    deck = dict(metavar="ID", help="only this deck")
    if name == "quiz":
        sub.add_argument("--deck", **deck)
        sub.add_argument("--new", type=non_negative_int, metavar="N", help="new cards today (default: setting new_per_day)")
        sub.add_argument("--limit", type=non_negative_int, metavar="N", help="due cards today (default: setting reviews_per_day)")
        sub.add_argument("--cram", action="store_true", help="review cards regardless of due date; the schedule is not changed")
        focus = sub.add_mutually_exclusive_group()
        focus.add_argument("--section", metavar="S", help="with --cram: only cards of this section")
        focus.add_argument("--tag", metavar="T", help="with --cram: only cards with this tag")
    elif name == "due":
        sub.add_argument("--deck", **deck)
        sub.add_argument("--json", action="store_true", help="print the figures as JSON")
    elif name == "stats":
        sub.add_argument("--deck", **deck)
        sub.add_argument("--days", type=positive_int, default=14, metavar="N", help="forecast days (default 14)")
        sub.add_argument("--json", action="store_true", help="print the figures as JSON")
    elif name == "roadmap":
        sub.add_argument("--deck", **deck)
    elif name == "export":
        sub.add_argument("-o", "--output", metavar="FILE", help="where to write (default: <deck id>.apkg here)")
        sub.add_argument("--deck", **deck)
        sub.add_argument("--with-progress", action="store_true", help="carry each card's schedule and review history")
    elif name == "import":
        sub.add_argument("file", metavar="FILE", help="a deck file (TOML)")
    elif name == "check":
        sub.add_argument("files", metavar="FILE", nargs="+", help="deck files (TOML)")
    elif name == "cards":
        sub.add_argument("--deck", **deck)
        sub.add_argument("--json", action="store_true", help="print the cards as a JSON array")
    elif name == "config":
        sub.add_argument("key", nargs="?", metavar="KEY", help="setting to show or change")
        sub.add_argument("value", nargs="?", metavar="VALUE", help="new value")


def requested_command(argv: list[str]) -> str | None:
    """The command named in argv (skipping the values of --db and --now), if any."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("--db", "--now"):
            skip = True
        elif arg in COMMANDS:
            return arg
    return None


def build_parser(only: str | None = None) -> Parser:
    """The whole parser; with `only`, the other commands get no arguments (they are not being run)."""
    parser = Parser(
        prog="mlsquiz",
        description="Spaced-repetition flashcards (SM-2) for the AWS Certified Machine Learning - Specialty roadmap.",
        epilog="Run 'mlsquiz' alone to study today's cards. 'mlsquiz COMMAND --help' shows a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    global_options(parser, None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name, (_, summary, example) in COMMANDS.items():
        sub = commands.add_parser(name, help=summary, description=summary + ".", epilog=f"example: {example}")
        global_options(sub, argparse.SUPPRESS)  # global options work after the command too, as in git
        if only in (None, name):
            add_command_arguments(name, sub)
    return parser


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = build_parser(requested_command(argv) or "quiz")
    args = parser.parse_args(argv)
    if args.command is None:  # bare `mlsquiz` (maybe with global options) is `mlsquiz quiz`
        args = parser.parse_args([*argv, "quiz"])
    if args.command == "quiz" and (args.section or args.tag) and not args.cram:
        raise UsageError("--section and --tag only go with --cram (see 'mlsquiz quiz --help')")
    return args


def run(argv: list[str]) -> int:
    args = parse_arguments(argv)
    context = Context.from_arguments(args.db, args.now or os.environ.get("MLSQUIZ_NOW"))
    module_name, function_name = COMMANDS[args.command][0].split(":")
    command = getattr(importlib.import_module(module_name), function_name)
    return command(args, context) or 0


def main(argv: list[str] | None = None) -> int:
    try:
        code = run(sys.argv[1:] if argv is None else argv)
    except DeckError as err:
        print("\n".join(err.problems), file=sys.stderr)
        code = err.exit_code
    except MlsquizError as err:
        print(f"mlsquiz: {err}", file=sys.stderr)
        code = err.exit_code
    except sqlite3.Error as err:
        print(f"mlsquiz: the collection could not be read or written ({err})", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        print("mlsquiz: interrupted", file=sys.stderr)
        code = 130
    except BrokenPipeError:
        # The reader went away (`mlsquiz cards | head`): not an error worth a message.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    return code


if __name__ == "__main__":
    sys.exit(main())
