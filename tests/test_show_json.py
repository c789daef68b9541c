"""`cards show ID --json` carries the whole card as the text view shows it: options, items, pairs, accepted
answers, case, explanation and link, beside its schedule and history."""

import json

from conftest import TESTS


def shown(cli, card: str) -> dict:
    result = cli("cards", "show", card, "--json")
    assert result.code == 0
    return json.loads(result.out)


def test_a_choice_card_carries_its_options_and_explanation(cli, mini_collection):
    card = shown(cli, "mini:c1")
    assert card["options"] == ["SageMaker", "Lambda", "EC2", "S3"]
    assert card["explanation"] == "Its developer guide is the reference to keep open."
    assert (card["id"], card["type"], card["answer"], card["state"], card["history"]) == (
        "c1", "choice", "SageMaker", "new", [])


def test_multi_order_and_typed_cards_carry_what_they_are_asked_with(cli, mini_collection):
    multi, order, typed = shown(cli, "mini:m1"), shown(cli, "mini:o1"), shown(cli, "mini:t1")
    assert multi["options"][0] == "Kaggle Python Course" and len(multi["answers"]) == 2
    assert order["items"] == ["Python", "Machine learning", "AWS services"]
    assert typed["accept"] == ["$40", "40 USD"] and typed["explanation"] == "Unofficial practice exams are scarce."


def test_a_matching_card_carries_its_pairs_and_link(cli):
    assert cli("import", TESTS / "data" / "cases.toml").code == 0
    card = shown(cli, "cases:match-services")
    assert card["pairs"][0] == ["Amazon Comprehend", "finds entities in text"] and len(card["pairs"]) == 3
    assert card["link"] == "https://docs.aws.amazon.com/"
    assert card["answer"].startswith("Amazon Comprehend → finds entities in text; ")
    text = cli("cards", "show", "cases:match-services").out
    assert "answer:      Amazon Comprehend → finds entities in text; Amazon Rekognition" in text
