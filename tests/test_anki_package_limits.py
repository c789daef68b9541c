"""Issue 24, the last four: an encrypted or oddly compressed `meta`, a package beyond the memory limit, Ctrl-C
just after an import committed, and a full $TMPDIR while unpacking. Each bad input: one line, a non-zero exit,
no traceback, the collection as it was."""

import os
import sqlite3
import subprocess
import sys
import textwrap
import zipfile

import pytest

from conftest import MINI_DECK, venv_bin
from test_anki_import_bad_input import packages, snapshot  # noqa: F401  (packages: a fixture)
from test_bad_input_messages import _read_only_mount_works


def with_odd_meta(source, target, flag_bits: int = 0, compress_type: int | None = None):
    """A copy of a package whose `meta` says (in the central directory, where zipfile reads it) it is encrypted
    or compressed with another method."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, old.read(info))
        meta = new.getinfo("meta")
        meta.flag_bits |= flag_bits
        if compress_type is not None:
            meta.compress_type = compress_type
    return target


@pytest.mark.parametrize("odd, said", [
    ({"flag_bits": 0x1}, "'meta' member cannot be read (it is encrypted"),
    ({"compress_type": 99}, "'meta' member cannot be read (it uses zip compression method 99"),  # WinZip AES
    ({"compress_type": 98}, "'meta' member cannot be read (it uses zip compression method 98"),  # PPMd
])
def test_an_encrypted_or_oddly_compressed_meta_is_one_line_naming_it(cli, tmp_path, db_path, packages, odd, said):
    assert cli("import", MINI_DECK).code == 0
    before = snapshot(db_path)
    package = with_odd_meta(packages["modern"], tmp_path / "odd.apkg", **odd)
    result = cli("import", package)
    assert result.code == 1 and "Traceback" not in result.err, result
    assert said in result.err and "unsupported package" in result.err, result.err
    assert result.err.count("\n") == 1, result.err
    assert snapshot(db_path) == before


def with_log_rows(tmp_path, source, rows: int):
    """A copy of a legacy package whose one card has `rows` review-log rows, a minute apart, from 2020."""
    with zipfile.ZipFile(source) as old:
        members = [(info.filename, old.read(info)) for info in old.infolist()]
    database = tmp_path / "big.sqlite"
    database.write_bytes(dict(members)["collection.anki21"])
    conn = sqlite3.connect(database)
    card = conn.execute("SELECT id FROM cards").fetchone()[0]
    conn.execute(f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
                     INSERT INTO revlog SELECT 1600000000000 + i * 60000, {card}, 3, 1, 1, 1, 2500, 5000, 1 FROM n""")
    conn.commit()
    conn.close()
    target = tmp_path / "big.apkg"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in members:
            new.writestr(name, database.read_bytes() if name == "collection.anki21" else data)
    return target


def test_a_package_beyond_the_memory_limit_is_refused_in_one_line_before_reading(tmp_path, db_path, packages):
    """A real limit (`ulimit -v`, here 100 MB) in a child process: 100,000 log rows need more than it leaves,
    and reading them ended in a MemoryError traceback."""
    assert subprocess.run([venv_bin("mlsquiz"), "--db", str(db_path), "import", str(MINI_DECK)],
                          capture_output=True).returncode == 0
    before = snapshot(db_path)
    package = with_log_rows(tmp_path, packages["legacy"], 100_000)
    script = textwrap.dedent("""
        import resource, sys
        limit = 100 * 1024 ** 2
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        from mlsquiz.cli import main
        sys.exit(main(sys.argv[1:]))
    """)
    child = subprocess.run([sys.executable, "-c", script, "--db", str(db_path), "import", str(package),
                            "--with-progress"], capture_output=True, text=True, timeout=120)
    assert child.returncode == 1 and "Traceback" not in child.stderr, child.stderr
    assert "too large for this process's memory limit" in child.stderr and "100,000 review-log rows" in child.stderr
    assert child.stderr.count("\n") == 1, child.stderr
    assert snapshot(db_path) == before


def test_running_out_of_memory_during_the_import_is_one_line_and_nothing_written(cli, monkeypatch, tmp_path,
                                                                                 db_path, packages):
    """What the row count cannot foresee (the machine's memory, not a limit): the transaction is rolled back."""
    from mlsquiz.store import replay

    assert cli("import", MINI_DECK).code == 0
    before = snapshot(db_path)

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(replay, "add_reviews", exhausted)
    result = cli("import", with_log_rows(tmp_path, packages["legacy"], 10), "--with-progress")
    assert result.code == 1 and "Traceback" not in result.err, result
    assert "not enough memory to import this package" in result.err and result.err.count("\n") == 1, result.err
    assert snapshot(db_path) == before


@pytest.mark.parametrize("step", ["mlsquiz.runtime.lifetime.keep_until_exit",
                                  "mlsquiz.commands.anki_import.summary_line"])
@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_ctrl_c_just_after_the_import_committed_reports_the_import_not_interrupted(tmp_path, db_path, packages,
                                                                                   step, signal_name):
    """A real signal (Ctrl-C, or SIGTERM which the import treats alike) sent by the step right after the commit."""
    module, name = step.rsplit(".", 1)
    script = textwrap.dedent(f"""
        import importlib, os, signal, sys
        module = importlib.import_module({module!r})
        original = getattr(module, {name!r})
        def interrupted_then(*args, **kwargs):
            os.kill(os.getpid(), signal.{signal_name})
            return original(*args, **kwargs)
        setattr(module, {name!r}, interrupted_then)
        from mlsquiz.cli import main
        sys.exit(main(sys.argv[1:]))
    """)
    child = subprocess.run([sys.executable, "-c", script, "--db", str(db_path), "import", str(packages["legacy"])],
                           capture_output=True, text=True, timeout=60, env={**os.environ, "MLSQUIZ_DB": str(db_path)})
    assert child.returncode == 0, child.stderr
    assert "interrupted" not in child.stderr and "1 cards added" in child.stdout, child
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM cards WHERE deck LIKE 'anki-%'").fetchone()[0] == 1
    conn.close()


def test_a_full_temporary_folder_while_unpacking_is_a_full_disk_not_a_damaged_package(tmp_path, db_path,
                                                                                      packages):
    folder = tmp_path / "small-tmp"
    folder.mkdir()
    if not _read_only_mount_works(folder):
        pytest.skip("no user and mount namespaces here to mount a small file system")
    assert subprocess.run([venv_bin("mlsquiz"), "--db", str(db_path), "import", str(MINI_DECK)],
                          capture_output=True).returncode == 0
    before = snapshot(db_path)
    package = with_log_rows(tmp_path, packages["legacy"], 5000)  # unpacks to more than 64 KiB
    run = subprocess.run(["unshare", "--mount", "--map-root-user", "sh", "-c",
                          f"mount -t tmpfs -o size=64k tmpfs '{folder}' && TMPDIR='{folder}' exec "
                          f"'{venv_bin('mlsquiz')}' --db '{db_path}' import '{package}'"],
                         capture_output=True, text=True)
    assert run.returncode == 1, run
    assert f"not enough space in the temporary folder {folder} ($TMPDIR) to unpack {package}" in run.stderr, run.stderr
    assert "damaged" not in run.stderr and "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1, run.stderr
    assert snapshot(db_path) == before
