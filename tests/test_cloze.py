"""The cloze card type: deck files, the quiz's question and check, and the round trip mlsquiz -> Anki -> mlsquiz."""

import sqlite3

import pytest

from anki_fixtures import anki  # noqa: F401  (a fixture)
from anki_fixtures import answer, export, import_package, last_log_id, retime_answers
from mlsquiz.study import answers
from mlsquiz.deckfile.cloze import cloze_answers, cloze_numbers, cloze_question
from mlsquiz.deckfile.model import answer_text
from mlsquiz.deckfile.reading import parse_deck

CLOZE_DECK = """
[deck]
id = "geo"
name = "Geography"

[[cards]]
id = "capital"
type = "cloze"
section = "europe"
tags = ["capitals"]
prompt = "{{c1::Madrid}} is the capital of {{c2::Spain::country}}; {{c1::Paris}} of France."
explanation = "Both since the Middle Ages."
"""


def test_cloze_syntax_hides_one_deletion_and_shows_the_others():
    text = "{{c1::Madrid}} is the capital of {{c2::Spain::country}}"
    assert cloze_numbers(text) == [1, 2]
    assert cloze_question(text, 1) == "[...] is the capital of Spain"
    assert cloze_question(text, 2) == "Madrid is the capital of [country]"
    assert cloze_answers(text, 2) == ["Spain"]


def test_a_cloze_entry_is_one_card_per_deletion():
    deck = parse_deck(CLOZE_DECK.encode(), "geo.toml")
    assert [card.id for card in deck.cards] == ["capital.c1", "capital.c2"]
    first = deck.cards[0]
    assert answer_text(first.type, first.content) == "Madrid; Paris"
    assert answers.cloze_shown(first.content) == "[...] is the capital of Spain; [...] of France."
    assert answers.cloze_is_right("madrid, paris", first.content)
    assert not answers.cloze_is_right("Madrid", first.content)


def test_a_cloze_prompt_without_a_deletion_is_refused(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(CLOZE_DECK.replace("{{c1::Madrid}}", "Madrid").replace("{{c2::Spain::country}}", "Spain")
                   .replace("{{c1::Paris}}", "Paris"))
    result = cli("check", bad)
    assert result.code == 1 and "a cloze prompt needs a deletion" in result.err


def test_cloze_cards_round_trip_through_anki(cli, anki, tmp_path, db_path, local_zone):
    local_zone("UTC")
    deck = tmp_path / "geo.toml"
    deck.write_text(CLOZE_DECK)
    assert cli("import", deck).code == 0
    package = tmp_path / "geo.apkg"
    assert cli("export", "--deck", "geo", "-o", package).code == 0
    import_package(anki, package)
    note = anki.get_note(anki.find_notes("")[0])
    assert note.note_type()["type"] == 1 and len(note.cards()) == 2  # Anki's Cloze kind, one card per deletion
    before = last_log_id(anki)
    answer(anki, "Geography", ["GOOD", "AGAIN"])
    retime_answers(anki, before, "2026-03-03 10:00", step_minutes=60 * 24)  # one a day: two reviews
    back = export(anki, tmp_path / "back.apkg", legacy=False)
    result = cli("--now", "2026-03-05 09:00", "import", back)
    assert result.code == 0 and "1 from mlsquiz" in result.out and "2 reviews merged" in result.out, result.out
    conn = sqlite3.connect(db_path)
    rows = conn.execute("""SELECT c.card_id, r.grade, r.study_day FROM reviews r JOIN cards c ON c.id = r.card
                           WHERE c.deck = 'geo' ORDER BY r.reviewed_at""").fetchall()
    assert sorted(card for card, *_ in rows) == ["capital.c1", "capital.c2"]
    assert [(grade, day) for _, grade, day in rows] == [(4, "2026-03-03"), (2, "2026-03-04")]


@pytest.mark.parametrize("typed, right", [("spain", True), ("France", False)])
def test_the_quiz_shows_the_gap_and_checks_the_typed_answer(typed, right):
    import random

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from mlsquiz.study.quiz import Prompter, present

    spec = parse_deck(CLOZE_DECK.encode(), "geo.toml").cards[1]
    card = {"id": 1, "card_id": spec.id, "type": spec.type, "prompt": spec.prompt, "content": spec.content,
            "section": spec.section}
    printed = []
    with create_pipe_input() as pipe:
        pipe.send_text(typed + "\r")
        prompter = Prompter(input=pipe, output=DummyOutput(), write=printed.append, rng=random.Random(1), width=80,
                            colour=False)
        assert present(card, prompter) is right
    shown = "\n".join(printed)
    assert "Madrid is the capital of [country]; Paris of France." in shown and "{{" not in shown
    assert "Answer: Spain" in shown
