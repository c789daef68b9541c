"""The bundled deck: valid, covering every card type, with a reviewed list of card ids."""

import re
import tomllib
from collections import Counter

import pytest

from conftest import REPO
from mlsquiz.answers import typed_is_right
from mlsquiz.deck import CARD_TYPES, answer_text, load_deck

DECK = REPO / "decks" / "aws-ml-specialty.toml"
IDS = REPO / "decks" / "aws-ml-specialty.ids"
POST_ORDER = ["overview", "python", "ml", "aws", "mle", "exam"]


@pytest.fixture(scope="module")
def deck():
    return load_deck(DECK)  # raises DeckError on any problem `mlsquiz check` would report


def test_size_and_every_type(deck):
    assert 80 <= len(deck.cards) <= 150
    counts = Counter(card.type for card in deck.cards)
    assert set(counts) == set(CARD_TYPES)
    assert all(count >= 8 for count in counts.values()), counts


def test_ids_are_unique_and_match_the_reviewed_list(deck):
    ids = [card.id for card in deck.cards]
    assert len(ids) == len(set(ids))
    # A rename or removal loses a learner's progress: it must show up as a change to this file in review.
    assert IDS.read_text().split() == ids


def test_cards_follow_the_posts_order(deck):
    positions = [POST_ORDER.index(card.section) for card in deck.cards]
    assert positions == sorted(positions)
    assert [s["id"] for s in deck.sections] == POST_ORDER
    assert [s["stage"] for s in deck.sections] == [0, 1, 2, 3, 4, 5]


def test_every_card_teaches_and_is_tagged(deck):
    for card in deck.cards:
        assert card.tags, card.id
        explanation = card.content["explanation"]
        assert explanation.strip().lower() != answer_text(card.type, card.content).strip().lower(), card.id
        assert len(explanation) > 40, card.id


def test_resource_cards_carry_their_link(deck):
    for card in deck.cards:
        if "resource" in card.tags:  # one resource per card; "resources" marks comparisons of several
            assert card.content.get("link", "").startswith("http"), card.id


def test_every_resource_of_the_post_is_listed(deck):
    names = {r["name"] for r in deck.resources}
    assert len(deck.resources) == 14
    assert {"Kaggle Python Course", "Learn Python the Hard Way", "Machine Learning Guide", "Deep Learning with Python",
            "Neural Networks from Scratch", "Lex Fridman Podcast", "Applied Data Ethics",
            "AWS SageMaker Developer Guide", "AWS SageMaker Examples", "Machine Learning Engineering"} <= names
    assert {r["name"] for r in deck.resources if r["optional"]} == {
        "Lex Fridman Podcast", "Applied Data Ethics", "3Blue1Brown neural network series"}


def test_price_cards_accept_the_usual_forms(deck):
    prices = [c for c in deck.cards if c.type == "typed" and "money" in c.tags and "$" in str(c.content.get("accept"))]
    assert len(prices) >= 5
    for card in prices:
        amount = card.content["answer"]
        for form in (amount, f"${amount}", f"{amount} USD", f"USD {amount}", f"{amount} dollars"):
            assert typed_is_right(form, card.content), (card.id, form)


def test_no_mis_encoded_text_or_the_posts_typos():
    text = DECK.read_text(encoding="utf-8")
    assert "Ã" not in text and "â€" not in text
    for typo in ("reccomend", "repitition", "distriuted", "recieved", "buy-layer"):
        assert typo not in text.lower()
    prose = re.sub(r"https?://\S+", "", text)  # the Amazon link spells it without the cedilla
    assert "François Chollet" in prose
    assert set(re.findall(r"Fran\S*ois", prose)) == {"François"}


def test_key_figures_are_present(deck):
    answers = {card.id: card.content.get("answer") for card in deck.cards}
    assert answers["practice-exam-price"] == "40"
    assert answers["cloud-practitioner-price"] == "100"
    assert answers["two-certifications-total"] == "250"
    assert answers["specialty-list-price"] == "300"
    assert answers["exam-release-year"] == "2019"
    assert tomllib.loads(DECK.read_text())["deck"]["id"] == "aws-ml-specialty"
