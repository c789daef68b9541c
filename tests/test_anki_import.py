"""`mlsquiz import FILE.apkg`: packages made by the real `anki` package, in the modern and legacy forms."""

import sqlite3

import pytest

from anki_fixtures import anki  # noqa: F401  (a fixture)
from anki_fixtures import answer, export, import_package, last_log_id, retime_answers
from conftest import MINI_DECK
from history import History
from recount import recount_mismatches


def reviews(db_path, deck="mini"):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(
            """SELECT c.card_id, r.reviewed_at, r.study_day, r.grade, r.kind, r.uid FROM reviews r
               JOIN cards c ON c.id = r.card WHERE c.deck = ? ORDER BY c.card_id, r.reviewed_at""", (deck,)
        ).fetchall()
    finally:
        conn.close()


def states(db_path, deck="mini"):
    conn = sqlite3.connect(db_path)
    try:
        return {row[0]: row[1:] for row in conn.execute(
            """SELECT c.card_id, s.repetitions, round(s.ease, 2), s.interval, s.due, s.lapses FROM card_state s
               JOIN cards c ON c.id = s.card WHERE c.deck = ?""", (deck,))}
    finally:
        conn.close()


@pytest.fixture(params=["sm2", "fsrs"])
def round_trip(request, cli, anki, tmp_path, db_path, local_zone):
    """mini deck studied in mlsquiz, exported with progress, studied further in Anki (answers moved to fixed
    moments) under its SM-2 or its FSRS scheduler, exported by Anki in both forms."""
    local_zone("UTC")
    anki.set_config("fsrs", request.param == "fsrs")
    assert cli("import", MINI_DECK).code == 0
    history = History(db_path)
    history.answer("b1", 4, "2026-03-01 09:00")
    history.answer("c1", 5, "2026-03-01 09:05")
    history.close()
    ours = tmp_path / "mini.apkg"
    assert cli("--now", "2026-03-02 09:00", "export", "--deck", "mini", "--with-progress", "-o", ours).code == 0
    import_package(anki, ours)
    before = last_log_id(anki)
    answered = answer(anki, "Mini deck", ["AGAIN", "GOOD", "GOOD", "EASY", "GOOD", "HARD"])
    # Anki's FSRS keeps a memory state on each answered card; its SM-2 does not
    assert (anki.get_card(answered[0]).memory_state is not None) == (request.param == "fsrs")
    moments = retime_answers(anki, before, "2026-03-10 10:00")
    packages = {form: export(anki, tmp_path / f"{form}.apkg", legacy=form == "legacy") for form in ("modern", "legacy")}
    return packages, answered, moments


@pytest.mark.parametrize("form", ["modern", "legacy"])
def test_own_notes_come_home_with_their_anki_reviews_merged(cli, db_path, round_trip, form):
    packages, answered, moments = round_trip
    before = reviews(db_path)
    result = cli("--now", "2026-03-10 12:00", "import", packages[form])
    assert result.code == 0, result.err
    assert "6 reviews merged" in result.out and "2 already known" in result.out
    assert recount_mismatches(sqlite3.connect(db_path)) == []  # day tables brought up to date in aggregate
    after = reviews(db_path)
    assert set(before) <= set(after) and len(after) == len(before) + 6  # mlsquiz's own two are not doubled
    assert {uid for *_, uid in after if uid.startswith("anki-")} == {f"anki-{m}" for m in moments}
    assert all(day == "2026-03-10" for _, _, day, _, _, uid in after if uid.startswith("anki-"))


def schema(db_path) -> list:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        conn.close()


@pytest.fixture(params=["by row", "in bulk"])
def bulk_path(request, monkeypatch, cli, db_path):
    """An import as small imports write it (triggers keep the counts by row), or as large ones do (the counts
    recounted and the card_state indexes rebuilt once, after the cards are added and their states replayed).
    The collection is made first, the usual way."""
    from mlsquiz.store import bulk

    assert cli("decks").code == 0
    if request.param == "in bulk":
        monkeypatch.setattr(bulk, "BULK_CHANGES", 0)
    return request.param


def test_states_are_replayed_from_the_merged_history(cli, db_path, round_trip, bulk_path):
    packages, _, _ = round_trip
    tables = schema(db_path)
    assert cli("--now", "2026-03-10 12:00", "import", packages["modern"]).code == 0
    assert recount_mismatches(sqlite3.connect(db_path)) == [] and schema(db_path) == tables
    log = {(card, grade, kind) for card, _, _, grade, kind, _ in reviews(db_path)}
    # m1: Again (grade 2) then Hard the same study day: one review and one re-drill, as in an mlsquiz session.
    assert {("m1", 2, "review"), ("m1", 3, "drill")} <= log
    assert states(db_path) == {
        "b1": (2, 2.6, 6, "2026-03-16", 0),  # Good in mlsquiz on 03-01, Easy in Anki on 03-10: second success
        "c1": (2, 2.6, 6, "2026-03-16", 0),  # Perfect in mlsquiz, Good in Anki
        "m1": (0, 2.18, 1, "2026-03-11", 1),  # lapsed; the Hard re-drill does not change the schedule
        "o1": (1, 2.5, 1, "2026-03-11", 0),
        "t1": (1, 2.5, 1, "2026-03-11", 0),
    }


def test_reimporting_or_importing_an_older_package_changes_nothing(cli, db_path, round_trip, tmp_path):
    packages, _, _ = round_trip
    assert cli("--now", "2026-03-10 12:00", "import", packages["modern"]).code == 0
    merged, settled = reviews(db_path), states(db_path)
    for package in (packages["modern"], packages["legacy"], tmp_path / "mini.apkg"):  # the last is older
        result = cli("--now", "2026-03-10 12:00", "import", package)
        assert result.code == 0 and "0 reviews merged" in result.out
    assert reviews(db_path) == merged and states(db_path) == settled


def cards_json(cli, deck):
    import json

    result = cli("cards", "--deck", deck, "--json")
    assert result.code == 0, result.err
    return {card["id"]: card for card in json.loads(result.out)}


@pytest.fixture
def spanish(anki, tmp_path):
    from anki_fixtures import foreign_collection

    notes = foreign_collection(anki)
    before = last_log_id(anki)
    answer(anki, "Spanish", ["GOOD", "GOOD", "AGAIN"])
    retime_answers(anki, before, "2026-03-01 10:00")
    return {form: export(anki, tmp_path / f"spanish-{form}.apkg", legacy=form == "legacy")
            for form in ("modern", "legacy")}, notes


@pytest.mark.parametrize("form", ["modern", "legacy"])
def test_a_foreign_deck_becomes_an_mlsquiz_deck(cli, spanish, form, local_zone):
    local_zone("UTC")
    packages, _ = spanish
    result = cli("import", packages[form])
    assert result.code == 0, result.err
    assert "6 notes read (0 from mlsquiz, 6 from other decks); 7 cards added" in result.out
    assert "1 cards with an empty question" in result.out and "2 reviews of other decks' cards" in result.out
    assert "1 reviews of cards not imported" in result.out  # Anki's answer to the note with an empty question
    cards = cards_json(cli, "anki-spanish")
    by_prompt = {card["prompt"]: card for card in cards.values()}
    basic = by_prompt["hablar & co <x>"]
    assert basic["type"] == "basic" and basic["section"] == "verbs" and set(basic["tags"]) == {"verb", "chapter::1"}
    assert basic["answer"] == "to speak\n[sound hablar.mp3: not played][image mouth.png: not shown]"
    assert by_prompt["el gato"]["answer"] == "the cat" and by_prompt["the cat"]["answer"] == "el gato"
    assert by_prompt["uno + uno"]["type"] == "typed" and by_prompt["uno + uno"]["answer"] == "dos"
    assert by_prompt["la casa"]["answer"] == "the house\nMi casa es tu casa"
    clozes = sorted((c["id"][-3:], c["answer"]) for c in cards.values() if c["type"] == "cloze")
    assert clozes == [(".c1", "Madrid"), (".c2", "Spain")]
    assert all(card["state"] == "new" for card in cards.values())  # without --with-progress


def test_with_progress_brings_the_anki_history_of_foreign_cards(cli, spanish, db_path, local_zone, bulk_path):
    local_zone("UTC")
    packages, _ = spanish
    tables = schema(db_path)
    result = cli("--now", "2026-03-02 09:00", "import", packages["modern"], "--with-progress")
    assert result.code == 0 and "2 reviews merged" in result.out, result.out + result.err
    log = reviews(db_path, "anki-spanish")
    assert len(log) == 2 and all(day == "2026-03-01" for _, _, day, *_ in log)
    assert recount_mismatches(sqlite3.connect(db_path)) == [] and schema(db_path) == tables
    studied = [card for card in cards_json(cli, "anki-spanish").values() if card["state"] != "new"]
    assert sorted(card["type"] for card in studied) == ["cloze", "typed"]


def test_the_deck_built_in_a_second_process_is_the_deck_built_here(cli, spanish, tmp_path, local_zone,
                                                                     monkeypatch):
    """The import builds its decks in a forked child while it replays the log; without the child (or where
    there is none) the collection must end the same, byte for byte in every table."""
    import sys

    from mlsquiz.runtime import forked

    local_zone("UTC")
    packages, _ = spanish
    children = []
    start = forked._start
    monkeypatch.setattr(forked, "_start", lambda pending: (children.append(pending.work), start(pending)))
    results = []
    for enabled in (True, False):
        monkeypatch.setattr(forked, "ENABLED", enabled)
        db = tmp_path / f"forked-{enabled}.db"
        result = cli("--db", db, "--now", "2026-03-02 09:00", "import", packages["modern"], "--with-progress")
        assert result.code == 0, result.err
        conn = sqlite3.connect(db)
        results.append({table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in (
            "cards", "card_state", "reviews", "study_days", "section_days", "card_counts")})
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []  # written without the lookup per row
        conn.close()
    assert results[0] == results[1]
    assert len(children) == (1 if sys.platform == "linux" else 0)  # the child really ran, once


def test_to_toml_writes_a_deck_file_that_imports_to_the_same_cards(cli, spanish, tmp_path, db_path):
    packages, _ = spanish
    target = tmp_path / "spanish.toml"
    result = cli("import", packages["modern"], "--to-toml", target)
    assert result.code == 0, result.err
    assert not sqlite3.connect(db_path).execute("SELECT 1 FROM decks WHERE id = 'anki-spanish'").fetchall()
    assert cli("check", target).code == 0
    assert cli("import", target).code == 0
    from_file = cards_json(cli, "anki-spanish")
    other = tmp_path / "other.db"
    assert cli("--db", other, "import", packages["modern"]).code == 0
    assert cards_json(lambda *a: cli("--db", other, *a), "anki-spanish") == from_file


def test_a_collection_package_is_read_too(cli, anki, tmp_path):
    from anki_fixtures import foreign_collection

    foreign_collection(anki)
    for legacy in (False, True):
        package = tmp_path / f"whole-{legacy}.colpkg"
        anki.export_collection_package(str(package), include_media=True, legacy=legacy)
        anki.reopen()  # Anki closes the collection to write the whole of it
        result = cli("--db", tmp_path / f"c{legacy}.db", "import", package)
        assert result.code == 0 and "7 cards added" in result.out, result.out + result.err


def test_a_note_deleted_in_anki_retires_its_card_and_reimport_is_a_no_op(cli, anki, spanish, tmp_path):
    packages, notes = spanish
    assert cli("import", packages["modern"]).code == 0
    again = cli("import", packages["modern"])
    assert "0 cards added, 0 updated; 0 reviews merged" in again.out
    anki.remove_notes([notes["vocab"]])
    smaller = export(anki, tmp_path / "smaller.apkg", legacy=False)
    result = cli("import", smaller)
    assert result.code == 0 and "0 cards added, 0 updated, 1 retired" in result.out, result.out
    retired = [card for card in cards_json(cli, "anki-spanish").values() if card["state"] == "retired"]
    assert [card["prompt"] for card in retired] == ["la casa"]


def test_the_installed_command_imports_a_package_and_refuses_a_bad_one(spanish, tmp_path):
    import subprocess

    from conftest import venv_bin

    packages, _ = spanish
    db = tmp_path / "real.db"
    done = subprocess.run([venv_bin("mlsquiz"), "--db", str(db), "import", str(packages["legacy"]), "--with-progress"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "7 cards added" in done.stdout, done
    assert done.stderr == f"mlsquiz: created a new collection at {db}\n", done  # first use says so, nothing more
    # It ends without freeing the import's data (cli.console_main), but only once the collection is closed:
    # the write-ahead log is folded back and removed, as after any other command.
    assert not (tmp_path / "real.db-wal").exists() and not (tmp_path / "real.db-shm").exists()
    bad = tmp_path / "bad.colpkg"
    bad.write_bytes(b"PK\x03\x04" + bytes(100))
    done = subprocess.run([venv_bin("mlsquiz"), "--db", str(db), "import", str(bad)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "not a readable Anki package" in done.stderr
