import pytest

from conftest import MINI_DECK
from mlsquiz.deckfile.model import answer_text
from mlsquiz.deckfile.reading import load_deck, parse_deck
from mlsquiz.errors import DeckError

HEADER = '[deck]\nid = "d"\nname = "D"\n\n'
BASIC = '[[cards]]\nid = "{id}"\ntype = "basic"\nsection = "s"\nprompt = "P"\nanswer = "A"\nexplanation = "E"\n'


def problems(text: str) -> list[str]:
    with pytest.raises(DeckError) as caught:
        parse_deck(text.encode(), "deck.toml")
    return caught.value.problems


def test_mini_deck_loads_every_type():
    deck = load_deck(MINI_DECK)
    assert deck.id == "mini"
    assert [c.type for c in deck.cards] == ["basic", "choice", "multi", "order", "typed"]
    assert [s["id"] for s in deck.sections] == ["one", "two"]


def test_answer_text_per_type():
    cards = {c.id: c for c in load_deck(MINI_DECK).cards}
    assert answer_text("multi", cards["m1"].content) == "Deep Learning with Python; Neural Networks from Scratch"
    assert answer_text("order", cards["o1"].content) == "Python → Machine learning → AWS services"
    assert answer_text("typed", cards["t1"].content) == "40"


def test_syntax_error_reports_file_and_line():
    assert problems(HEADER + "[[cards]]\nid = \n") == ["deck.toml:6: TOML syntax: Invalid value"]


def test_non_utf8_reports_the_line():
    raw = (HEADER + BASIC.format(id="a")).encode().replace(b'"P"', b'"\xff"')
    with pytest.raises(DeckError) as caught:
        parse_deck(raw, "deck.toml")
    assert caught.value.problems == ["deck.toml:9: not valid UTF-8 (byte 0xff)"]


def test_every_problem_is_reported_with_its_line():
    text = HEADER + BASIC.format(id="a") + "\n" + BASIC.format(id="a") + "colour = 'red'\n" + (
        '\n[[cards]]\nid = "c"\ntype = "choice"\nsection = "s"\nprompt = "P"\nexplanation = "E"\n'
        'options = ["x", "y"]\nanswer = "z"\n'
        '\n[[cards]]\nid = "o"\ntype = "order"\nsection = "s"\nprompt = "P"\nexplanation = "E"\nitems = ["only"]\n'
        '\n[[cards]]\nid = "m"\ntype = "basic"\nsection = "s"\nprompt = "P"\n'
        '\n[[cards]]\nid = "w"\ntype = "flash"\nsection = "s"\nprompt = "P"\nexplanation = "E"\n'
        '\n[[cards]]\nid = "t"\ntype = "typed"\nsection = "s"\nprompt = 5\nanswer = "1"\nexplanation = "E"\n'
    )
    assert problems(text) == [
        "deck.toml:20: card 'a': unknown field 'colour'",
        "deck.toml:29: card 'c': answer 'z' is not among the options",
        "deck.toml:37: card 'o': an order card needs at least 2 items, has 1",
        "deck.toml:39: card 'm': missing field 'explanation'",
        "deck.toml:39: card 'm': missing field 'answer'",
        "deck.toml:47: card 'w': unknown type 'flash' (expected one of basic, choice, multi, order, typed, cloze, matching)",
        "deck.toml:56: card 't': 'prompt' must be a string",
        "deck.toml:13: duplicate card id 'a'",
    ]


def test_missing_deck_table_and_no_cards():
    assert problems('title = "x"\n') == [
        "deck.toml:1: unknown top-level table or key 'title'",
        "deck.toml:1: missing [deck] table with id and name",
        "deck.toml:1: the deck has no [[cards]]",
    ]


def test_card_section_must_be_declared_when_sections_exist():
    text = HEADER + '[[sections]]\nid = "intro"\ntitle = "Intro"\n\n' + BASIC.format(id="a")
    assert problems(text) == ["deck.toml:12: card 'a': section 's' is not among [[sections]]"]


def test_multi_answers_must_be_options():
    text = HEADER + (
        '[[cards]]\nid = "m"\ntype = "multi"\nsection = "s"\nprompt = "P"\nexplanation = "E"\n'
        'options = ["x", "y", "x"]\nanswers = ["q"]\n'
    )
    assert problems(text) == [
        "deck.toml:11: card 'm': options repeat",
        "deck.toml:12: card 'm': answer 'q' is not among the options",
    ]


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(DeckError, match="no such file"):
        load_deck(tmp_path / "nope.toml")
    with pytest.raises(DeckError, match="is a folder"):
        load_deck(tmp_path)


def test_content_hash_follows_the_text_not_the_position():
    first = parse_deck((HEADER + BASIC.format(id="a")).encode(), "x").cards[0]
    same = parse_deck((HEADER + "\n\n" + BASIC.format(id="a")).encode(), "x").cards[0]
    edited = parse_deck((HEADER + BASIC.format(id="a").replace('"A"', '"B"')).encode(), "x").cards[0]
    assert first.content_hash == same.content_hash != edited.content_hash
