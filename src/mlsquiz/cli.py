"""Command line: argument parsing and dispatch. Errors become one line on stderr and an exit code here only.

Kept light on purpose: every command imports what it needs when it runs, so `mlsquiz due` and
`mlsquiz --help` cost little more than starting Python.
"""

import importlib
import os
import sqlite3
import sys

from .commands import COMMANDS
from .context import Context
from .errors import DeckError, MlsquizError


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
        from .commands.arguments import parse_arguments

        args = parse_arguments(argv, COMMANDS, requested)
    if not draws_own_screen(args):
        from .terminal.output import protect

        protect("stdout")
    context = Context.from_arguments(args.db, args.now or os.environ.get("MLSQUIZ_NOW"))
    from .clock import unknown_zone_warning

    warning = unknown_zone_warning()
    if warning:
        print(warning, file=sys.stderr)
    if getattr(args, "quiet", False):
        from .terminal import progress

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
    from .terminal.render import terminal_safe

    for line in lines:
        print(terminal_safe(line, keep_newlines=False), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    from .runtime.lifetime import release_kept
    from .terminal.output import protected_streams

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
    from .runtime.lifetime import anything_kept

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
