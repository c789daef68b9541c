"""`cards --search` looks in what a card says, not in how it is stored: values only, case-folded."""

import json

import pytest

DECK = '''
[deck]
id = "people"
name = "People"

[[cards]]
id = "f1"
type = "basic"
section = "one"
prompt = "Who wrote it?"
answer = "François"
explanation = "He said \\"bonjour\\"."

[[cards]]
id = "f2"
type = "choice"
section = "one"
prompt = "Pick the author"
options = ["François", "Marie"]
answer = "François"
explanation = "See the link."

[[cards]]
id = "f3"
type = "typed"
section = "one"
prompt = "Name of FRANÇOIS?"
answer = "yes"
explanation = "Plain."
'''


@pytest.fixture
def people(cli, tmp_path):
    deck = tmp_path / "people.toml"
    deck.write_text(DECK, encoding="utf-8")
    assert cli("import", deck).code == 0


def found(cli, text) -> list[str]:
    result = cli("cards", "--deck", "people", "--search", text, "--json")
    assert result.code == 0, result
    return sorted(card["id"] for card in json.loads(result.out))


@pytest.mark.parametrize("key", ["explanation", "{", "link\"", "answer"])
def test_the_json_keys_and_punctuation_of_the_content_match_nothing(cli, people, key):
    assert found(cli, key) == []


def test_a_quote_matches_as_written_not_json_escaped(cli, people):
    assert found(cli, '"bonjour"') == ["f1"]
    assert found(cli, '\\"') == []


def test_search_is_case_folded_beyond_ascii(cli, people):
    assert found(cli, "FRANÇOIS") == found(cli, "François") == found(cli, "françois") == ["f1", "f2", "f3"]


def test_a_word_in_the_explanation_or_an_option_is_found(cli, people):
    assert found(cli, "the link") == ["f2"]
    assert found(cli, "marie") == ["f2"]


def test_a_search_too_long_is_a_usage_error_of_its_own(cli, people):
    result = cli("cards", "--search", "x" * 60_000)
    assert result.code == 2 and result.err.startswith("mlsquiz: --search is 60,000 characters long"), result
    assert "could not be read or written" not in result.err
