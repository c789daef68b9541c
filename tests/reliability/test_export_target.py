"""`export -o` never destroys what is at the target: the collection and its files, links, devices, FIFOs,
folders, read-only files and files that are not Anki packages are refused (the last two unless --force).

Every target is made by the test inside tmp_path: nothing on the machine (such as /dev/null) is touched."""

import os
import sqlite3
import stat
import zipfile

import pytest

from conftest import MINI_DECK


@pytest.fixture
def collection(cli, db_path):
    assert cli("import", MINI_DECK).code == 0
    return db_path


def refused(result, *words):
    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    for word in words:
        assert word in result.err, result.err


def reviews_intact(db):
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone() == ("ok",) and \
            conn.execute("SELECT count(*) FROM cards").fetchone()[0] > 0
    finally:
        conn.close()


def test_the_collection_and_its_companion_files_are_never_a_target(cli, collection, tmp_path):
    before = collection.read_bytes()
    backup = tmp_path / "collection.db.schema4.bak"
    backup.write_bytes(before)
    os.link(collection, tmp_path / "hard-link.db")
    os.symlink(collection, tmp_path / "alias.apkg")
    targets = [collection, tmp_path / "collection.db-wal", tmp_path / "collection.db-shm", backup,
               tmp_path / "sub" / ".." / "collection.db", tmp_path / "hard-link.db", tmp_path / "alias.apkg"]
    (tmp_path / "sub").mkdir()
    for target in targets:
        for force in ([], ["--force"]):
            result = cli("export", "--deck", "mini", "-o", target, *force)
            refused(result)
            assert "collection" in result.err or "symbolic link" in result.err
    assert collection.read_bytes() == before and reviews_intact(collection)
    assert backup.read_bytes() == before
    assert os.path.islink(tmp_path / "alias.apkg")


def test_links_fifos_and_folders_are_refused_even_with_force(cli, collection, tmp_path):
    (tmp_path / "notes.txt").write_text("my notes")
    os.symlink(tmp_path / "notes.txt", tmp_path / "link.apkg")
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling.apkg")
    os.mkfifo(tmp_path / "pipe.apkg")
    (tmp_path / "folder.apkg").mkdir()
    cases = {"link.apkg": "symbolic link", "dangling.apkg": "symbolic link", "pipe.apkg": "not a regular file",
             "folder.apkg": "is a folder"}
    for name, words in cases.items():
        for force in ([], ["--force"]):
            refused(cli("export", "--deck", "mini", "-o", tmp_path / name, *force), words)
    assert os.readlink(tmp_path / "link.apkg") == str(tmp_path / "notes.txt")
    assert (tmp_path / "notes.txt").read_text() == "my notes"
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe.apkg").st_mode)
    assert not any(p.name.startswith(".mlsquiz-export") for p in tmp_path.iterdir())


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a device node needs root")
def test_a_device_node_is_refused(cli, collection, tmp_path):
    device = tmp_path / "null.apkg"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # our own /dev/null, inside tmp_path
    for force in ([], ["--force"]):
        refused(cli("export", "--deck", "mini", "-o", device, *force), "not a regular file")
    assert stat.S_ISCHR(os.lstat(device).st_mode) and os.lstat(device).st_rdev == os.makedev(1, 3)


def test_a_file_that_is_not_a_package_needs_force(cli, collection, tmp_path):
    notes = tmp_path / "notes.apkg"
    notes.write_text("not a package")
    refused(cli("export", "--deck", "mini", "-o", notes), "not an Anki package", "--force")
    assert notes.read_text() == "not a package"
    other_zip = tmp_path / "photos.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("cat.jpg", b"jpeg")
    refused(cli("export", "--deck", "mini", "-o", other_zip), "not an Anki package")
    result = cli("export", "--deck", "mini", "-o", notes, "--force")
    assert result.code == 0, result.err
    assert "replaced" in result.out and zipfile.is_zipfile(notes)


def test_a_read_only_file_needs_force(cli, collection, tmp_path):
    target = tmp_path / "old.apkg"
    assert cli("export", "--deck", "mini", "-o", target).code == 0
    os.chmod(target, 0o444)
    before = target.read_bytes()
    refused(cli("export", "--deck", "mini", "-o", target, "--now", "2026-03-05 09:00"), "read-only")
    assert target.read_bytes() == before
    assert cli("export", "--deck", "mini", "-o", target, "--force", "--now", "2026-03-05 09:00").code == 0


def test_an_earlier_package_is_replaced_and_the_output_says_so(cli, collection, tmp_path):
    target = tmp_path / "mini.apkg"
    first = cli("export", "--deck", "mini", "-o", target)
    assert first.code == 0 and "replaced" not in first.out
    for member in ("collection.anki21", "collection.anki21b"):  # packages newer Anki versions write
        with zipfile.ZipFile(target, "w") as archive:
            archive.writestr(member, b"x")
        again = cli("export", "--deck", "mini", "-o", target)
        assert again.code == 0 and "replaced" in again.out, again.err
        with zipfile.ZipFile(target) as archive:
            assert "collection.anki2" in archive.namelist()


def test_the_default_name_is_checked_too(cli, collection, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mini.apkg").write_text("a note that happens to have this name")
    refused(cli("export", "--deck", "mini"), "not an Anki package")
    assert (tmp_path / "mini.apkg").read_text() == "a note that happens to have this name"


def test_a_package_named_after_a_collection_without_extension_is_fine(cli, tmp_path):
    study = tmp_path / "study"
    assert cli("--db", study, "import", MINI_DECK).code == 0
    result = cli("--db", study, "export", "--deck", "mini", "-o", tmp_path / "study.apkg")
    assert result.code == 0, result.err
    refused(cli("--db", study, "export", "--deck", "mini", "-o", tmp_path / "study.schema3.2.bak"), "collection")


def test_a_file_system_without_hard_links_still_gets_the_package(cli, collection, tmp_path, monkeypatch):
    import errno

    def no_links(*args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")  # as on FAT or some network drives

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "usb.apkg"
    assert cli("export", "--deck", "mini", "-o", target).code == 0
    assert zipfile.is_zipfile(target)
    assert not any(p.name.startswith(".mlsquiz-export") for p in tmp_path.iterdir())
