"""What every command's parser shares: one-line usage errors, number types, and the global options."""

import argparse

from ..errors import UsageError


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
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:  # 0 and -1 get the same message
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


MAX_FORECAST_DAYS = 36_500  # a century: the calendar (year 9999) stays far away


def forecast_days(text: str) -> int:
    value = positive_int(text)
    if value > MAX_FORECAST_DAYS:
        raise argparse.ArgumentTypeError(f"at most {MAX_FORECAST_DAYS} days, got {value}")
    return value


def global_options(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument("--db", metavar="PATH", default=default,
                        help="collection file (default: $MLSQUIZ_DB, else your data folder)")
    parser.add_argument("--now", metavar="WHEN", default=default,
                        help="run as of another moment, e.g. '2026-03-01 09:00' (default: $MLSQUIZ_NOW, else now)")
    parser.add_argument("-q", "--quiet", action="store_true", default=default,
                        help="no progress bars on long work (they only show on a terminal anyway)")
