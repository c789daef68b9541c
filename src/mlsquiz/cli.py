"""Command line: argument parsing and dispatch. Errors become one line on stderr and an exit code here only.

Kept light on purpose: every command imports what it needs when it runs, so `mlsquiz due` and
`mlsquiz --help` cost little more than starting Python.
"""

import importlib
import os
import sqlite3
import sys

from .context import Context
from .errors import DeckError, MlsquizError

# command -> (module:function, one-line help, example)
COMMANDS = {
    "quiz": ("mlsquiz.commands.quiz:run", "study today's cards (the default command)", "mlsquiz quiz --new 5"),
    "due": ("mlsquiz.commands.due:run", "one line of what is due, for a shell prompt or status bar", "mlsquiz due --json"),
    "stats": ("mlsquiz.commands.stats:run", "statistics: today, forecast, retention, streaks, mastery", "mlsquiz stats --days 30"),
    "roadmap": ("mlsquiz.commands.roadmap:run", "the post's five stages, their resources and your progress", "mlsquiz roadmap"),
    "export": ("mlsquiz.commands.export:run", "write an Anki package (.apkg)", "mlsquiz export -o aws.apkg --with-progress"),
    "import": ("mlsquiz.commands.collection:run_import", "add or update a deck from a deck file or an Anki package, or merge another collection", "mlsquiz import decks/my-deck.toml"),
    "check": ("mlsquiz.commands.collection:run_check", "validate deck files without importing them", "mlsquiz check decks/*.toml"),
    "decks": ("mlsquiz.commands.collection:run_decks", "list decks, their sections and tags, with card counts", "mlsquiz decks --json"),
    "cards": ("mlsquiz.commands.collection:run_cards", "browse and search cards, or show one in full (cards show ID)", "mlsquiz cards --search sagemaker --answers"),
    "config": ("mlsquiz.commands.collection:run_config", "show or change settings such as new cards per day", "mlsquiz config new_per_day 15"),
    "doctor": ("mlsquiz.commands.collection:run_doctor", "check the collection file's integrity", "mlsquiz doctor"),
    "suspend": ("mlsquiz.commands.manage:run", "take cards out of sessions, counts and exports", "mlsquiz suspend b1 c1"),
    "unsuspend": ("mlsquiz.commands.manage:run", "bring suspended cards back", "mlsquiz unsuspend --tag leech-prone --yes"),
    "bury": ("mlsquiz.commands.manage:run", "take cards out of today's session only", "mlsquiz bury practice-price"),
    "unbury": ("mlsquiz.commands.manage:run", "bring buried cards back into today's session", "mlsquiz unbury practice-price"),
    "forget": ("mlsquiz.commands.manage:run", "reset cards to new, keeping their review history", "mlsquiz forget --section aws --yes"),
    "completion": ("mlsquiz.commands.completion:run", "print a shell completion script (bash, zsh or fish)", "mlsquiz completion bash > ~/.local/share/bash-completion/completions/mlsquiz"),
    "optimize": ("mlsquiz.commands.optimize:run", "fit the FSRS memory model to your review history", "mlsquiz optimize"),
    "exam": ("mlsquiz.commands.exam:run", "exam preparation: exam date, pacing plan, readiness, timed practice exam", "mlsquiz exam date 2027-02-15"),
}


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


def quick_due_arguments(argv: list[str]):
    """`mlsquiz due` runs in shell prompts: read its few options by hand instead of importing argparse.

    Returns None for anything unusual (help, errors, other commands); the full parser handles those."""
    from types import SimpleNamespace

    args = SimpleNamespace(command="due", db=None, now=None, deck=None, json=False)
    tokens = iter(argv)
    seen_command = False
    for token in tokens:
        if token == "due" and not seen_command:
            seen_command = True
        elif token == "--json" and seen_command:
            args.json = True
        elif token in ("--db", "--now") or (token == "--deck" and seen_command):
            value = next(tokens, None)
            if value is None or value.startswith("-"):
                return None
            setattr(args, token[2:], value)
        else:
            return None
    return args if seen_command else None


def run(argv: list[str]) -> int:
    requested = requested_command(argv)
    args = quick_due_arguments(argv) if requested == "due" else None
    if args is None:
        from .arguments import parse_arguments

        args = parse_arguments(argv, COMMANDS, requested)
    if not draws_own_screen(args):
        from .output import protect

        protect("stdout")
    context = Context.from_arguments(args.db, args.now or os.environ.get("MLSQUIZ_NOW"))
    from .clock import unknown_zone_warning

    warning = unknown_zone_warning()
    if warning:
        print(warning, file=sys.stderr)
    if getattr(args, "quiet", False):
        from . import progress

        progress.QUIET = True
    module_name, function_name = COMMANDS[args.command][0].split(":")
    command = getattr(importlib.import_module(module_name), function_name)
    return command(args, context) or 0


def draws_own_screen(args) -> bool:
    """The commands whose prompt_toolkit screen writes its own escape sequences to stdout (each card field is
    made safe before it is drawn); every other command's stdout goes through output.SafeStream."""
    return args.command == "quiz" or (args.command == "exam" and getattr(args, "action", None) == "practice")


def report(lines: list[str]) -> None:
    """Errors on stderr, one per line; text quoted from files cannot smuggle terminal escapes through."""
    from .render import terminal_safe

    for line in lines:
        print(terminal_safe(line, keep_newlines=False), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    from .lifetime import release_kept
    from .output import protected_streams

    release_kept()
    argv = sys.argv[1:] if argv is None else argv
    for stream in (sys.stdout, sys.stderr):
        # A terminal that cannot show a character gets '?' instead of a crash (e.g. LANG=C, ASCII pipes).
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    # Errors and every command's text reach the terminal through output.SafeStream: stderr from here on, stdout
    # once the arguments tell whether the command draws its own screen (see run).
    with protected_streams():
        return _run_reporting_errors(argv)


def console_main() -> None:
    """The `mlsquiz` program: run the command and end the process with its exit status."""
    from .lifetime import anything_kept

    code = main()
    if anything_kept():  # bulk work finished and kept its data: end without freeing it (see lifetime.py)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a reader that went away, or a closed stream: nothing left to say
                pass
        os._exit(code)
    sys.exit(code)


def _run_reporting_errors(argv: list[str]) -> int:
    try:
        code = run(argv)
    except DeckError as err:
        report(err.problems)
        code = err.exit_code
    except MlsquizError as err:
        report([f"mlsquiz: {err}"])
        code = err.exit_code
    except sqlite3.Error as err:
        report([f"mlsquiz: the collection could not be read or written ({err})"])
        code = 1
    except KeyboardInterrupt:
        report(["mlsquiz: interrupted"])
        code = 130
    except BrokenPipeError:
        # The reader went away (`mlsquiz cards | head`): not an error worth a message.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    return code


if __name__ == "__main__":
    sys.exit(main())
