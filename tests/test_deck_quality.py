"""`mlsquiz check` quality warnings (deckfile/quality.py): each warning on a small deck that has the fault and one
that does not, `--strict`, every deck of the repository, and the pass's speed on a large deck."""

import json
import sys
import time

import pytest

from conftest import REPO
from mlsquiz.deckfile.quality import quality_warnings, tokens
from mlsquiz.deckfile.reading import load_deck

WARNING = ": warning: "


def toml_value(value) -> str:
    return "true" if value is True else json.dumps(value, ensure_ascii=False)


def deck_file(tmp_path, cards: list[dict], require_links: bool | None = None, name: str = "deck.toml"):
    lines = ["[deck]", 'id = "q"', 'name = "Quality"']
    if require_links is not None:
        lines.append(f"require_links = {'true' if require_links else 'false'}")
    for n, card in enumerate(cards):
        card = {"id": f"c{n}", "section": "s", "explanation": "Because.", **card}
        lines += ["", "[[cards]]"] + [f"{key} = {toml_value(value)}" for key, value in card.items()]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def warnings_of(path) -> list[tuple[int, str]]:
    return quality_warnings(load_deck(path), path.read_text(encoding="utf-8"))


TOPICS = ["storage", "streaming", "labeling", "tuning", "hosting", "monitoring", "pipelines", "features", "security",
          "registry"]


def choice_cards(right_at, longest: bool = False) -> list[dict]:
    """One choice card per entry of `right_at` (the right option's index), on ten unrelated topics."""
    cards = []
    for n, position in enumerate(right_at):
        options = [f"{TOPICS[n]} wrong {k}" for k in range(4)]
        right = f"{TOPICS[n]} right answer, stated at length" if longest else f"{TOPICS[n]} right"
        options[position] = right
        cards.append({"type": "choice", "prompt": f"Question {n} about {TOPICS[n]}?", "options": options,
                      "answer": right})
    return cards


# ------------------------------------------------------------------ the right option's position and length

def test_the_right_option_always_first_is_a_warning_at_the_deck_line(tmp_path):
    found = warnings_of(deck_file(tmp_path, choice_cards([0] * 8)))
    assert found == [(1, "the right option is option 1 in 8 of 8 choice cards (100%, more than 35%): a learner "
                         "can answer by position; spread the right options over the positions")]


def test_right_options_spread_over_the_positions_are_not(tmp_path):
    assert warnings_of(deck_file(tmp_path, choice_cards([0, 1, 2, 3, 1, 0, 3, 2, 0, 2]))) == []


def test_too_few_choice_cards_say_nothing_about_a_habit(tmp_path):
    assert warnings_of(deck_file(tmp_path, choice_cards([0] * 7))) == []


def test_the_right_option_as_the_longest_is_a_warning(tmp_path):
    found = warnings_of(deck_file(tmp_path, choice_cards([0, 1, 2, 3, 1, 0, 3, 2, 0, 2], longest=True)))
    assert [message.split(":")[0] for _, message in found] == [
        "the right option is the longest option in 10 of 10 choice cards (100%, more than 35%)"]


def test_two_option_cards_are_judged_against_chance(tmp_path):
    """With two options chance alone puts half the answers at one position: 6 of 10 is no habit, 8 of 10 is."""
    def two_options(right_at):
        cards = choice_cards(right_at)
        for card, position in zip(cards, right_at):
            card["options"] = [card["answer"], card["options"][1 - position]][:: 1 if position == 0 else -1]
        return cards

    assert warnings_of(deck_file(tmp_path, two_options([0] * 6 + [1] * 4))) == []
    found = warnings_of(deck_file(tmp_path, two_options([0] * 8 + [1] * 2)))
    assert [m.split(":")[0] for _, m in found] == ["the right option is option 1 in 8 of 10 choice cards (80%, more "
                                                   "than 35%)"]


# ------------------------------------------------------------------ typed answers shared by many cards

def test_a_typed_answer_shared_by_three_cards_is_a_warning_even_written_differently(tmp_path):
    cards = [{"type": "typed", "prompt": f"What did item {what} cost?", "answer": answer}
             for what, answer in (("one", "$50"), ("two", "50 USD"), ("three", "50 dollars"))]
    found = warnings_of(deck_file(tmp_path, cards))
    assert found == [(11, "the typed answer '$50' is shared by 3 cards ('c0', 'c1', 'c2'): more than 2 lets a "
                         "learner answer by habit")]


def test_two_cards_may_share_a_typed_answer_and_units_tell_answers_apart(tmp_path):
    cards = [{"type": "typed", "prompt": "What did the course cost?", "answer": "$50"},
             {"type": "typed", "prompt": "What did the book cost?", "answer": "50 USD"},
             {"type": "typed", "prompt": "What share of questions is on data?", "answer": "50%"}]
    assert warnings_of(deck_file(tmp_path, cards)) == []


def test_amounts_are_normalised_with_their_unit():
    assert tokens("$1,000") == tokens("1000 USD") == tokens("1,000 dollars") == ["1000", "usd"]
    assert tokens("50%") == tokens("50 percent") == tokens("50 per cent") == ["50", "percent"]
    assert tokens("1 MB/s") == tokens("1 MB per second") == tokens("1MB/s") == ["1", "mb", "s"]
    assert tokens("Amazon S3 buckets") == tokens("amazon s3 bucket")


# ------------------------------------------------------------------ giveaways

RELEASE_YEAR = {"type": "typed", "prompt": "In what year did AWS release the Machine Learning Specialty exam?",
                "answer": "2019"}
RELEASE_MONTH = {"type": "basic", "prompt": "In which month of 2019 was the Machine Learning Specialty exam released?",
                 "answer": "April"}


def test_a_card_that_restates_another_question_with_its_answer_is_a_giveaway_wherever_it_is(tmp_path):
    for cards in ([RELEASE_YEAR, RELEASE_MONTH], [RELEASE_MONTH, RELEASE_YEAR]):
        path = deck_file(tmp_path, cards)
        teller = "c1" if cards[0] is RELEASE_YEAR else "c0"
        asker = "c0" if teller == "c1" else "c1"
        found = warnings_of(path)
        assert len(found) == 1, found
        line, message = found[0]
        assert message.startswith(f"card {teller!r} gives away card {asker!r} (line ")
        assert message.endswith("its prompt states what " + repr(asker) + " asks with its answer '2019'")
        assert path.read_text().splitlines()[line - 1].startswith("prompt = ")


def test_an_explanation_that_paraphrases_the_question_and_a_long_answer_is_a_giveaway(tmp_path):
    cards = [{"type": "choice", "prompt": "Who is Lex Fridman, host of the optional podcast?",
              "options": ["An AI researcher at MIT", "The founder of fast.ai"], "answer": "An AI researcher at MIT",
              "explanation": "His interview podcast explores cutting-edge topics in ML, robotics, software and more."},
             {"type": "choice", "prompt": "What is the format of the Lex Fridman Podcast?",
              "options": ["Interviews exploring cutting-edge topics in ML, robotics and software", "Exam walkthroughs"],
              "answer": "Interviews exploring cutting-edge topics in ML, robotics and software"}]
    found = warnings_of(deck_file(tmp_path, cards))
    assert [m.split(" (line")[0] for _, m in found] == ["card 'c0' gives away card 'c1'"]


def test_a_service_name_in_another_explanation_is_not_a_giveaway(tmp_path):
    cards = [{"type": "typed", "prompt": "Which service durably stores the objects of a data lake?",
              "answer": "Amazon S3"},
             {"type": "basic", "prompt": "Where does a training job write its model artifacts?",
              "answer": "To an S3 location", "explanation": "The job uploads model.tar.gz to Amazon S3."},
             {"type": "basic", "prompt": "What does Amazon Athena query?", "answer": "Data in place",
              "explanation": "Athena queries data lake tables whose files sit in Amazon S3."}]
    assert warnings_of(deck_file(tmp_path, cards)) == []


def test_a_percentage_does_not_give_away_an_amount_of_dollars(tmp_path):
    cards = [{"type": "typed", "prompt": "How many dollars less did the two-exam route cost than the exam alone?",
              "answer": "50"},
             {"type": "typed", "prompt": "With the 50% discount, what did the two-exam route cost than the exam "
                                         "alone, in dollars?", "answer": "250"}]
    assert [m for _, m in warnings_of(deck_file(tmp_path, cards)) if "gives away" in m] == []


# ------------------------------------------------------------------ near-duplicate prompts

def test_prompts_equal_but_for_wording_noise_are_a_warning(tmp_path):
    cards = [{"type": "basic", "prompt": "What does Amazon Kinesis Data Streams do?", "answer": "Ingests records"},
             {"type": "basic", "prompt": "what is it that amazon kinesis data stream does",
              "answer": "Real-time ingestion"}]
    found = warnings_of(deck_file(tmp_path, cards))
    assert [m.split(" (line")[0] for _, m in found] == ["card 'c1' asks what card 'c0'"]


def test_a_prompt_inside_another_is_a_warning(tmp_path):
    cards = [{"type": "basic", "prompt": "Which service stores objects durably?", "answer": "S3"},
             {"type": "typed", "prompt": "In AWS, which managed service stores objects durably?",
              "answer": "Amazon S3"}]
    found = warnings_of(deck_file(tmp_path, cards))
    assert len(found) == 1 and found[0][1].startswith(
        "the prompt of card 'c0' is contained in the prompt of card 'c1'")


def test_prompts_that_ask_different_things_are_not_duplicates(tmp_path):
    cards = [{"type": "basic", "prompt": "Which service stores objects durably?", "answer": "S3"},
             {"type": "basic", "prompt": "Which service stores logs durably?", "answer": "CloudWatch Logs"},
             {"type": "basic", "prompt": "Which service does NOT store objects durably?", "answer": "Instance store"},
             {"type": "basic", "prompt": "What is S3?", "answer": "Object storage"},
             {"type": "basic", "prompt": "What is S3 Glacier for?", "answer": "Archives"},
             {"type": "basic", "prompt": "What is 'AWS SageMaker Examples'?", "answer": "A repository"},
             {"type": "basic", "prompt": "What does the post say 'AWS SageMaker Examples' is especially good for?",
              "answer": "Trying the built-in algorithms"}]
    assert warnings_of(deck_file(tmp_path, cards)) == []


# ------------------------------------------------------------------ links

LINKED = {"type": "basic", "prompt": "What is SageMaker Clarify for?", "answer": "Bias and explainability",
          "link": "https://docs.aws.amazon.com/sagemaker/latest/dg/clarify-configure-processing-jobs.html"}
UNLINKED = {"type": "basic", "prompt": "What is SageMaker Debugger for?", "answer": "Training insight"}


def test_a_card_without_a_link_is_a_warning_where_the_deck_asks_for_links(tmp_path):
    path = deck_file(tmp_path, [LINKED, UNLINKED], require_links=True)
    found = warnings_of(path)
    assert found == [(15, "card 'c1' has no link, and the deck asks for links (require_links = true)")]
    assert path.read_text().splitlines()[14] == "[[cards]]"


def test_no_link_warning_when_every_card_links_or_the_deck_does_not_ask(tmp_path):
    assert warnings_of(deck_file(tmp_path, [LINKED, dict(LINKED, prompt="What is Clarify?")], True)) == []
    assert warnings_of(deck_file(tmp_path, [LINKED, UNLINKED], require_links=False)) == []
    assert warnings_of(deck_file(tmp_path, [LINKED, UNLINKED])) == []


# ------------------------------------------------------------------ the command

def test_warnings_go_to_stderr_and_leave_the_exit_status_alone_without_strict(tmp_path, cli):
    path = deck_file(tmp_path, [LINKED, UNLINKED], require_links=True)
    result = cli("check", path)
    assert result.code == 0
    assert result.err == (f"{path}:15{WARNING}card 'c1' has no link, and the deck asks for links "
                          "(require_links = true)\n")
    assert result.out == f"{path}: ok, deck 'q' with 2 cards, 1 warning\n"


def test_strict_fails_on_a_warning_and_passes_a_clean_deck(tmp_path, cli):
    dirty = deck_file(tmp_path, [LINKED, UNLINKED], require_links=True, name="dirty.toml")
    clean = deck_file(tmp_path, [LINKED], require_links=True, name="clean.toml")
    result = cli("check", "--strict", dirty)
    assert result.code == 1
    assert result.out == f"{dirty}: not ok with --strict, deck 'q' with 2 cards, 1 warning\n"
    assert cli("check", "--strict", clean).code == 0
    both = cli("check", clean, dirty, "--strict")
    assert both.code == 1 and both.out.startswith(f"{clean}: ok, deck 'q' with 1 card\n")


def test_strict_still_fails_an_invalid_deck_and_warnings_come_only_from_valid_ones(tmp_path, cli):
    broken = tmp_path / "broken.toml"
    broken.write_text('[deck]\nid = "b"\nname = "B"\n\n[[cards]]\nid = "x"\ntype = "basic"\n', encoding="utf-8")
    for args in (("check", broken), ("check", "--strict", broken)):
        result = cli(*args)
        assert result.code == 1 and WARNING not in result.err and "missing field" in result.err


def test_warnings_are_terminal_safe(tmp_path, cli):
    cards = [{"type": "typed", "prompt": f"What is the code of room {n}?", "answer": "50\u001b[2J"} for n in range(3)]
    result = cli("check", deck_file(tmp_path, cards))
    assert "\u001b" not in result.err and WARNING in result.err


@pytest.mark.parametrize("deck", sorted((REPO / "decks").glob("*.toml")), ids=lambda p: p.name)
def test_every_deck_of_the_repository_passes_check_strict(deck, cli):
    result = cli("check", "--strict", deck)
    assert result.code == 0, result.err


def test_the_quality_pass_is_fast_on_a_10000_card_deck(tmp_path):
    """Linear-ish: a pass that compared every pair of cards would take minutes here."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from generate import write_deck
    finally:
        sys.path.remove(str(REPO / "bench"))
    path = write_deck(tmp_path / "big.toml", 10_000)
    deck, text = load_deck(path), path.read_text(encoding="utf-8")
    start = time.process_time()
    found = quality_warnings(deck, text)
    assert time.process_time() - start < 4.0  # about 0.5 s on an idle machine; generous for a busy one
    assert [m.split(" (")[0] for _, m in found] == ["the right option is option 2 in 2000 of 2000 choice cards"]
