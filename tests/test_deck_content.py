"""The bundled deck's text: no card gives away a neighbour's answer, no run of the post is copied, prompts are unique,
each tag has one spelling, and the exam's retirement is stated with its facts."""

import re
import unicodedata
from collections import Counter

import pytest

from conftest import REPO, TESTS
from mlsquiz.deckfile.reading import load_deck

DECK = REPO / "decks" / "aws-ml-specialty.toml"
POST = TESTS / "data" / "aws-ml-specialty-roadmap.md"  # copy of ../shared/source/aws-ml-specialty-roadmap.md
LOOKAHEAD = 5  # a learner can meet this many cards after any card in one session
COPIED_RUN = 10  # words in a row shared with the post that count as copying
TEXT_FIELDS = ("prompt", "answer", "explanation", "options", "answers", "items", "accept")


@pytest.fixture(scope="module")
def deck():
    return load_deck(DECK)


def words(text: str) -> list[str]:
    """Lowercase words without punctuation; accents and dashes folded so 'François'/'Francois' and '–'/'-' agree."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", text)


def contains(haystack: str, needle: str) -> bool:
    """Whether `needle` appears in `haystack` as whole words."""
    hay, need = words(haystack), words(needle)
    return bool(need) and any(hay[i:i + len(need)] == need for i in range(len(hay) - len(need) + 1))


def answers_to_guard(card) -> list[str]:
    """What a learner must come up with: the answer of basic, choice and typed cards, each right option of a multi.
    Order cards are left out: their items are on screen anyway and only the order is asked."""
    if card.type == "multi":
        return list(card.content["answers"])
    if card.type == "order":
        return []
    return [card.content["answer"]]


def everyday(answer: str, deck) -> bool:
    """An answer the deck's prompts name over and over (e.g. 'Python', 'SageMaker') reveals nothing when repeated."""
    return sum(contains(card.prompt, answer) for card in deck.cards) >= 3


def giveaways(cards, deck) -> list[str]:
    found = []
    for i, card in enumerate(cards):
        shown = card.content["explanation"] + " " + (card.content.get("answer") or "")
        for later in cards[i + 1:i + 1 + LOOKAHEAD]:
            for answer in answers_to_guard(later):
                if not everyday(answer, deck) and contains(shown, answer):
                    found.append(f"{card.id} reveals {later.id}: {answer!r}")
    return found


def card_texts(card) -> list[str]:
    texts = []
    for key in TEXT_FIELDS:
        value = card.content.get(key, card.prompt if key == "prompt" else None)
        texts += value if isinstance(value, list) else [value] if value else []
    return texts


def post_runs() -> set[tuple[str, ...]]:
    text = POST.read_text(encoding="utf-8")
    text = re.sub(r"\]\([^)]*\)", "] ", text)  # link targets are not the post's words
    tokens = words(text)
    return {tuple(tokens[i:i + COPIED_RUN]) for i in range(len(tokens) - COPIED_RUN + 1)}


def copied(text: str, runs: set) -> list[str]:
    tokens = words(text)
    return [" ".join(tokens[i:i + COPIED_RUN]) for i in range(len(tokens) - COPIED_RUN + 1)
            if tuple(tokens[i:i + COPIED_RUN]) in runs]


def test_no_card_gives_away_the_answer_of_one_of_the_next_cards(deck):
    assert giveaways(deck.cards, deck) == []


def test_the_giveaway_check_catches_a_revealing_explanation(deck):
    cards = {card.id: card for card in deck.cards}
    price = cards["practice-exam-price"]
    revealing = type(price)(id="x", type="basic", prompt="P?", section="exam", tags=("exam",),
                            content={"prompt": "P?", "answer": "A", "explanation": "It costs $40 in 2020."})
    assert giveaways([revealing, price], deck) == ["x reveals practice-exam-price: '40'"]


def test_no_card_copies_ten_words_in_a_row_from_the_post(deck):
    runs = post_runs()
    found = {card.id: hits for card in deck.cards for text in card_texts(card) if (hits := copied(text, runs))}
    assert found == {}


def test_nor_do_the_resources_and_sections_roadmap_shows(deck):
    runs = post_runs()
    texts = [r.get(key, "") for r in deck.resources for key in ("name", "by", "use")]
    assert [text for text in texts + [s["title"] for s in deck.sections] if copied(text, runs)] == []


def test_the_copy_check_finds_a_sentence_of_the_post():
    runs = post_runs()
    sentence = "Python has a relatively short learning curve, and can be used to do just about anything."
    assert copied(sentence, runs)
    assert not copied("Python is quick to learn and useful for nearly everything you will ever build.", runs)


def test_every_prompt_is_unique(deck):
    repeated = [prompt for prompt, n in Counter(" ".join(words(c.prompt)) for c in deck.cards).items() if n > 1]
    assert repeated == []


def test_each_tag_has_one_spelling(deck):
    tags = {tag for card in deck.cards for tag in card.tags}
    folded = Counter(re.sub(r"[^a-z0-9]", "", tag.lower()).removesuffix("s") for tag in tags)
    assert [tag for tag, n in folded.items() if n > 1] == []
    assert "resource" in tags and "resources" not in tags
    assert all(tag == tag.lower() for tag in tags)


def test_the_exam_status_section_teaches_the_retirement_with_sources(deck):
    status = [card for card in deck.cards if card.section == "status"]
    assert len(status) >= 4
    assert all(card.content.get("link", "").startswith("https://") for card in status)
    text = " ".join(" ".join(card_texts(card)) for card in status)
    for fact in ("31 March 2026", "MLA-C01", "AIP-C01", "AI Practitioner"):
        assert fact in text, fact


def test_the_deck_meta_carries_the_historical_exam_facts(deck):
    exam = deck.meta["exam"]
    assert exam["code"] == "MLS-C01" and exam["status"] == "retired" and exam["retired_on"] == "2026-03-31"
    assert exam["historical"] is True
    assert (exam["pass_mark"], exam["score_min"], exam["score_max"], exam["questions"]) == (750, 100, 1000, 65)
    assert exam["minutes"] in (170, 180)
    assert any("MLA-C01" in s for s in exam["successors"]) and any("AIP-C01" in s for s in exam["successors"])


def test_prices_from_the_post_are_asked_as_the_posts_figures(deck):
    for card in deck.cards:
        if "money" in card.tags and re.search(r"\$\d|\d+ USD|cost|price", card.prompt + card.content["explanation"]):
            text = card.prompt + " " + card.content["explanation"]
            assert re.search(r"\b2020\b|the post|at the time", text, re.IGNORECASE), card.id
