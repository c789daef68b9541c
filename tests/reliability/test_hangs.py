"""Hangs and exhaustion: hostile deck files, Anki packages and other collections end within seconds or are
refused in one line; Ctrl-C, SIGTERM and SIGHUP stop even an endless SQLite query; no temporary copy outlives its
import or merge; the forked child dies with its parent. Every process here is started by the test, under
tmp_path, with a time limit, so a hang fails the test instead of stalling it."""

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import zipfile

import pytest

from conftest import MINI_DECK, venv_bin
from mlsquiz.anki.text import html_to_text
from mlsquiz.deckfile.cloze import cloze_numbers, cloze_question

ENDLESS = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r)"


@contextlib.contextmanager
def deadline(seconds: int):
    """Fail, not stall, if the block takes longer (SIGALRM interrupts pure Python)."""
    def expired(*_):
        raise AssertionError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def mlsquiz(*args, tmp, timeout=30):
    """The installed program with $TMPDIR inside the test's folder."""
    return subprocess.run([venv_bin("mlsquiz"), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "TMPDIR": str(tmp)})


def copies_in(tmp) -> list[str]:
    return sorted(name for name in os.listdir(tmp) if "mlsquiz-" in name)


@pytest.fixture
def tmp(tmp_path):
    folder = tmp_path / "tmpdir"
    folder.mkdir()
    return folder


def cloze_deck(path, prompt: str):
    path.write_text('[deck]\nid = "z"\nname = "Z"\n\n[[sections]]\nid = "s"\ntitle = "S"\n\n[[cards]]\nid = "a"\n'
                    f'type = "cloze"\nsection = "s"\nexplanation = "e"\nprompt = """{prompt}"""\n')
    return path


# --- cloze -------------------------------------------------------------------------------------------------------

def test_an_unclosed_cloze_prompt_is_checked_in_a_moment(tmp_path, tmp):
    """5 KB of `{{c1::` took the old pattern about 50 s (cubic); the scanner reads it once."""
    deck = cloze_deck(tmp_path / "z.toml", "{{c1::" * 850)
    done = mlsquiz("check", deck, tmp=tmp, timeout=10)
    assert done.returncode == 1 and f"{deck}:14:" in done.stderr and "needs a deletion" in done.stderr, done.stderr
    with deadline(2):
        for text in ("{{c1::" * 20_000, "{{c1:::" * 20_000, "{{c" * 30_000 + "1", ("{{c1::" + "::" * 10) * 5000):
            cloze_numbers(text), cloze_question(text, 1)


def test_only_ascii_digits_number_a_deletion():
    assert cloze_numbers("{{c١::x}} {{c٢::y}}") == [] and cloze_numbers("{{c1::x}} {{c12::y}}") == [1, 12]
    assert cloze_question("{{c١::x}} {{c1::y::hint}}", 1) == "{{c١::x}} [hint]"


@pytest.mark.parametrize("prompt, reason", [
    ("a {{c1::}} b", "is empty"), ("a {{c1::  ::hint}} b", "is empty"), ("{{c1::x}} {{c2::}}", "is empty"),
    ("{{c501::x}}", "not between c1 and c500"), ("{{c0::x}}", "not between c1 and c500"),
    ("{{c99999999999999999999::x}}", "not between c1 and c500"),
])
def test_empty_and_out_of_range_deletions_are_refused_at_their_line(tmp_path, tmp, prompt, reason):
    deck = cloze_deck(tmp_path / "z.toml", prompt)
    for command in ("check", "import"):
        done = mlsquiz(command, deck, tmp=tmp)
        assert done.returncode == 1 and f"{deck}:14: card 'a'" in done.stderr and reason in done.stderr, done.stderr
        assert len([line for line in done.stderr.splitlines() if "created a new collection" not in line]) == 1


def test_a_small_deck_file_cannot_make_a_huge_collection(tmp_path, tmp):
    """One 64 KB entry with thousands of deletions once became a 643 MB collection (its text once per card)."""
    db = tmp_path / "c.db"
    many = " ".join(f"{{{{c{n}::w}}}}" for n in range(1, 201))  # 200 cards
    long = " ".join(f"{{{{c{n % 60 + 1}::word}}}}" for n in range(6000))  # 60 cards of a 70 KB text
    for prompt, reason in ((many, "at most 100 per entry"), (long, "each card keeps the whole text")):
        deck = cloze_deck(tmp_path / "z.toml", prompt)
        done = mlsquiz("--db", db, "import", deck, tmp=tmp)
        assert done.returncode == 1 and f"{deck}:14:" in done.stderr and reason in done.stderr, done.stderr
        assert not db.exists() or os.path.getsize(db) < 2_000_000
    fine = cloze_deck(tmp_path / "fine.toml", " ".join(f"{{{{c{n}::w{n}}}}}" for n in range(1, 101)))
    done = mlsquiz("--db", db, "import", fine, tmp=tmp)
    assert done.returncode == 0, done.stderr
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT count(*) FROM cards WHERE deck = 'z'").fetchone() == (100,)


# --- HTML -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("field", ["<img " * 20_000, '<img src="' * 10_000, "<img <img " * 10_000 + ">",
                                   "<script " * 12_000, "<style><script " * 6_000, "<!--" * 25_000, "<a " * 33_000,
                                   "<li " * 25_000, "<br " * 25_000, "[sound:" * 14_000, "<img src=x " * 9_000 + ">"])
def test_html_cleanup_of_100_kb_of_unclosed_markup_takes_a_moment(field):
    """`<img ` x 20,000 took the old passes 97 s here (quadratic)."""
    with deadline(2):
        html_to_text(field)


def test_html_cleanup_still_reads_normal_markup():
    assert html_to_text('<img alt="a b" src="x.png"> <IMG data-src=\'y.png\' title=t>') == (
        "[image x.png: not shown] [image y.png: not shown]")
    assert html_to_text('<img src="a>b.png" >z<img src=>') == "[image a>b.png: not shown]z"
    assert html_to_text("a<script>x<style>y</script>b<style>c</STYLE >d<!-- e -->f") == "abdf"
    assert html_to_text("a <img b") == "a <img b" and html_to_text("x [sound:y") == "x [sound:y"


# --- Anki packages ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def package(tmp_path_factory):
    """A legacy package (a plain SQLite member) with one Basic note whose front is 100 KB of unclosed `<img `."""
    from anki_fixtures import export, open_anki

    folder = tmp_path_factory.mktemp("anki")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(folder))
        col = open_anki(folder / "anki")
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = "<img " * 20_000, "back"
        col.add_note(note, col.decks.id("Hostile"))
        made = export(col, folder / "hostile.apkg", legacy=True)
        col.close()
    return made


def with_statements(source, target, *statements):
    """A copy of a legacy package whose collection has had `statements` run on it."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "collection.anki21":
                scratch = target.with_suffix(".sqlite")
                scratch.write_bytes(data)
                with contextlib.closing(sqlite3.connect(scratch)) as conn:
                    for statement in statements:
                        conn.execute(statement)
                    conn.commit()
                data = scratch.read_bytes()
                scratch.unlink()
            new.writestr(info.filename, data)
    return target


def endless_notes(package, target):
    """The notes table replaced by a view that never ends."""
    return with_statements(package, target, "ALTER TABLE notes RENAME TO real_notes",
                           f"CREATE VIEW notes AS {ENDLESS} SELECT x AS id, '' AS guid, 0 AS mid, '' AS flds, "
                           "'' AS tags FROM r")


def test_a_package_of_a_100_kb_unclosed_img_field_imports_in_seconds(package, tmp_path, tmp):
    done = mlsquiz("--db", tmp_path / "c.db", "import", package, tmp=tmp, timeout=30)
    assert done.returncode == 0 and "1 cards added" in done.stdout, done.stderr
    assert copies_in(tmp) == []


@pytest.mark.parametrize("statement", [
    "CREATE VIEW extra AS SELECT 1",
    "CREATE TRIGGER t AFTER INSERT ON cards BEGIN SELECT 1; END",
])
def test_a_package_holding_a_view_or_trigger_is_refused_before_reading(package, tmp_path, tmp, statement):
    hostile = with_statements(package, tmp_path / "x.apkg", statement)
    done = mlsquiz("--db", tmp_path / "c.db", "import", hostile, tmp=tmp, timeout=20)
    assert done.returncode == 1 and "refused" in done.stderr and "Anki never writes" in done.stderr, done.stderr
    assert copies_in(tmp) == []
    endless = endless_notes(package, tmp_path / "endless.apkg")
    done = mlsquiz("--db", tmp_path / "c.db", "import", endless, tmp=tmp, timeout=20)
    assert done.returncode == 1 and "holds a view ('notes')" in done.stderr, done.stderr


def run_until_marked(script: str, args, tmp, marker, sig) -> subprocess.CompletedProcess:
    """Run mlsquiz in a child whose `script` patch touches `marker` where the test wants it; then send `sig`."""
    child = subprocess.Popen([sys.executable, "-c", script, *map(str, args)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(tmp)})
    try:
        with deadline(30):
            while not marker.exists() and child.poll() is None:
                os.sched_yield()
        child.send_signal(sig)
        out, err = child.communicate(timeout=15)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)


def patched_main(patch: str) -> str:
    return "import os, sys\n" + textwrap.dedent(patch) + "\nfrom mlsquiz.cli import main\nsys.exit(main(sys.argv[1:]))\n"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_stops_an_endless_query_in_an_import_and_removes_the_copy(package, tmp_path, tmp, sig):
    endless = endless_notes(package, tmp_path / "endless.apkg")
    marker = tmp_path / "reading"
    script = patched_main(f"""
        from mlsquiz.anki import collection
        def reading(conn, package):  # the refusal of views lifted: the view is read
            open({str(marker)!r}, "w").close()
        collection._refuse_hidden_queries = reading
    """)
    done = run_until_marked(script, ["--db", tmp_path / "c.db", "import", endless], tmp, marker, sig)
    assert done.returncode == 130 and "interrupted" in done.stderr, (done.returncode, done.stderr)
    assert copies_in(tmp) == []


def test_a_killed_import_leaves_a_copy_that_the_next_import_removes(package, tmp_path, tmp):
    script = patched_main("""
        import signal
        from mlsquiz.anki import collection
        collection.read_collection = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
    """)
    child = subprocess.run([sys.executable, "-c", script, "--db", tmp_path / "c.db", "import", package],
                           capture_output=True, text=True, timeout=30, env={**os.environ, "TMPDIR": str(tmp)})
    assert child.returncode == -9, child.stderr
    left = copies_in(tmp)
    assert left and all(name.startswith(".mlsquiz-anki-") for name in left)
    alive = tmp / f".mlsquiz-anki-{os.getpid()}-abc.sqlite"  # a running import's copy: never touched
    alive.write_bytes(b"")
    done = mlsquiz("--db", tmp_path / "c.db", "import", package, tmp=tmp)
    assert done.returncode == 0, done.stderr
    assert copies_in(tmp) == [alive.name]


def test_the_forked_child_dies_with_its_parent(package, tmp_path, tmp):
    """The decks are built in a forked child; a parent killed by SIGKILL once left it running at full CPU."""
    child_pid = tmp_path / "child"
    script = patched_main(f"""
        import signal
        from mlsquiz.commands import anki_import
        from mlsquiz.anki import history
        def endless(*args):
            with open({str(child_pid)!r} + ".part", "w") as file:
                file.write(str(os.getpid()))
            os.rename({str(child_pid)!r} + ".part", {str(child_pid)!r})
            while True:
                pass
        def die(*args, **kwargs):
            while not os.path.exists({str(child_pid)!r}):
                os.sched_yield()
            os.kill(os.getpid(), signal.SIGKILL)
        anki_import._foreign_decks = endless
        history.reviews_from_log = die
    """)
    parent = subprocess.run([sys.executable, "-c", script, "--db", tmp_path / "c.db", "import", package],
                            capture_output=True, text=True, timeout=30, env={**os.environ, "TMPDIR": str(tmp)})
    assert parent.returncode == -9, parent.stderr
    pid = int(child_pid.read_text())
    try:
        with deadline(5):
            while process_running(pid):
                os.sched_yield()
    finally:
        if process_running(pid):
            os.kill(pid, signal.SIGKILL)


def process_running(pid: int) -> bool:
    """Alive and not a zombie waiting for whoever adopted it."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


# --- merges -----------------------------------------------------------------------------------------------------

@pytest.fixture
def other(tmp_path, tmp):
    other = tmp_path / "other.db"
    assert mlsquiz("--db", other, "import", MINI_DECK, tmp=tmp).returncode == 0
    return other


def change(db, *statements):
    with contextlib.closing(sqlite3.connect(db)) as conn:
        for statement in statements:
            conn.execute(statement)
        conn.commit()


def endless_reviews(db):
    change(db, "ALTER TABLE reviews RENAME TO real_reviews",
           f"CREATE VIEW reviews AS {ENDLESS} SELECT * FROM real_reviews, r")


@pytest.mark.parametrize("hostile", ["view", "trigger", "endless"])
def test_a_merge_of_a_collection_with_a_view_or_unknown_trigger_is_refused(tmp_path, tmp, other, hostile):
    if hostile == "endless":
        endless_reviews(other)
    else:
        change(other, "CREATE VIEW v AS SELECT 1" if hostile == "view" else
               "CREATE TRIGGER t AFTER INSERT ON decks BEGIN SELECT 1; END")
    done = mlsquiz("--db", tmp_path / "c.db", "import", other, tmp=tmp, timeout=20)
    assert done.returncode == 1 and "refused" in done.stderr and "nothing merged" in done.stderr, done.stderr
    assert copies_in(tmp) == []


def test_a_collection_with_mlsquiz_own_triggers_still_merges(tmp_path, tmp, other):
    done = mlsquiz("--db", tmp_path / "c.db", "import", other, tmp=tmp)
    assert done.returncode == 0 and "merged" in done.stdout, done.stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_an_endless_query_in_a_merge_and_removes_the_copy(tmp_path, tmp, other, sig):
    endless_reviews(other)
    marker = tmp_path / "reading"
    script = patched_main(f"""
        from mlsquiz.store import merge
        merge._refuse_hidden_queries = lambda conn, path: open({str(marker)!r}, "w").close()
    """)
    done = run_until_marked(script, ["--db", tmp_path / "c.db", "import", other], tmp, marker, sig)
    assert done.returncode == 130 and "interrupted" in done.stderr, (done.returncode, done.stderr)
    assert copies_in(tmp) == []


def test_ctrl_c_in_the_merge_copy_step_removes_the_copy(tmp_path, tmp, other):
    script = patched_main("""
        import signal, sqlite3
        real = sqlite3.connect
        def connect(path, *args, **kwargs):
            if str(path).endswith("other.db"):  # the private copy being made: Ctrl-C now
                os.kill(os.getpid(), signal.SIGINT)
            return real(path, *args, **kwargs)
        sqlite3.connect = connect
    """)
    child = subprocess.run([sys.executable, "-c", script, "--db", tmp_path / "c.db", "import", other],
                           capture_output=True, text=True, timeout=30, env={**os.environ, "TMPDIR": str(tmp)})
    assert child.returncode == 130 and "interrupted" in child.stderr, child.stderr
    assert copies_in(tmp) == []


def test_a_killed_merge_leaves_a_copy_that_the_next_merge_removes(tmp_path, tmp, other):
    script = patched_main("""
        import signal
        from mlsquiz.store import merge
        merge.merge_collection = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
    """)
    child = subprocess.run([sys.executable, "-c", script, "--db", tmp_path / "c.db", "import", other],
                           capture_output=True, text=True, timeout=30, env={**os.environ, "TMPDIR": str(tmp)})
    assert child.returncode == -9, child.stderr
    assert copies_in(tmp)
    done = mlsquiz("--db", tmp_path / "c.db", "import", other, tmp=tmp)
    assert done.returncode == 0, done.stderr
    assert copies_in(tmp) == []
