"""Matching cards: pairs checked in the deck file, asked by letter in a real terminal (Backspace steps back),
exported to Anki as a numbered list, lettered answers and a table, written back by `--to-toml`."""

import re
import tomllib

import pytest
from anki_fixtures import anki  # noqa: F401  (a fixture)
from conftest import TESTS
from screen import BACKSPACE, Terminal
from test_export_anki import import_into, notes_by_prompt

from mlsquiz.deckfile.model import answer_text
from mlsquiz.deckfile.reading import parse_deck
from mlsquiz.errors import DeckError
from mlsquiz.study.answers import matching_is_right, matching_mistakes

CASES = TESTS / "data" / "cases.toml"
HEADER = '[deck]\nid = "d"\nname = "D"\n\n'
CARD = ('[[cards]]\nid = "m"\ntype = "matching"\nsection = "s"\nprompt = "Match"\nexplanation = "E"\n'
        'pairs = {pairs}\n')  # the pairs on line 11
PAIRS = [["S3", "stores objects"], ["EC2", "runs servers"], ["Lambda", "runs functions"]]
CONTENT = {"pairs": PAIRS}


def problems(pairs: str) -> list[str]:
    with pytest.raises(DeckError) as caught:
        parse_deck((HEADER + CARD.format(pairs=pairs)).encode(), "deck.toml")
    return caught.value.problems


def test_a_matching_card_is_read_with_its_pairs_and_answer():
    deck = parse_deck((HEADER + CARD.format(pairs=str(PAIRS).replace("'", '"'))).encode(), "deck.toml")
    card = deck.cards[0]
    assert (card.type, card.content["pairs"]) == ("matching", PAIRS)
    assert answer_text("matching", card.content) == "S3 → stores objects; EC2 → runs servers; Lambda → runs functions"


def test_fewer_than_three_pairs_is_an_error():
    assert problems('[["a", "1"], ["b", "2"]]') == ["deck.toml:11: card 'm': a matching card needs 3 to 10 pairs, has 2"]


def test_more_than_ten_pairs_is_an_error():
    pairs = "[" + ", ".join(f'["l{n}", "r{n}"]' for n in range(11)) + "]"
    assert problems(pairs) == ["deck.toml:11: card 'm': a matching card needs 3 to 10 pairs, has 11"]


def test_a_left_side_used_twice_is_an_error():
    assert problems('[["a", "1"], ["a", "2"], ["c", "3"]]') == ["deck.toml:11: card 'm': left sides repeat"]


def test_a_right_side_used_twice_is_an_error():
    assert problems('[["a", "1"], ["b", "1"], ["c", "3"]]') == ["deck.toml:11: card 'm': right sides repeat"]


@pytest.mark.parametrize("pairs", ['[["a", "1"], ["b"], ["c", "3"]]', '[["a", "1"], ["b", " "], ["c", "3"]]',
                                   '[["a", "1"], ["b", 2], ["c", "3"]]', '["a", "b", "c"]'])
def test_a_pair_that_is_not_two_pieces_of_text_is_an_error(pairs):
    message = "deck.toml:11: card 'm': 'pairs' must be a list of [left, right] pairs of non-empty strings"
    assert problems(pairs) == [message]


def test_a_matching_card_without_pairs_is_an_error():
    with pytest.raises(DeckError) as caught:
        parse_deck((HEADER + CARD.replace("pairs = {pairs}\n", "")).encode(), "deck.toml")
    assert caught.value.problems == ["deck.toml:5: card 'm': missing field 'pairs'"]


def test_the_answer_is_right_only_when_every_pair_is():
    assert matching_is_right(["stores objects", "runs servers", "runs functions"], CONTENT)
    swapped = ["stores objects", "runs functions", "runs servers"]
    assert not matching_is_right(swapped, CONTENT)
    assert matching_mistakes(swapped, CONTENT) == [("EC2", "runs functions", "runs servers"),
                                                   ("Lambda", "runs servers", "runs functions")]


# --- the quiz in a real terminal -------------------------------------------------------------------------------

def letters(screen: str) -> dict[str, str]:
    """The lettered right-hand items on screen: item -> its letter."""
    return {item.strip(): letter for letter, item in re.findall(r"^\s*(?:»\s*)?([a-j])\) (.+)$", screen, re.MULTILINE)}


def test_a_matching_card_answered_wrong_then_right_with_backspace(cli, db_path):
    assert cli("import", CASES).code == 0
    term = Terminal(db_path, "quiz", "--deck", "cases", columns=80, rows=40)
    screen = term.wait_for(r"\? 1\. Amazon Comprehend")
    assert "Match each service with what it does." in screen
    assert re.search(r"1\. Amazon Comprehend\s+2\. Amazon Rekognition\s+3\. Amazon Polly", screen)
    shown = letters(screen)
    assert set(shown) == {"finds entities in text", "labels images <img>", "turns text into speech"}
    term.send(shown["finds entities in text"])
    term.wait_for(r"\? 2\. Amazon Rekognition")
    term.send(shown["turns text into speech"].upper())  # a wrong match, in capitals
    term.wait_for(r"\? 3\. Amazon Polly")
    term.send(BACKSPACE)  # steps back to Rekognition, whose match is taken back
    screen = term.wait_for(r"took back: Amazon Rekognition → turns text into speech(.|\n)*\? 2\. Amazon Rek")
    assert letters(screen.split("took back")[-1]).keys() == {"labels images <img>", "turns text into speech"}
    term.send(BACKSPACE)  # and back again to the first
    term.wait_for(r"took back: Amazon Comprehend → finds entities in text(.|\n)*\? 1\. Amazon Comprehend")
    term.send(shown["labels images <img>"], shown["finds entities in text"], shown["turns text into speech"])
    screen = " ".join(term.wait_for(r"\? Grade").split())
    assert "✗ Not quite. Answer: Amazon Comprehend → finds entities in text; Amazon Rekognition → labels " \
           "images <img>; Amazon Polly → turns text into speech" in screen
    assert "- Amazon Comprehend → finds entities in text, not labels images <img>" in screen
    assert "- Amazon Rekognition → labels images <img>, not finds entities in text" in screen
    assert "Amazon Polly → turns text into speech, not" not in screen  # the right pair is not listed as wrong
    term.send("\r")  # grade 1, the default after a wrong answer: the card comes back as a re-drill
    term.wait_for("Choose one")
    term.send("Amazon Forecast", "\r")
    term.wait_for(r"\? Grade")
    term.send("4")
    term.wait_for("Your answer")
    term.send("weekly\r")
    term.wait_for(r"\? Grade")
    term.send("4")
    screen = term.wait_for(r"re-drill: this card comes back(.|\n)*\? 1\. Amazon Comprehend")
    shown = letters(screen)  # shuffled again
    term.send(shown["finds entities in text"], shown["labels images <img>"], shown["turns text into speech"])
    screen = term.wait_for(r"\? Grade")
    assert "✓ Right." in screen and ", not " not in screen
    term.send("5")
    term.wait_for("Session done")
    assert term.finish() == 0
    from test_quiz_screen import reviews

    assert reviews(db_path) == [("match-services", 1), ("shop-service", 4), ("shop-data", 4),
                                ("match-services", 5)]


# --- Anki export and --to-toml -------------------------------------------------------------------------------

def test_anki_shows_the_left_items_and_lettered_answers_on_the_front_and_the_pairs_on_the_back(cli, anki, tmp_path):
    cli("import", CASES)
    package = tmp_path / "cases.apkg"
    assert cli("export", "--deck", "cases", "-o", package).code == 0
    import_into(anki, package)
    note = notes_by_prompt(anki)["Match each service with what it does."]
    assert note.note_type()["name"] == "mlsquiz matching"
    assert note.keys() == ["Prompt", "Left", "Right", "Answer", "Explanation", "Source"]
    assert note["Left"] == "<ol><li>Amazon Comprehend</li><li>Amazon Rekognition</li><li>Amazon Polly</li></ol>"
    rights = re.findall(r"<li>(.*?)</li>", note["Right"])
    assert note["Right"].startswith('<ol type="a">')
    assert sorted(rights) == ["finds entities in text", "labels images &lt;img&gt;", "turns text into speech"]
    letter = {item: "abc"[n] for n, item in enumerate(rights)}
    assert note["Answer"] == "<table>" + "".join(
        f"<tr><td>{left}</td><td>{letter[right]}) {right}</td></tr>" for left, right in
        [("Amazon Comprehend", "finds entities in text"), ("Amazon Rekognition", "labels images &lt;img&gt;"),
         ("Amazon Polly", "turns text into speech")]) + "</table>"
    card = anki.get_card(anki.find_cards(f"nid:{note.id}")[0])
    front, back = card.question(), card.answer()
    assert "Amazon Polly" in front and "turns text into speech" in front and "<table>" not in front
    assert "<img>" not in front + back and "<table>" in back
    again = tmp_path / "again.apkg"  # the lettering is the same on every export
    cli("--now", "2026-03-03 09:00", "export", "--deck", "cases", "-o", again)
    log = import_into(anki, again)
    assert len(log.new) == 0 and notes_by_prompt(anki)["Match each service with what it does."]["Right"] == \
        note["Right"]


def test_to_toml_writes_matching_pairs_and_cases_that_read_back_the_same():
    from mlsquiz.anki.toml_writer import deck_toml

    tables = tomllib.loads(CASES.read_text())
    original = parse_deck(CASES.read_bytes(), "cases.toml")
    written = deck_toml(tables, "a note")
    assert written.count("[[cases]]") == 1 and 'case = "shop"' in written
    assert parse_deck(written.encode(), "written.toml").cards == original.cards
    # a checked card's content holds its case itself: written once as [[cases]], the cards keep its id
    resolved = {**tables, "cases": [], "cards": [
        {"id": c.id, "type": c.type, "section": c.section, **c.content} for c in original.cards]}
    rewritten = deck_toml(resolved)
    assert rewritten.count("[[cases]]") == 1 and rewritten.count('case = "shop"') == 2
    assert parse_deck(rewritten.encode(), "rewritten.toml").cards == [
        card.__class__(**{**card.__dict__, "tags": ()}) for card in original.cards]
