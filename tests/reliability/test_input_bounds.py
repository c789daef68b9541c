"""Every input is bounded: nesting, dates, day counts, the bytes read, the kind of file. One line, never a
traceback or a hang. Devices and FIFOs are made by the tests inside tmp_path."""

import os
import stat
import subprocess

import pytest

from conftest import MINI_DECK, venv_bin


def one_line(result, code=None):
    assert result.code != 0 and (code is None or result.code == code), result
    errors = [line for line in result.err.strip().splitlines()  # first use also says where it made the collection
              if not line.startswith("mlsquiz: created a new collection at ")]
    assert "Traceback" not in result.err and len(errors) == 1, result.err


def run(*args, timeout=30, **env):
    """The installed program, with a time limit: a hang fails the test instead of stalling it."""
    done = subprocess.run([venv_bin("mlsquiz"), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **env})
    return done


def test_deeply_nested_toml_is_one_line(cli, tmp_path):
    deck = tmp_path / "deep.toml"
    deck.write_text('[deck]\nid = "x"\nname = "X"\n[[cards]]\nid = "a"\ntags = ' + "[" * 500 + "]" * 500 + "\n")
    for command in ("check", "import"):
        result = cli(command, deck)
        one_line(result, 1)
        assert "nested too deeply" in result.err and str(deck) in result.err
    inline = tmp_path / "inline.toml"
    inline.write_text("x = " + "{a = " * 2000 + "1" + "}" * 2000 + "\n")
    one_line(cli("check", inline), 1)


@pytest.mark.parametrize("moment", ["0001-01-01 09:00", "9999-12-31 09:00", "2026-03-02T09:00+25:00",
                                    "2026-03-02 09:00 -25:00", "1899-12-31", "9000-06-01"])
def test_now_outside_the_calendar_is_a_usage_error(cli, mini_collection, moment):
    for command in (["due"], ["stats"], ["quiz"], ["cards"]):
        result = cli("--now", moment, *command)
        one_line(result, 2)
        assert "--now" in result.err


def test_now_near_the_limits_still_works(cli, mini_collection):
    for moment in ("1901-01-01 09:00", "8999-12-31 09:00"):
        assert cli("--now", moment, "stats", "--days", "36500").code == 0


def test_forecast_days_are_bounded(cli, mini_collection):
    for days in ("100000000", "36501"):
        result = cli("stats", "--days", days)
        one_line(result, 2)
        assert "36500" in result.err


def test_fifo_as_deck_file_or_collection_does_not_hang(tmp_path):
    fifo = tmp_path / "deck.toml"
    os.mkfifo(fifo)
    db = tmp_path / "c.db"
    for args in (["check", fifo], ["import", fifo]):
        done = run("--db", db, *args, timeout=10)
        assert done.returncode == 1 and "not a regular file" in done.stderr, done.stderr
    pipe_db = tmp_path / "pipe.db"
    os.mkfifo(pipe_db)
    for command in (["decks"], ["due"], ["stats"], ["export", "-o", tmp_path / "x.apkg"]):
        done = run("--db", pipe_db, *command, timeout=10)
        assert done.returncode == 1 and "not a regular file" in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    assert stat.S_ISFIFO(os.lstat(pipe_db).st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="creating device nodes needs root")
def test_endless_devices_are_refused_before_reading(tmp_path):
    zero, urandom = tmp_path / "zero", tmp_path / "urandom"
    os.mknod(zero, 0o444 | stat.S_IFCHR, os.makedev(1, 5))  # our own /dev/zero and /dev/urandom
    os.mknod(urandom, 0o444 | stat.S_IFCHR, os.makedev(1, 9))
    for args in (["check", zero], ["import", urandom], ["check", urandom]):
        done = run("--db", tmp_path / "c.db", *args, timeout=20)
        assert done.returncode == 1 and "not a regular file" in done.stderr, done.stderr
    done = run("--db", zero, "decks", timeout=20)
    assert done.returncode == 1 and "not a regular file" in done.stderr


def test_reading_stops_at_the_limit_whatever_the_size_says(monkeypatch, tmp_path):
    from mlsquiz.deckfile import reading as deck_module
    from mlsquiz.errors import DeckError

    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * 5000 + b"\n")
    monkeypatch.setattr(deck_module, "MAX_FILE_BYTES", 1000)
    real_fstat = os.fstat
    # A file that says it is empty (as /proc files do) and then gives more: the bytes read count.
    monkeypatch.setattr(os, "fstat", lambda fd: os.stat_result((real_fstat(fd).st_mode, *[0] * 9)))
    with pytest.raises(DeckError, match="too large"):
        deck_module.read_deck_bytes(big)


def test_a_deck_file_with_a_byte_order_mark_is_accepted(cli, tmp_path):
    deck = tmp_path / "bom.toml"
    deck.write_bytes(b"\xef\xbb\xbf" + MINI_DECK.read_bytes())
    assert cli("check", deck).code == 0
    result = cli("import", deck)
    assert result.code == 0 and "5 added" in result.out, result.err


def test_a_dangling_symlink_as_collection_fails_before_building_anything(tmp_path, monkeypatch):
    from mlsquiz.store import migrations

    def no_building(*args, **kwargs):
        raise AssertionError("a collection was built")

    monkeypatch.setattr(migrations, "apply_migrations", no_building)
    link = tmp_path / "c.db"
    os.symlink(tmp_path / "gone" / "c.db", link)
    from conftest import run_cli

    result = run_cli("--db", link, "decks")
    one_line(result, 1)
    assert "symbolic link" in result.err and "does not exist" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.db"]


def test_an_unknown_time_zone_is_said_once(tmp_path):
    db = tmp_path / "c.db"
    done = run("--db", db, "due", TZ="Mars/Olympus_Mons")
    assert done.returncode == 0
    assert done.stderr.count("time zone") == 1 and "Mars/Olympus_Mons" in done.stderr and "UTC" in done.stderr
    for zone in ("Europe/Berlin", "UTC", "EST5EDT", ""):
        done = run("--db", db, "due", TZ=zone)
        assert done.returncode == 0 and done.stderr == "", (zone, done.stderr)
