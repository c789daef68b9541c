"""Bad Anki packages: one line on stderr, exit 1, and the collection exactly as it was."""

import sqlite3
import zipfile

import pytest

from mlsquiz.anki.package import import_zstd
from anki_fixtures import export, open_anki
from conftest import MINI_DECK


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("anki")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(folder))
        col = open_anki(folder / "anki")
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = "question", "answer"
        col.add_note(note, col.decks.id("Deck"))
        made = {form: export(col, folder / f"{form}.apkg", legacy=form == "legacy") for form in ("modern", "legacy")}
        col.close()
    return made


def snapshot(db_path):
    conn = sqlite3.connect(db_path)
    try:
        return [conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in ("decks", "cards", "card_state", "reviews", "config")]
    finally:
        conn.close()


def rewrite(source, target, change):
    """A copy of a package with its members passed through `change(name, data) -> data | None (drop)`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info.filename, data)
    return target


def changed_collection(tmp_path, data, statement):
    path = tmp_path / "col.sqlite"
    path.write_bytes(data)
    conn = sqlite3.connect(path)
    conn.execute(statement)
    conn.commit()
    conn.close()
    return path.read_bytes()


def bad_packages(tmp_path, packages):
    zstd = import_zstd()
    modern, legacy = packages["modern"], packages["legacy"]
    (tmp_path / "random.apkg").write_bytes(b"\x00\xffnot a zip at all" * 10)
    (tmp_path / "truncated-zip.apkg").write_bytes(legacy.read_bytes()[:300])
    bomb = tmp_path / "bomb.apkg"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("collection.anki21", "w", force_zip64=True) as member:
            for _ in range(96):
                member.write(bytes(1024 * 1024))
    return {
        "random.apkg": ("not an Anki package (not a zip file)", tmp_path / "random.apkg"),
        "truncated zip": ("damaged", tmp_path / "truncated-zip.apkg"),
        "no collection": ("not an Anki package (no collection inside)",
                          rewrite(legacy, tmp_path / "empty.apkg", lambda n, d: None if n.startswith("coll") else d)),
        "only the dummy": ("placeholder collection", rewrite(
            modern, tmp_path / "dummy.apkg", lambda n, d: None if n in ("collection.anki21b", "meta") else d)),
        "modern without its collection": ("without its collection", rewrite(
            modern, tmp_path / "nob.apkg", lambda n, d: None if n == "collection.anki21b" else d)),
        "truncated collection": ("damaged collection", rewrite(
            legacy, tmp_path / "cut.apkg", lambda n, d: d[:len(d) // 3] if n == "collection.anki21" else d)),
        "truncated zstd": ("damaged package", rewrite(
            modern, tmp_path / "cutz.apkg", lambda n, d: d[:len(d) // 2] if n == "collection.anki21b" else d)),
        "garbled zstd": ("damaged package", rewrite(
            modern, tmp_path / "garbled.apkg",
            lambda n, d: d[:8] + bytes(b ^ 0x5A for b in d[8:]) if n == "collection.anki21b" else d)),
        "not sqlite inside": ("not an SQLite database", rewrite(
            legacy, tmp_path / "text.apkg", lambda n, d: b"hello" * 100 if n == "collection.anki21" else d)),
        "zip bomb": ("zip bomb", bomb),
        "zstd bomb": ("unpacks to more than", rewrite(
            modern, tmp_path / "zbomb.apkg",
            lambda n, d: zstd.compress(bytes(96 * 1024 * 1024)) if n == "collection.anki21b" else d)),
        "dot-dot path": ("unsafe path", rewrite(
            legacy, tmp_path / "dots.apkg", lambda n, d: d)),
        "newer schema": ("newer schema (19)", rewrite(
            legacy, tmp_path / "newer.apkg",
            lambda n, d: changed_collection(tmp_path, d, "UPDATE col SET ver = 19") if n == "collection.anki21"
            else d)),
        "no col row": ("unexpected collection contents", rewrite(
            legacy, tmp_path / "nocol.apkg",
            lambda n, d: changed_collection(tmp_path, d, "DELETE FROM col") if n == "collection.anki21" else d)),
        "no notes table": ("damaged collection", rewrite(
            legacy, tmp_path / "nonotes.apkg",
            lambda n, d: changed_collection(tmp_path, d, "DROP TABLE notes") if n == "collection.anki21" else d)),
        "newer package format": ("newer Anki (package format 4", rewrite(
            modern, tmp_path / "meta4.apkg", lambda n, d: b"\x08\x04" if n == "meta" else d)),
    }


def test_every_bad_package_is_one_line_and_changes_nothing(cli, tmp_path, db_path, packages):
    assert cli("import", MINI_DECK).code == 0
    cases = bad_packages(tmp_path, packages)
    with zipfile.ZipFile(cases["dot-dot path"][1], "a") as archive:
        archive.writestr("../../evil.txt", b"x")
    before = snapshot(db_path)
    for name, (expected, path) in cases.items():
        result = cli("import", path)
        assert result.code == 1, (name, result)
        assert expected in result.err and result.err.count("\n") == 1, (name, result.err)
        assert "Traceback" not in result.err
    assert snapshot(db_path) == before


def test_to_toml_and_with_progress_need_an_anki_package(cli, tmp_path):
    result = cli("import", MINI_DECK, "--to-toml", tmp_path / "x.toml")
    assert result.code == 2 and "go with an Anki package" in result.err


def test_log_rows_holding_text_are_skipped_and_counted(cli, tmp_path, db_path, packages):
    """A hand-made or damaged log (SQLite keeps text in an integer column): the rows that cannot be read are
    left out and counted in the summary; the rest comes in."""
    rows = ("INSERT INTO revlog VALUES (1767268800000, (SELECT id FROM cards), -1, 3, 1, 0, 2500, 'slow', 1), "
            "(1767268860000, 'a card', -1, 3, 1, 0, 2500, 8000, 1), (1767268920000, (SELECT id FROM cards), -1, "
            "'Good', 1, 0, 2500, 8000, 1), (1767355200000, (SELECT id FROM cards), -1, 3, 1, 0, 2500, 8000, 1)")
    odd = rewrite(packages["legacy"], tmp_path / "odd.apkg", lambda n, d: changed_collection(tmp_path, d, rows)
                  if n == "collection.anki21" else d)
    result = cli("import", odd, "--with-progress")
    assert result.code == 0 and "Traceback" not in result.err, result
    assert "1 reviews merged" in result.out and "1 log rows whose time is not a whole number" in result.out
    assert "1 log rows of cards not in the package" in result.out and "1 log rows without an answer" in result.out


@pytest.mark.parametrize("ordinal", ["'first'", "-1", "7"])
def test_a_card_whose_template_number_fits_no_template_is_skipped(cli, tmp_path, db_path, packages, ordinal):
    """Text, a negative number or one past the note type's templates: no template shows that card (a
    negative ordinal once picked the last template)."""
    odd = rewrite(packages["legacy"], tmp_path / "ord.apkg", lambda n, d: changed_collection(
        tmp_path, d, f"UPDATE cards SET ord = {ordinal}") if n == "collection.anki21" else d)
    result = cli("import", odd)
    assert result.code == 0 and "Traceback" not in result.err, result
    assert "0 cards added" in result.out and "skipped: 1 cards without a template" in result.out
