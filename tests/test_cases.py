"""Case studies: `[[cases]]` in a deck file, `case = "ID"` on its cards, checked by `check`, shown above each
of its questions in the quiz and in Anki, and carried by `cards show`."""

import json

import pytest
from anki_fixtures import anki  # noqa: F401  (a fixture)
from conftest import TESTS
from screen import Terminal
from test_export_anki import import_into, notes_by_prompt

from mlsquiz.deckfile.reading import parse_deck
from mlsquiz.errors import DeckError

CASES = TESTS / "data" / "cases.toml"
HEADER = '[deck]\nid = "d"\nname = "D"\n\n'
SHOP = '[[cases]]\nid = "{id}"\ntitle = "Shop"\ntext = "A shop sells shoes."\n\n'  # 5 lines
CARD = ('[[cards]]\nid = "{id}"\ntype = "basic"\nsection = "s"\nprompt = "P"\nanswer = "A"\nexplanation = "E"\n'
        'case = "{case}"\n\n')  # 9 lines, the case on the 8th


def problems(text: str) -> list[str]:
    with pytest.raises(DeckError) as caught:
        parse_deck(text.encode(), "deck.toml")
    return caught.value.problems


def test_a_case_is_resolved_into_each_of_its_cards():
    deck = parse_deck((HEADER + SHOP.format(id="shop") + CARD.format(id="a", case="shop")
                       + CARD.format(id="b", case="shop")).encode(), "deck.toml")
    assert [card.content["case"] for card in deck.cards] == [{"id": "shop", "title": "Shop",
                                                              "text": "A shop sells shoes."}] * 2


def test_a_card_naming_an_unknown_case_is_an_error_at_its_line():
    text = HEADER + SHOP.format(id="shop") + CARD.format(id="a", case="shop") + CARD.format(id="b", case="shoe")
    assert problems(text) == ["deck.toml:26: card 'b': case 'shoe' is not among [[cases]]"]


def test_a_case_no_card_uses_is_an_error():
    text = HEADER + SHOP.format(id="shop") + SHOP.format(id="bank") + CARD.format(id="a", case="shop")
    assert problems(text) == ["deck.toml:10: case 'bank' is used by no card"]


def test_a_case_id_used_twice_is_an_error():
    text = HEADER + SHOP.format(id="shop") + SHOP.format(id="shop") + CARD.format(id="a", case="shop")
    assert problems(text) == ["deck.toml:10: duplicate case id 'shop'"]


def test_a_case_with_missing_empty_or_unknown_fields_is_an_error():
    text = (HEADER + '[[cases]]\nid = "bad id"\ntext = " "\nplace = "x"\n\n'
            + CARD.format(id="a", case="bad id"))
    assert problems(text) == [
        "deck.toml:5: cases: missing field 'title'",
        "deck.toml:8: cases: unknown field 'place'",
        "deck.toml:5: case id 'bad id' may hold only letters, digits, '.', '_' and '-'",
        "deck.toml:7: case: 'text' is empty",
    ]


def test_cases_written_as_something_other_than_tables_are_an_error():
    assert problems('cases = "shop"\n' + HEADER + CARD.format(id="a", case="shop")) == [
        "deck.toml:1: cases must be written as [[cases]] tables",
        "deck.toml:13: card 'a': case 'shop' is not among [[cases]]",
    ]


def test_the_quiz_shows_the_scenario_above_each_of_its_questions(cli, db_path):
    assert cli("import", CASES).code == 0
    term = Terminal(db_path, "quiz", "--deck", "cases", columns=60, rows=40)
    term.wait_for(r"\? 1\. Amazon Comprehend")
    term.send("z", "\r", "\r", "\r")  # no such letter: nothing happens; Enter takes the item under the cursor
    term.wait_for(r"\? Grade")
    term.send("4")
    scenario = ("Case study: A shoe <shop> & its forecasts A web shop sells shoes. It wants a weekly sales "
                "forecast \ufffd[31mwithout\ufffd[0m hiring data scientists.")
    for question, keys in (("Which service gives the forecast with the LEAST effort?", ["Amazon Forecast", "\r"]),
                           ("How often does the shop want a forecast?", ["every week\r"])):
        screen = term.wait_for(r"\? (Choose one|Your answer)")
        flat = " ".join(screen.split())
        assert scenario + " " + question in flat  # the scenario, then the question
        assert max(len(line) for line in screen.splitlines()) < 60
        term.send(*keys)
        assert "✓ Right." in term.wait_for(r"\? Grade")
        term.send("4")
    term.wait_for("Session done")
    assert term.finish() == 0
    assert "\x1b[31mwithout" not in term.transcript


def test_anki_shows_the_scenario_above_the_prompt(cli, anki, tmp_path):
    cli("import", CASES)
    package = tmp_path / "cases.apkg"
    assert cli("export", "--deck", "cases", "-o", package).code == 0
    import_into(anki, package)
    case = ('<div class="case"><b>A shoe &lt;shop&gt; &amp; its forecasts</b><br>A web shop sells shoes.<br>'
            "It wants a weekly sales forecast [31mwithout[0m hiring data scientists.</div><hr>")
    notes = notes_by_prompt(anki)
    for prompt in ("Which service gives the forecast with the LEAST effort?",
                   "How often does the shop want a forecast?"):
        note = notes[case + prompt]
        front = anki.get_card(anki.find_cards(f"nid:{note.id}")[0]).question()
        assert front.index("A web shop sells shoes.") < front.index(prompt)
    assert "Match each service with what it does." in notes  # a card without a case: its prompt alone


def test_cards_show_gives_the_case_in_text_and_json(cli, db_path):
    cli("import", CASES)
    out = cli("cards", "show", "cases:shop-data").out
    assert "case:        shop: A shoe <shop> & its forecasts" in out
    assert "scenario:    A web shop sells shoes. It wants a weekly sales forecast" in out
    assert "accepted:    every week" in out
    shown = json.loads(cli("cards", "show", "cases:shop-data", "--json").out)
    assert shown["case"] == {"id": "shop", "title": "A shoe <shop> & its forecasts",
                             "text": "A web shop sells shoes.\nIt wants a weekly sales forecast "
                                     "\x1b[31mwithout\x1b[0m hiring data scientists."}
    assert (shown["answer"], shown["accept"]) == ("weekly", ["every week"])
