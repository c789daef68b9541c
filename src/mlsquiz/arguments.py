"""The full command-line grammar (argparse), built only for commands that need it."""

import argparse

from . import __version__
from .errors import UsageError


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
