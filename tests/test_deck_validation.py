"""Deck validation: every problem of a card in one pass, optional tags, and the [deck.exam] facts kept as meta."""

import pytest

from mlsquiz.store.bundled import open_synced as open_collection
from mlsquiz.deckfile.reading import parse_deck
from mlsquiz.errors import DeckError
from mlsquiz.exam.status import exam_notice
from mlsquiz.store.decks import deck_has_reviews, deck_meta

HEADER = '[deck]\nid = "d"\nname = "D"\n\n'
BASIC = '[[cards]]\nid = "{id}"\ntype = "basic"\nsection = "s"\nprompt = "P"\nanswer = "A"\nexplanation = "E"\n'
EXAM = '''[deck.exam]
code = "MLS-C01"
name = "AWS Certified Machine Learning – Specialty"
status = "retired"
retired_on = 2026-03-31
historical = true
successors = ["MLA-C01", "AIP-C01"]
pass_mark = 750
score_min = 100
score_max = 1000
questions = 65
minutes = 180

'''


def problems(text: str) -> list[str]:
    with pytest.raises(DeckError) as caught:
        parse_deck(text.encode(), "deck.toml")
    return caught.value.problems


def test_a_card_with_several_problems_reports_every_one():
    text = HEADER + '[[sections]]\nid = "s"\ntitle = "S"\n\n' + (
        '[[cards]]\nid = "c"\ntype = "choice"\nsection = "elsewhere"\nprompt = " "\n'
        'options = ["x", "x"]\nanswer = "z"\ntags = ["ok", ""]\n')
    assert problems(text) == [
        "deck.toml:9: card 'c': missing field 'explanation'",
        "deck.toml:13: card 'c': 'prompt' is empty",
        "deck.toml:12: card 'c': section 'elsewhere' is not among [[sections]]",
        "deck.toml:16: card 'c': 'tags' must be a list of non-empty strings",
        "deck.toml:14: card 'c': options repeat",
        "deck.toml:15: card 'c': answer 'z' is not among the options",
    ]


def test_a_wrongly_typed_field_still_lets_the_other_checks_run():
    text = HEADER + '[[cards]]\nid = "m"\ntype = "multi"\nsection = "s"\nprompt = "P"\nexplanation = "E"\n' \
        'options = "a, b"\nanswers = ["a", "a"]\n'
    assert problems(text) == ["deck.toml:11: card 'm': 'options' must be a list",
                              "deck.toml:12: card 'm': answers repeat"]


def test_a_card_without_tags_is_accepted_with_none():
    deck = parse_deck((HEADER + BASIC.format(id="a")).encode(), "deck.toml")
    assert deck.cards[0].tags == ()


def test_the_exam_table_becomes_the_decks_meta():
    deck = parse_deck((HEADER + EXAM + BASIC.format(id="a")).encode(), "deck.toml")
    assert deck.meta == {"exam": {
        "code": "MLS-C01", "name": "AWS Certified Machine Learning – Specialty", "status": "retired",
        "retired_on": "2026-03-31", "historical": True, "successors": ["MLA-C01", "AIP-C01"], "pass_mark": 750,
        "score_min": 100, "score_max": 1000, "questions": 65, "minutes": 180}}
    assert parse_deck((HEADER + BASIC.format(id="a")).encode(), "deck.toml").meta == {}


def test_exam_facts_of_the_wrong_kind_are_reported_with_their_line():
    bad = (EXAM.replace("2026-03-31", '"31 March"').replace("pass_mark = 750", 'pass_mark = "750"')
           .replace('"retired"', '"gone"').replace('["MLA-C01", "AIP-C01"]', '["MLA-C01", 2]')
           .replace("minutes = 180", "minutes = 0\nlength = 3"))
    assert problems(HEADER + bad + BASIC.format(id="a")) == [
        "deck.toml:9: deck.exam: 'retired_on' must be a date (YYYY-MM-DD)",
        "deck.toml:12: deck.exam: 'pass_mark' must be an integer",
        "deck.toml:17: deck.exam: unknown field 'length'",
        "deck.toml:8: deck.exam: status 'gone' must be one of active, retired",
        "deck.toml:11: deck.exam: 'successors' must be a list of non-empty strings",
        "deck.toml:16: deck.exam: 'minutes' must be a positive number",
    ]


def test_a_retired_exam_needs_its_date_and_a_pass_mark_inside_the_scale():
    bad = EXAM.replace("retired_on = 2026-03-31\n", "").replace("pass_mark = 750", "pass_mark = 1200")
    assert problems(HEADER + bad + BASIC.format(id="a")) == [
        "deck.toml:5: deck.exam: a retired exam needs 'retired_on'",
        "deck.toml:11: deck.exam: 'pass_mark' must lie between 'score_min' and 'score_max'",
    ]


def test_the_exam_notice_names_the_date_and_the_successors():
    meta = {"exam": {"code": "MLS-C01", "name": "Specialty", "status": "retired", "retired_on": "2026-03-31",
                     "successors": ["MLA-C01", "AIP-C01"], "note": "Python still helps."}}
    assert exam_notice(meta) == [
        "Exam status: the Specialty (MLS-C01) exam was retired on 31 March 2026 and can no longer be taken.",
        "Replaced by: MLA-C01; AIP-C01.", "Python still helps."]
    assert exam_notice({"exam": {**meta["exam"], "status": "active"}}) == []
    assert exam_notice({}) == []


def test_the_bundled_decks_meta_is_stored_and_read_back(db_path):
    collection = open_collection(db_path)
    try:
        meta = deck_meta(collection, "aws-ml-specialty")
        assert meta["exam"]["status"] == "retired" and meta["exam"]["pass_mark"] == 750
        assert deck_meta(collection, "no-such-deck") == {}
        assert not deck_has_reviews(collection, "aws-ml-specialty")
    finally:
        collection.close()
