"""Import mlsquiz's packages into a real Anki collection (the `anki` package) and check what Anki sees."""

import datetime

import pytest

from conftest import TESTS
from history import History

TRICKY = TESTS / "data" / "export.toml"


@pytest.fixture
def anki(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    from anki.collection import Collection

    col = Collection(str(tmp_path / "anki" / "collection.anki2")) if (tmp_path / "anki").mkdir() is None else None
    yield col
    col.close()


def import_into(col, path, scheduling=False):
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions(
        with_scheduling=scheduling, merge_notetypes=True))
    return col.import_anki_package(request).log


def notes_by_prompt(col):
    return {col.get_note(nid).fields[0]: col.get_note(nid) for nid in col.find_notes("")}


def test_anki_imports_notes_decks_types_and_escaped_text(cli, anki, tmp_path):
    cli("import", TRICKY)
    package = tmp_path / "tricky.apkg"
    assert cli("export", "--deck", "tricky", "-o", package).code == 0
    log = import_into(anki, package)
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (5, 0, 0)
    assert (anki.note_count(), anki.card_count()) == (5, 5)
    names = {d.name for d in anki.decks.all_names_and_ids()}
    assert {"Tricky <deck> & co::0. First part", "Tricky <deck> & co::2. Second part"} <= names
    notes = notes_by_prompt(anki)
    escaped = "Is &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt; shown literally?"
    assert escaped in notes
    assert notes[escaped].note_type()["name"] == "mlsquiz basic"
    assert notes[escaped].keys() == ["Prompt", "Answer", "Explanation", "Source"]
    typed = notes["Price?"]
    assert typed.note_type()["name"] == "mlsquiz typed" and typed["Answer"] == "40"
    question = anki.get_card(anki.find_cards(f"nid:{notes[escaped].id}")[0]).question()
    assert "<script>" not in question and "&lt;script&gt;" in question


def test_reexport_after_an_edit_updates_the_note_without_duplicates(cli, anki, tmp_path):
    cli("import", TRICKY)
    first = tmp_path / "first.apkg"
    cli("--now", "2026-03-02 09:00", "export", "--deck", "tricky", "-o", first)
    import_into(anki, first)
    edited = tmp_path / "edited.toml"
    edited.write_text(TRICKY.read_text().replace('prompt = "Price?"', 'prompt = "Price of the practice exam?"'))
    assert "1 updated" in cli("import", edited).out
    second = tmp_path / "second.apkg"
    cli("--now", "2026-03-02 09:00:01", "export", "--deck", "tricky", "-o", second)  # one second later is enough
    log = import_into(anki, second)
    assert len(log.new) == 0  # Anki reports every note with a newer mtime as updated; none is added
    assert "Price of the practice exam?" in {entry.fields[0] for entry in log.updated}
    assert anki.note_count() == 5
    prompts = set(notes_by_prompt(anki))
    assert "Price of the practice exam?" in prompts and "Price?" not in prompts
    again = tmp_path / "again.apkg"
    cli("--now", "2026-03-03 09:00", "export", "--deck", "tricky", "-o", again)
    log = import_into(anki, again)
    assert len(log.new) == 0 and anki.note_count() == 5 and anki.card_count() == 5


def test_progress_carries_intervals_ease_and_due_dates(cli, anki, tmp_path, local_zone):
    local_zone("UTC")
    cli("import", TRICKY)
    history = History(tmp_path / "collection.db", deck="tricky")
    history.answer("pick", 5, "2026-03-01 09:00")
    history.answer("pick", 4, "2026-03-02 09:00")  # interval 6, ease 2.6, due 03-08
    history.answer("both", 2, "2026-03-02 09:05")  # a lapse: interval 1, ease 2.18, due 03-03
    history.close()
    package = tmp_path / "progress.apkg"
    result = cli("--now", "2026-03-02 10:00", "export", "--deck", "tricky", "-o", package, "--with-progress")
    assert "2 with their schedule and 3 reviews" in result.out
    import_into(anki, package, scheduling=True)
    first_day = datetime.datetime.fromtimestamp(anki.crt, datetime.timezone.utc).date()
    expected = {"Pick 2 &lt; 3": (6, 2600, datetime.date(2026, 3, 8), 2, 0),
                "Even numbers?": (1, 2180, datetime.date(2026, 3, 3), 0, 1)}
    for prompt, (interval, factor, due, reps, lapses) in expected.items():
        note = notes_by_prompt(anki)[prompt]
        card = anki.get_card(anki.find_cards(f"nid:{note.id}")[0])
        assert (card.type, card.queue) == (2, 2)
        assert (card.ivl, card.factor, card.reps, card.lapses) == (interval, factor, reps, lapses)
        assert first_day + datetime.timedelta(days=card.due) == due
    assert anki.db.scalar("SELECT count(*) FROM revlog") == 3
    untouched = anki.get_card(anki.find_cards(f"nid:{notes_by_prompt(anki)['Price?'].id}")[0])
    assert untouched.type == 0


def test_control_characters_in_any_field_still_give_a_package_anki_imports(cli, anki, tmp_path):
    us = "\\u001f"  # Anki's field separator, written as a TOML escape
    deck = tmp_path / "separators.toml"
    deck.write_text(
        f'[deck]\nid = "sep"\nname = "Sep{us}deck"\ndescription = "d{us}\\u0007"\n'
        f'[[sections]]\nid = "s"\ntitle = "Sec{us}tion"\n'
        f'[[cards]]\nid = "b"\ntype = "basic"\nsection = "s"\ntags = ["t{us}ag"]\nprompt = "Pro{us}mpt\\u0000"\n'
        f'answer = "An{us}swer"\nexplanation = "Ex{us}plained\\u001b[31m"\nlink = "https://example.com/a"\n'
        f'[[cards]]\nid = "c"\ntype = "choice"\nsection = "s"\nprompt = "Pick{us}"\n'
        f'options = ["o{us}ne", "two"]\nanswer = "o{us}ne"\nexplanation = "E"\n'
        f'[[cards]]\nid = "o"\ntype = "order"\nsection = "s"\nprompt = "Order{us}"\n'
        f'items = ["a{us}", "b"]\nexplanation = "E{us}"\n'
    )
    assert cli("import", deck).code == 0
    package = tmp_path / "sep.apkg"
    assert cli("export", "--deck", "sep", "-o", package).code == 0
    log = import_into(anki, package)
    assert (len(log.new), len(log.updated)) == (3, 0)
    notes = notes_by_prompt(anki)
    assert set(notes) == {"Prompt", "Pick", "Order"}
    basic = notes["Prompt"]
    assert basic["Answer"] == "Answer" and basic["Explanation"] == "Explained[31m"
    assert '<a href="https://example.com/a">' in basic["Source"]
    assert sorted(basic.tags) == ["basic", "tag"]
    assert "Sepdeck::0. Section" in {d.name for d in anki.decks.all_names_and_ids()}


def test_only_web_links_become_links():
    from mlsquiz.anki.export import note_fields

    card = {"type": "basic", "card_id": "x", "prompt": "P",
            "content": {"answer": "A", "explanation": "E", "link": 'javascript:alert("x")'}}
    source = note_fields(card, "Section")[-1]
    assert "<a" not in source and "javascript:alert(&quot;x&quot;)" not in source and "javascript:" in source
    card["content"]["link"] = "https://example.com/page?a=1&b=2"
    assert note_fields(card, "Section")[-1] == ('Section - <a href="https://example.com/page?a=1&amp;b=2">'
                                                "https://example.com/page?a=1&amp;b=2</a>")
