"""`mlsquiz exam`'s grammar: one nested subcommand per action (date, plan, readiness, practice)."""

import argparse

ACTIONS = {  # action -> (one-line help, example)
    "date": ("set, show or clear the exam date of a deck", "mlsquiz exam date 2027-02-15"),
    "plan": ("new cards per day, expected reviews and predicted recall until the exam", "mlsquiz exam plan"),
    "readiness": ("predicted recall on exam day, per section; the weakest sections and cards",
                  "mlsquiz exam readiness --json"),
    "practice": ("a timed practice exam of auto-checked questions, scored on the exam's scale",
                 "mlsquiz exam practice --questions 20"),
}


def positive_minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of minutes, got {text!r}") from None
    if not 0 < value <= 24 * 60:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 1440, got {text}")
    return value


RETENTION_RANGE = (0.70, 0.97)  # Anki's deck options warn outside this range too


def retention_list(text: str) -> list[float]:
    """`0.80,0.85,0.90,0.95`: desired retentions to compare, each from 0.70 to 0.97, in the order given."""
    low, high = RETENTION_RANGE
    values = []
    for part in text.split(","):
        try:
            value = float(part)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected retentions like 0.80,0.85,0.90,0.95, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"each retention must be from {low:.2f} to {high:.2f}, got {part.strip()}")
        if value not in values:
            values.append(value)
    return values


def add_exam_arguments(sub: argparse.ArgumentParser, deck: dict) -> None:
    from .options import Parser, global_options, positive_int

    actions = sub.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser, required=True)
    parsers = {}
    for name, (summary, example) in ACTIONS.items():
        parsers[name] = actions.add_parser(name, help=summary, description=summary + ".", epilog=f"example: {example}")
        global_options(parsers[name], argparse.SUPPRESS)
        parsers[name].add_argument("--deck", **deck)
    parsers["date"].add_argument("day", nargs="?", metavar="YYYY-MM-DD", help="the exam's date (omit to show it)")
    parsers["date"].add_argument("--clear", action="store_true", help="remove the exam date")
    for name in ("plan", "readiness"):
        parsers[name].add_argument("--json", action="store_true", help="print the figures as JSON")
    parsers["plan"].add_argument(
        "--retention", type=retention_list, metavar="R,R,...",
        help="compare desired retentions (0.70-0.97, e.g. 0.80,0.85,0.90,0.95): reviews a day until the exam and "
             "expected recall on exam day for each")
    practice = parsers["practice"]
    practice.add_argument("--questions", type=positive_int, metavar="N",
                          help="questions (default: the deck's exam, else 30)")
    practice.add_argument("--minutes", type=positive_minutes, metavar="M",
                          help="time allowed (default: the real exam's time per question, times N)")
    practice.add_argument("--unseen", action="store_true",
                          help="prefer cards never studied (tests transfer rather than recall of drilled cards)")
    practice.add_argument("--resume", action="store_true",
                          help="go back to the unfinished attempt: same questions, answers, flags and time left")
    practice.add_argument("--requeue", action="store_true", help="send missed cards to tomorrow's quiz")
    practice.add_argument("--seed", type=int, help=argparse.SUPPRESS)  # tests: the same draw every run
