"""Every test gets its own collection and data folder; none touches a real home or reads the real clock."""

import io
import time
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlsquiz.cli import main

TESTS = Path(__file__).parent
MINI_DECK = TESTS / "data" / "mini.toml"
REPO = TESTS.parent


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("MLSQUIZ_DB", str(tmp_path / "collection.db"))
    monkeypatch.setenv("MLSQUIZ_NOW", "2026-03-02 09:00")
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


@pytest.fixture
def schema_before(monkeypatch):
    """`schema_before(step)`: collections opened from now on are made and upgraded only up to just before that
    migration (an older mlsquiz); `schema_before(None)`: every migration again (this mlsquiz)."""
    from mlsquiz.store import migrations
    from mlsquiz.store import connection

    every_step = list(migrations.MIGRATIONS)

    def stop_before(step) -> None:
        steps = every_step if step is None else every_step[:every_step.index(step)]
        for module in (migrations, connection):
            monkeypatch.setattr(module, "SCHEMA_VERSION", len(steps))
        monkeypatch.setattr(migrations, "MIGRATIONS", steps)

    return stop_before


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "collection.db"


@pytest.fixture
def local_zone(monkeypatch):
    """Switch the process's local time zone for one test: `local_zone("Europe/Berlin")`."""

    def switch(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield switch
    monkeypatch.undo()
    time.tzset()


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> Result:
    """Run the real command line in this process and capture what it prints."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in args])
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def mini_collection(cli, db_path):
    """A collection holding the bundled deck and the small test deck (one card of each type)."""
    assert cli("import", MINI_DECK).code == 0
    return db_path


def venv_bin(name: str) -> str:
    """A console script of the environment running the tests."""
    import sys

    return str(Path(sys.executable).with_name(name))


