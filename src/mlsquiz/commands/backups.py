"""`mlsquiz backups` and `mlsquiz restore ID`: the copies kept before each bulk change, and going back to one.

Neither opens (or creates) the collection first: a restore is also the way back when it was deleted."""

import json
import os
import sys

from ..errors import MlsquizError, UsageError
from ..terminal.render import table, terminal_safe


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    for unit in ("KiB", "MiB", "GiB"):
        size /= 1024
        if size < 1024 or unit == "GiB":
            break
    return f"{size:.1f} {unit}"


def run_backups(args, context) -> int:
    from ..store.backup import backups_folder, list_backups

    backups, folder = list_backups(context.db_path), backups_folder(context.db_path)
    if args.json:
        print(json.dumps({"collection": context.db_path, "folder": folder, "backups": [
            {"id": backup.number, "made": backup.moment.astimezone().isoformat(), "change": backup.change,
             "size": backup.size, "path": backup.path} for backup in backups]}, indent=2))
        return 0
    if not backups:
        print(terminal_safe(f"No backups yet of {context.db_path}; one is kept in {folder} before each bulk change."))
        return 0
    rows = [[str(backup.number), backup.moment.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
             terminal_safe(backup.change, keep_newlines=False), human_size(backup.size)] for backup in backups]
    print(terminal_safe(f"Backups of {context.db_path}, in {folder}:"))
    print(table(rows, ["id", "made", "before", "size"], ("right", "left", "left", "right")))
    print("Restore one with 'mlsquiz restore ID' (the current state is kept as a backup first).")
    return 0


def run_restore(args, context) -> int:
    from ..store.backup import list_backups
    from ..store.restore import check_backup, restore_backup

    number = int(args.id) if args.id.isascii() and args.id.isdigit() else None
    chosen = [backup for backup in list_backups(context.db_path) if backup.number == number]
    if len(chosen) != 1:
        raise MlsquizError(f"no backup {args.id!r} of {context.db_path} (see 'mlsquiz backups')")
    backup = chosen[0]
    check_backup(backup)  # a damaged backup is refused before anything is asked or changed
    made = backup.moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    if not confirm(f"Replace {context.db_path} with backup {backup.number} (made {made}, before "
                   f"{backup.change})? The current state is kept as a backup first. [y/N] ", args.yes):
        print("Nothing changed.")
        return 1
    saved = restore_backup(context.db_path, backup, context.now)
    print(terminal_safe(f"{context.db_path}: restored backup {backup.number} (made {made}, before {backup.change}); "
                        "integrity check passed"))
    if saved:
        number = int(os.path.basename(saved).split("-")[0])
        print(f"The state before the restore is backup {number} ('mlsquiz restore {number} --yes' goes back to it).")
    return 0


def confirm(question: str, yes: bool, ask=input) -> bool:
    """--yes, or a y on a terminal; without a terminal, refuse rather than guess."""
    if yes:
        return True
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("restore replaces the collection: add --yes to restore without a terminal to ask")
    try:
        reply = ask(terminal_safe(question, keep_newlines=False))
    except EOFError:
        reply = ""
    return reply.strip().lower() in ("y", "yes")
