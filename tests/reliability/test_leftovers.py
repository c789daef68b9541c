"""What a killed mlsquiz leaves behind is cleaned up by the next run, but only files that are provably ours
and whose writer is gone; backups are written whole or not at all, with the collection's permissions; new
folders are private whatever the umask. The kills are real SIGKILLs, at chosen points, in child processes."""

import os
import sqlite3
import stat
import subprocess
import sys
import textwrap

from conftest import MINI_DECK, venv_bin
from test_time_and_migrations import first_schema_collection


def killed_at(point: str, patch: str, *args) -> None:
    """Run mlsquiz in a child that SIGKILLs itself at `point` (a function that `patch` replaces)."""
    script = textwrap.dedent(f"""
        import os, signal, sys
        {patch}
        def die(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)
        from mlsquiz.cli import main
        sys.exit(main(sys.argv[1:]))
    """)
    child = subprocess.run([sys.executable, "-c", script, *map(str, args)], capture_output=True, text=True,
                           timeout=60)
    assert child.returncode == -9, (point, child.stderr)


def hidden(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def mlsquiz(*args, **kwargs):
    done = subprocess.run([venv_bin("mlsquiz"), *map(str, args)], capture_output=True, text=True, timeout=60, **kwargs)
    assert done.returncode == 0, done.stderr
    return done


def test_a_kill_while_creating_the_collection_is_cleaned_up_next_time(tmp_path):
    db = tmp_path / "c.db"
    # killed inside the build, after the schema is written: the temporary file and its -wal/-shm stay behind
    killed_at("build", textwrap.dedent("""
        from mlsquiz.store import migrations
        real = migrations.apply_migrations
        def apply(db):
            real(db)
            die()
        migrations.apply_migrations = apply
    """).replace("\n", "\n        "), "--db", db, "decks")
    left = hidden(tmp_path)
    assert left and all(name.startswith(".c.db.new-") for name in left) and not db.exists()
    alive = f".c.db.new-{os.getppid()}"  # a live process's file (the test's parent): never touched
    older = ".c.db.new-999999999"  # the name an earlier mlsquiz used, its writer long gone
    for name in (alive, older, older + "-wal"):
        (tmp_path / name).write_bytes(b"")
    mlsquiz("--db", db, "decks")
    assert hidden(tmp_path) == [alive]
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600


def test_a_kill_during_export_is_cleaned_up_by_the_next_export(cli, mini_collection, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    killed_at("export", textwrap.dedent("""
        from mlsquiz.anki import export
        export._move_into_place = lambda *args: die()
    """).replace("\n", "\n        "), "--db", mini_collection, "export", "--deck", "mini", "-o", out / "m.apkg")
    left = hidden(out)
    assert any(name.endswith(".apkg.part") for name in left) and any(name.endswith(".anki2") for name in left)
    assert not (out / "m.apkg").exists()
    alive = out / f".mlsquiz-export-{os.getppid()}-abcd.apkg.part"
    alive.write_bytes(b"")
    assert cli("export", "--deck", "mini", "-o", out / "m.apkg").code == 0
    assert hidden(out) == [alive.name]


def test_a_kill_during_the_backup_leaves_no_empty_backup_and_the_next_run_makes_it(tmp_path):
    db = tmp_path / "old.db"
    first_schema_collection(db)
    os.chmod(db, 0o600)
    killed_at("backup", textwrap.dedent("""
        from mlsquiz.store import backup
        backup._link_backup = lambda *args: die()
    """).replace("\n", "\n        "), "--db", db, "decks")
    assert not (tmp_path / "old.db.schema1.bak").exists()
    assert any(".schema1.bak.new-" in name for name in hidden(tmp_path))
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == 1  # nothing was upgraded
    mlsquiz("--db", db, "decks")
    backup = tmp_path / "old.db.schema1.bak"
    conn = sqlite3.connect(backup)
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 3
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    assert hidden(tmp_path) == [] and not (tmp_path / "old.db.schema1.2.bak").exists()


def test_an_empty_backup_left_by_an_older_version_is_replaced_not_sidestepped(tmp_path):
    db = tmp_path / "old.db"
    first_schema_collection(db)
    (tmp_path / "old.db.schema1.bak").write_bytes(b"")
    mlsquiz("--db", db, "decks")
    assert sqlite3.connect(tmp_path / "old.db.schema1.bak").execute("SELECT count(*) FROM reviews").fetchone() == (3,)
    assert not (tmp_path / "old.db.schema1.2.bak").exists()


def test_a_real_earlier_backup_is_kept(tmp_path):
    db = tmp_path / "old.db"
    first_schema_collection(db)
    earlier = tmp_path / "old.db.schema1.bak"
    earlier.write_bytes(b"SQLite format 3\x00 an earlier backup")
    mlsquiz("--db", db, "decks")
    assert earlier.read_bytes() == b"SQLite format 3\x00 an earlier backup"
    assert sqlite3.connect(tmp_path / "old.db.schema1.2.bak").execute("SELECT count(*) FROM reviews").fetchone() == (3,)


def test_new_folders_and_the_collection_are_private_under_umask_000(tmp_path):
    db = tmp_path / "a" / "b" / "c" / "collection.db"
    mlsquiz("--db", db, "import", MINI_DECK, preexec_fn=lambda: os.umask(0))
    for folder in (tmp_path / "a", tmp_path / "a" / "b", db.parent):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700, folder
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600


def test_a_full_disk_during_the_backup_leaves_no_backup_and_changes_nothing(tmp_path):
    from test_concurrency_and_disk import limited_writes

    db = tmp_path / "old.db"
    first_schema_collection(db)
    before = db.read_bytes()
    done = subprocess.run([venv_bin("mlsquiz"), "--db", str(db), "decks"], capture_output=True, text=True,
                          timeout=60, preexec_fn=limited_writes(40_000))  # room to open, not to copy
    assert done.returncode == 1 and "upgrade" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert [p.name for p in tmp_path.iterdir() if "bak" in p.name] == []
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == 1
    assert db.read_bytes() == before
