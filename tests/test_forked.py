"""forked.py: work done in a child process comes back as if done here; whatever goes wrong there is done here."""

import os
import signal
import sqlite3
import sys

import pytest

from mlsquiz.runtime import forked
from mlsquiz.store.bulk import built_alongside

needs_fork = pytest.mark.skipif(sys.platform != "linux", reason="the child process runs on Linux only")


def where_and_what(numbers):
    return os.getpid(), sum(numbers)


@needs_fork
def test_the_work_runs_in_a_child_and_its_result_comes_back():
    with forked.forked(where_and_what, list(range(1000))) as pending:
        pid, total = pending.result()
    assert pid != os.getpid() and total == 499500


def test_without_a_child_the_same_work_runs_here(monkeypatch):
    monkeypatch.setattr(forked, "ENABLED", False)
    with forked.forked(where_and_what, [1, 2, 3]) as pending:
        assert pending.result() == (os.getpid(), 6)


def fails_in_the_child(parent: int):
    if os.getpid() != parent:
        raise ValueError("only the child fails")
    return "done here"


def fails_everywhere(_):
    raise LookupError("no such deck")


def dies(parent: int):
    if os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    return "done here"


@needs_fork
@pytest.mark.parametrize("work", [fails_in_the_child, dies])
def test_a_child_that_fails_or_dies_leaves_the_work_to_this_process(work):
    with forked.forked(work, os.getpid()) as pending:
        assert pending.result() == "done here"


def test_an_error_of_the_work_is_raised_here_as_it_is():
    with forked.forked(fails_everywhere, None) as pending:
        with pytest.raises(LookupError, match="no such deck"):
            pending.result()


@needs_fork
def test_leaving_early_kills_the_child_and_reaps_it():
    with pytest.raises(KeyboardInterrupt):
        with forked.forked(signal.pause) as pending:
            child = pending.pid
            raise KeyboardInterrupt
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # already reaped: no zombie left behind


def test_indexes_built_alongside_python_work(tmp_path):
    conn = sqlite3.connect(tmp_path / "t.db", isolation_level=None, check_same_thread=False)
    conn.execute("CREATE TABLE t (a, b)")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(n % 97, n) for n in range(20_000)])
    result = built_alongside(conn, ["CREATE INDEX t_a ON t (a)", "CREATE UNIQUE INDEX t_b ON t (b)"],
                             lambda: sum(range(100_000)))
    conn.execute("COMMIT")
    assert result == sum(range(100_000))
    assert {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")} == {"t_a", "t_b"}


def test_an_index_that_cannot_be_built_raises_its_error_here(tmp_path):
    conn = sqlite3.connect(tmp_path / "t.db", isolation_level=None, check_same_thread=False)
    conn.execute("CREATE TABLE t (a)")
    conn.executemany("INSERT INTO t VALUES (?)", [(1,), (1,)])
    with pytest.raises(sqlite3.IntegrityError):
        built_alongside(conn, ["CREATE UNIQUE INDEX t_a ON t (a)"], lambda: "meanwhile")


def test_an_error_of_the_python_work_stops_the_build_and_is_raised(tmp_path):
    conn = sqlite3.connect(tmp_path / "t.db", isolation_level=None, check_same_thread=False)
    conn.execute("CREATE TABLE t (a)")
    conn.execute("BEGIN")

    def work():
        raise ZeroDivisionError("meanwhile")

    with pytest.raises(ZeroDivisionError):
        built_alongside(conn, ["CREATE INDEX t_a ON t (a)"], work)
    if conn.in_transaction:  # as Collection.transaction does: an interrupted build has ended it already
        conn.execute("ROLLBACK")
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index'").fetchone()[0] == 0
