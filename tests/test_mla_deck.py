"""The MLA-C01 deck: the exam a learner can book, covered task statement by task statement, in exam style."""

import re
import subprocess
from collections import Counter

import pytest

from conftest import REPO, venv_bin
from mlsquiz.deckfile.reading import load_deck

DECK = REPO / "decks" / "mla-c01.toml"
IDS = REPO / "decks" / "mla-c01.ids"
TASKS = [f"task-{domain}.{task}" for domain, tasks in ((1, 3), (2, 3), (3, 3), (4, 3)) for task in range(1, tasks + 1)]
SENTENCE = re.compile(r"(?<=[.?!])\s+(?=[A-Z])")


@pytest.fixture(scope="module")
def deck():
    return load_deck(DECK)  # raises DeckError on any problem `mlsquiz check` would report


def test_the_exam_facts_are_mla_c01s(deck):
    exam = deck.meta["exam"]
    assert (exam["code"], exam["status"], exam["questions"], exam["unscored"], exam["minutes"]) == \
        ("MLA-C01", "active", 65, 15, 130)
    assert (exam["score_min"], exam["pass_mark"], exam["score_max"]) == (100, 720, 1000)
    weights = {section["id"]: section["weight"] for section in deck.sections}
    assert weights == {"d1": 28, "d2": 26, "d3": 22, "d4": 24}
    header = DECK.read_text().split("[deck]")[0]
    assert "THIRD-PARTY" in header and "130 minutes" in header  # the deck says what rests on third-party pages


def test_size_types_and_case_studies(deck):
    counts = Counter(card.type for card in deck.cards)
    assert len(deck.cards) >= 240
    assert counts["matching"] >= 10 and counts["order"] >= 10, counts
    cases = Counter(card.content["case"]["id"] for card in deck.cards if "case" in card.content)
    assert len(cases) >= 3 and all(n >= 3 for n in cases.values()), cases


def test_every_task_statement_has_at_least_15_cards_and_every_card_one_task(deck):
    first_tags = Counter(card.tags[0] for card in deck.cards)
    assert set(first_tags) == set(TASKS)
    assert min(first_tags.values()) >= 15, first_tags
    for card in deck.cards:
        assert card.section == "d" + card.tags[0][len("task-")], card.id  # task 3.2 lives in domain 3


def test_half_the_choice_questions_are_scenarios_with_a_requirement(deck):
    asked = [card for card in deck.cards if card.type in ("choice", "multi")]
    # a scenario sets out a situation before it asks: a case study, or a prompt of several sentences
    scenarios = [card for card in asked if "case" in card.content
                 or (len(SENTENCE.split(card.prompt)) >= 2 and len(card.prompt.split()) >= 20)]
    assert len(scenarios) * 2 >= len(asked), (len(scenarios), len(asked))


def test_every_card_links_an_aws_page_and_teaches(deck):
    for card in deck.cards:
        link = card.content.get("link", "")
        assert re.match(r"https://([a-z0-9-]+\.)*(aws\.amazon\.com|amazonaws\.com|repost\.aws)/", link), (card.id, link)
        assert len(card.content["explanation"].split()) >= 15, card.id
    text = DECK.read_text()
    assert "Amazon SageMaker AI" in text
    text = text.split("[deck]")[1]  # the header may say why no card asks about availability; the cards may not
    assert not re.search(r"no longer (open|available) to new customers", text)  # no card rests on availability


def test_ids_match_the_reviewed_list(deck):
    lines = [line.strip() for line in IDS.read_text().splitlines()]
    active = [line for line in lines[: lines.index(next(x for x in lines if x.startswith("# retired")))]
              if line and not line.startswith("#")]
    assert active == [card.id for card in deck.cards]


def test_both_bundled_decks_pass_check_strict():
    done = subprocess.run([venv_bin("mlsquiz"), "check", "--strict", str(DECK), str(REPO / "decks" / "aws-ml-specialty.toml")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr


def test_an_exam_date_on_the_mla_deck_makes_the_quiz_study_it(cli, db_path):
    assert cli("--now", "2026-12-02 09:00", "exam", "date", "2027-03-01", "--deck", "mla-c01").code == 0
    due = cli("--now", "2026-12-02 09:00", "due")
    assert "new today" in due.out and "exam in 89 days" in due.out
    plan = cli("--now", "2026-12-02 09:00", "exam", "plan")  # no --deck: the deck with the exam date
    assert "mla-c01" in plan.out or "MLA-C01" in plan.out
