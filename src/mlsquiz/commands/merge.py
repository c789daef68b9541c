"""`mlsquiz import OTHER-COLLECTION.db`: merge another mlsquiz collection (say, a laptop's copy) into this one."""

import os


def run_merge(args, context) -> int:
    from ..runtime.interrupts import signals_interrupt

    with signals_interrupt():  # SIGTERM and SIGHUP as Ctrl-C: the private copy is removed on every way out
        return _run_merge(args, context)


def _run_merge(args, context) -> int:
    from ..store.merge import merge_collection, readable_copy

    path = args.file
    with readable_copy(path) as copy:  # checked and copied before this collection is opened
        collection = context.open_collection()
        try:
            if os.path.samefile(collection.path, path):
                print(f"{path}: is this collection itself; nothing to merge")
                return 0
            from ..runtime.gc_pause import collector_paused
            from ..store.backup import backup_before

            backup_before(collection, f"merge of {os.path.basename(path)}", context.now)
            from ..terminal.progress import SHOW_FROM_BYTES, progress

            with progress(f"merging {os.path.basename(path)}", os.path.getsize(copy), SHOW_FROM_BYTES) as bars, \
                    collector_paused():
                figures = merge_collection(collection, copy, bars, name=path)
        finally:
            collection.close()
    print(f"{path}: merged: {figures['decks']} decks and {figures['cards']} cards added, "
          f"{figures['reviews']} reviews merged ({figures['known']} already here), "
          f"{figures['attempts']} practice exams added; settings untouched")
    return 0

