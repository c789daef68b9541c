"""Bad input anywhere is one clear line and a non-zero exit, never a traceback, and nothing half-written."""

import shutil
import sqlite3
import subprocess

import pytest

from conftest import venv_bin
from test_anki_import_bad_input import packages  # noqa: F401  (a fixture)


def _read_only_mount_works(folder) -> bool:
    try:
        return subprocess.run(["unshare", "--mount", "--map-root-user", "sh", "-c",
                               f"mount -t tmpfs -o ro tmpfs '{folder}'"], capture_output=True).returncode == 0
    except OSError:
        return False


def test_creating_a_collection_on_a_read_only_file_system_is_one_line(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    if not _read_only_mount_works(folder):
        pytest.skip("no user and mount namespaces here to mount a read-only file system")
    # The installed mlsquiz, in a mount namespace of its own where the folder is a read-only file system.
    run = subprocess.run(["unshare", "--mount", "--map-root-user", "sh", "-c",
                          f"mount -t tmpfs -o ro tmpfs '{folder}' && exec '{venv_bin('mlsquiz')}' "
                          f"--db '{folder}/collection.db' due"], capture_output=True, text=True)
    assert run.returncode == 1, run
    assert run.stderr == f"mlsquiz: {folder}/collection.db: cannot create the collection (Read-only file system)\n"


def test_to_toml_from_a_package_whose_name_holds_control_characters_passes_check(cli, tmp_path, packages):
    package = tmp_path / "deck\x1b[31m\rname\x7f.apkg"
    shutil.copy(packages["legacy"], package)
    target = tmp_path / "deck.toml"
    assert cli("import", package, "--to-toml", target).code == 0
    checked = cli("check", target)
    assert checked.code == 0 and "Traceback" not in checked.err, checked
    assert "deck\\x1b[31m\\x0dname\\x7f.apkg" in target.read_text()


def test_a_cloze_number_past_2_to_the_63_in_a_collection_exports_without_a_traceback(cli, tmp_path, db_path):
    """An older mlsquiz imported any deletion number; such a card must not break `export`."""
    deck = tmp_path / "big.toml"
    deck.write_text('[deck]\nid = "big"\nname = "Big"\n\n[[cards]]\nid = "k"\ntype = "cloze"\nsection = "one"\n'
                    'prompt = "{{c1::Madrid}} is in {{c2::Spain}}"\nexplanation = "e"\n')
    assert cli("import", deck).code == 0
    huge = str(2**63)
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE cards SET prompt = replace(prompt, '{{c2::', ?), content = replace(content, '{{c2::', ?) "
                     "WHERE deck = 'big'", (f"{{{{c{huge}::",) * 2)
        conn.execute("UPDATE cards SET card_id = ? WHERE card_id = 'k.c2'", (f"k.c{huge}",))
    conn.close()
    for extra in ([], ["--with-progress"]):
        result = cli("export", "--deck", "big", "-o", tmp_path / f"big{len(extra)}.apkg", *extra)
        assert "Traceback" not in result.err, result
        assert result.code == 0 or result.err.count("\n") == 1, result


def test_export_counts_a_cloze_entry_with_three_deletions_as_one_note_of_three_cards(cli, tmp_path):
    deck = tmp_path / "geo.toml"
    deck.write_text('[deck]\nid = "geo"\nname = "Geography"\n\n[[cards]]\nid = "capitals"\ntype = "cloze"\n'
                    'section = "europe"\nprompt = "{{c1::Madrid}}, {{c2::Paris}} and {{c3::Rome}}"\n'
                    'explanation = "Capitals."\n')
    assert cli("import", deck).code == 0
    target = tmp_path / "geo.apkg"
    result = cli("export", "--deck", "geo", "-o", target)
    assert result.code == 0, result
    assert result.out.strip() == f"{target}: 1 note, 3 cards"


def test_a_full_temporary_folder_is_reported_as_a_full_disk_not_a_damaged_collection(tmp_path, mini_collection):
    """The merge copies the other collection into $TMPDIR first: a full one is no fault of that collection."""
    folder = tmp_path / "small-tmp"
    folder.mkdir()
    if not _read_only_mount_works(folder):
        pytest.skip("no user and mount namespaces here to mount a small file system")
    other = tmp_path / "other.db"
    shutil.copy(mini_collection, other)
    conn = sqlite3.connect(other)  # some bulk, so that the copy cannot fit in 64 KiB
    with conn:
        conn.execute("CREATE TABLE padding (x BLOB)")
        conn.executemany("INSERT INTO padding VALUES (randomblob(4096))", [()] * 64)
    conn.close()
    run = subprocess.run(["unshare", "--mount", "--map-root-user", "sh", "-c",
                          f"mount -t tmpfs -o size=64k tmpfs '{folder}' && TMPDIR='{folder}' exec "
                          f"'{venv_bin('mlsquiz')}' --db '{mini_collection}' import '{other}'"],
                         capture_output=True, text=True)
    assert run.returncode == 1, run
    assert "not enough space in the temporary folder" in run.stderr and "damaged" not in run.stderr, run.stderr
    assert run.stderr.count("\n") == 1
