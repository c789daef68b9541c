"""Modules imported on a thread of their own while the main thread waits for a person: a screen drawn without
them is on the terminal at once, and they are ready (or nearly) by the time a key is pressed. The main thread
reading a key leaves Python's lock, so the imports run meanwhile."""

import importlib
import threading


def import_soon(*names: str):
    """Start importing `names` now; returns a function that waits until they are imported (raising what an
    import raised)."""
    failed: list[BaseException] = []

    def load() -> None:
        try:
            for name in names:
                importlib.import_module(name)
        except BaseException as error:  # noqa: BLE001 - handed to the waiting caller
            failed.append(error)

    worker = threading.Thread(target=load, name="preload", daemon=True)
    worker.start()

    def wait() -> None:
        worker.join()
        if failed:
            raise failed[0]

    return wait
