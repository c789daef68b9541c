"""The bundled deck: valid, covering every card type, with a reviewed list of card ids."""

import re
import tomllib
from collections import Counter

import pytest

from conftest import REPO
from mlsquiz.study.answers import typed_is_right
from mlsquiz.deckfile.model import CARD_TYPES, answer_text
from mlsquiz.deckfile.reading import load_deck

DECK = REPO / "decks" / "aws-ml-specialty.toml"
IDS = REPO / "decks" / "aws-ml-specialty.ids"
POST_ORDER = ["overview", "status", "python", "ml", "aws", "mle", "exam"]


def reviewed_ids() -> tuple[list[str], list[str]]:
    """(active ids in deck order, retired ids) from aws-ml-specialty.ids; '#' lines are comments."""
    active, retired, part = [], [], None
    for line in IDS.read_text().splitlines():
        if line.startswith("# retired"):
            part = retired
        elif line.strip() and not line.startswith("#"):
            (active if part is None else part).append(line.strip())
    return active, retired


@pytest.fixture(scope="module")
def deck():
    return load_deck(DECK)  # raises DeckError on any problem `mlsquiz check` would report


def test_size_and_every_type(deck):
    assert 80 <= len(deck.cards) <= 150
    counts = Counter(card.type for card in deck.cards)
    assert set(counts) >= {"basic", "choice", "multi", "order", "typed"} and set(counts) <= set(CARD_TYPES)
    assert all(count >= 8 for count in counts.values()), counts


def test_ids_are_unique_and_match_the_reviewed_list(deck):
    ids = [card.id for card in deck.cards]
    assert len(ids) == len(set(ids))
    # A rename or removal loses a learner's progress: it must show up as a change to this file in review.
    active, retired = reviewed_ids()
    assert active == ids


def test_retired_ids_are_never_reused(deck):
    # a retired id keeps its old reviews in learners' collections: a new card under it would inherit them
    active, retired = reviewed_ids()
    assert {"exam-stage-readiness", "mle-facts"} <= set(retired)
    assert not set(retired) & set(active)
    assert len(retired) == len(set(retired))


def test_cards_follow_the_posts_order(deck):
    positions = [POST_ORDER.index(card.section) for card in deck.cards]
    assert positions == sorted(positions)
    assert [s["id"] for s in deck.sections] == POST_ORDER
    assert [s.get("stage") for s in deck.sections] == [0, None, 1, 2, 3, 4, 5]  # the exam status is no stage


def test_every_card_teaches_and_is_tagged(deck):
    for card in deck.cards:
        assert card.tags, card.id
        explanation = card.content["explanation"]
        assert explanation.strip().lower() != answer_text(card.type, card.content).strip().lower(), card.id
        assert len(explanation) > 40, card.id


def test_resource_cards_carry_their_link(deck):
    names = {r["name"].replace(" - ", " – ") for r in deck.resources}
    for card in deck.cards:
        if "resource" not in card.tags:
            continue
        compared = [o for o in card.content.get("options", []) if o.removeprefix("The ") in names]
        if card.type == "multi" and len(compared) >= 2:  # a comparison of several resources has no single link
            continue
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


def test_the_retirement_date_card_accepts_the_usual_ways_to_write_a_date(deck):
    card = next(c for c in deck.cards if c.id == "status-retired-on")
    for form in ("31 March 2026", "31 march 2026", "March 31, 2026", "2026-03-31", "31/03/2026"):
        assert typed_is_right(form, card.content), form
    assert not typed_is_right("March 2026", card.content)


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


def quiz_screen_at_first_card(db, prompt: str) -> tuple[object, str]:
    """The installed mlsquiz quiz in a pty, read through pyte until `prompt` (a card's text) is on the screen.
    PROMPT_TOOLKIT_NO_CPR: pexpect answers no cursor-position query, and each unanswered one costs a second."""
    import os
    import time

    import pexpect
    import pyte

    from conftest import venv_bin

    env = {**os.environ, "TZ": "UTC", "TERM": "xterm", "LANG": "C.UTF-8", "PROMPT_TOOLKIT_NO_CPR": "1"}
    env.pop("MLSQUIZ_NOW", None)  # the moment comes from --now, as a learner would pass it
    child = pexpect.spawn(venv_bin("mlsquiz"), ["--db", str(db), "--now", "2026-11-29 09:00", "quiz"], env=env,
                          dimensions=(30, 80), encoding="utf-8", timeout=20)
    screen = pyte.Screen(80, 30)
    stream = pyte.Stream(screen)
    text = ""
    deadline = time.monotonic() + 20
    while not (prompt in " ".join(text.split()) and any(ask in text for ask in ("Your answer", "Choose", "Recall"))):
        assert time.monotonic() < deadline, text
        try:
            stream.feed(child.read_nonblocking(65536, timeout=0.5))
        except pexpect.TIMEOUT:
            pass
        text = "\n".join(line.rstrip() for line in screen.display)
    return child, text


def quit_quiz(child) -> None:
    import pexpect

    child.send("\x03")  # Ctrl-C ends the session at any prompt
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_a_fresh_collection_first_quiz_screen_says_the_exam_was_retired(tmp_path):
    child, screen = quiz_screen_at_first_card(tmp_path / "fresh.db", "In what year did AWS release")
    seen = " ".join(screen.split())
    assert "the AWS Certified Machine Learning – Specialty (MLS-C01) exam was retired on 31 March 2026" in seen
    assert "Machine Learning Engineer – Associate (MLA-C01" in seen and "(AIP-C01" in seen
    assert seen.index("was retired on") < seen.index("In what year did AWS release")  # before the first card
    quit_quiz(child)


def test_the_notice_is_not_repeated_once_the_deck_was_studied(tmp_path):
    from history import History

    db = tmp_path / "studied.db"
    history = History(db, deck="aws-ml-specialty")
    history.answer("exam-release-year", 5, "2026-11-29 08:00")
    history.close()
    child, screen = quiz_screen_at_first_card(db, "Why did the author write a study roadmap")  # the next new card
    assert "was retired on" not in screen
    quit_quiz(child)
