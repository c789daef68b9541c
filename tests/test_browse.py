"""Browsing: `cards` filters and whole prompts, `cards show ID`, `decks` with sections and tags, --json."""

import json

import pytest

from history import History


def ids(cli, *args):
    result = cli("cards", "--json", *args)
    assert result.code == 0, result.err
    return [card["id"] for card in json.loads(result.out)]


def test_filters_narrow_the_list(cli, mini_collection, local_zone):
    local_zone("UTC")
    history = History(mini_collection)
    history.answer("b1", 5, "2026-03-01 09:00")  # due 2026-03-02
    history.close()
    assert cli("suspend", "t1").code == 0
    assert ids(cli, "--deck", "mini") == ["b1", "c1", "m1", "o1", "t1"]
    assert ids(cli, "--deck", "mini", "--search", "SAGEMAKER") == ["c1"]  # any case, in the options too
    assert ids(cli, "--deck", "mini", "--search", "scarce") == ["t1"]  # the explanation
    assert ids(cli, "--deck", "mini", "--search", "100%") == []  # % is literal, not a wildcard
    assert ids(cli, "--deck", "mini", "--state", "learning") == ["b1"]
    assert ids(cli, "--deck", "mini", "--state", "suspended") == ["t1"]
    assert ids(cli, "--deck", "mini", "--section", "two") == ["m1", "o1", "t1"]
    assert ids(cli, "--tag", "paid") == ["m1"]
    assert ids(cli, "--deck", "mini", "--due") == ["b1"]
    assert ids(cli, "--suspended") == ["t1"]
    assert ids(cli, "--leeches") == []
    assert ids(cli, "--deck", "mini", "--section", "two", "--tag", "money") == ["t1"]


def test_the_table_shows_whole_prompts_and_answers_on_request(cli, mini_collection, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    out = cli("cards", "--deck", "mini", "--answers").out
    assert all(len(line) <= 59 for line in out.splitlines())
    words = " ".join(out.split())
    assert "Price of the practice exam in USD?" in words or all(
        word in words for word in "Price of the practice exam in USD?".split())
    assert "Reading code builds intuition fastest." in " ".join(out.split()) or "intuition" in words
    assert "Answer" not in cli("cards", "--deck", "mini").out and "answer" not in cli("cards", "--deck", "mini").out
    assert cli("cards", "--search", "no such words at all").out == "No cards match.\n"


def test_show_prints_one_card_with_its_schedule_and_history(cli, mini_collection, local_zone):
    local_zone("UTC")
    history = History(mini_collection)
    history.answer("c1", 5, "2026-03-01 09:00")
    history.answer("c1", 2, "2026-03-02 09:00")
    history.close()
    out = cli("cards", "show", "c1").out
    assert "card:        mini:c1 (choice)" in out and "options:     SageMaker; Lambda; EC2; S3" in out
    assert "answer:      SageMaker" in out and "0 right in a row, 1 lapse" in out and "History (2 entries)" in out
    assert "2026-03-01  review" in out and "2026-03-02  review" in out
    shown = json.loads(cli("cards", "show", "mini:c1", "--json").out)
    assert shown["id"] == "c1" and [h["grade"] for h in shown["history"]] == [5, 2]


@pytest.mark.parametrize("args, code, message", [
    (["cards", "show", "nope"], 1, "mlsquiz: no card 'nope' (see 'mlsquiz cards')"),
    (["cards", "shw", "c1"], 2, "mlsquiz: expected 'mlsquiz cards' with filters, or 'mlsquiz cards show ID'"),
    (["cards", "--state", "old"], 2, "mlsquiz: unknown state 'old'"),
    (["cards", "--deck", "nope"], 2, "mlsquiz: no deck 'nope'"),
])
def test_bad_input_is_one_line(cli, mini_collection, args, code, message):
    result = cli(*args)
    assert result.code == code and result.err.startswith(message) and result.err.count("\n") == 1


def test_decks_lists_sections_and_tags_with_counts(cli, mini_collection):
    out = cli("decks").out
    assert "mini: sections (--section)" in out and "Part two" in out
    assert "aws (1), money (1), paid (1), stages (1), why (1)" in out
    mini = next(d for d in json.loads(cli("decks", "--json").out) if d["id"] == "mini")
    assert mini["sections"] == [{"id": "one", "title": "Part one", "cards": 2},
                                {"id": "two", "title": "Part two", "cards": 3}]
    assert {"tag": "money", "cards": 1} in mini["tags"] and mini["cards"] == 5


def test_config_and_roadmap_speak_json(cli, mini_collection):
    settings = json.loads(cli("config", "--json").out)
    assert settings["new_per_day"] == 10 and settings["leech_lapses"] == 8 and settings["leech_action"] == "suspend"
    assert json.loads(cli("config", "leech_lapses", "--json").out) == {"leech_lapses": 8}
    roadmap = json.loads(cli("roadmap", "--json").out)
    assert roadmap["deck"] == "aws-ml-specialty" and [s["stage"] for s in roadmap["stages"]] == [1, 2, 3, 4, 5]
    assert roadmap["exam_date"] is None and any("retired" in line for line in roadmap["notice"])
    assert cli("exam", "date", "2026-05-01", "--deck", "aws-ml-specialty").code == 0  # the roadmap's deck
    assert json.loads(cli("roadmap", "--json").out)["exam_date"] == "2026-05-01"
