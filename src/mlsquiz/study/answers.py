"""Pure: is a learner's answer right? Typed answers are compared after normalising their form."""

import re
import unicodedata

_CURRENCY_WORDS = re.compile(r"\b(usd|us dollars?|dollars?|bucks)\b")
_PERCENT_WORDS = re.compile(r"\b(percent|per cent|pct)\b")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


def normalise(text: str) -> str:
    """Case, spacing, currency signs and words, percent signs and words, thousands separators, dashes."""
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    text = _THOUSANDS.sub("", text)
    text = text.replace("$", " ").replace("%", " ").replace("€", " ")
    text = _CURRENCY_WORDS.sub(" ", text)
    text = _PERCENT_WORDS.sub(" ", text)
    text = re.sub(r"(?<=\d)\.0+\b", "", text)  # 40.00 -> 40
    text = re.sub(r"[\s.,;:!?'\"]+", " ", text)
    text = re.sub(r" ?[-\u2010-\u2015] ?", "-", text)  # 1 - 2, 1–2 and 1-2 are one range
    return text.strip()


def typed_is_right(given: str, content: dict) -> bool:
    accepted = [content["answer"], *content.get("accept", [])]
    wanted = {normalise(option) for option in accepted}
    return normalise(given) in wanted and normalise(given) != ""


def choice_is_right(given: str, content: dict) -> bool:
    return given == content["answer"]


def multi_is_right(given: list[str], content: dict) -> bool:
    return set(given) == set(content["answers"])


def order_is_right(given: list[str], content: dict) -> bool:
    return list(given) == list(content["items"])


def matching_is_right(given: list[str], content: dict) -> bool:
    """`given[i]` is the right-hand item the learner matched with the card's i-th left item."""
    return list(given) == [right for _, right in content["pairs"]]


def matching_mistakes(given: list[str], content: dict) -> list[tuple[str, str, str]]:
    """(left item, the right item given, the right item that belongs) for each pair matched wrongly."""
    return [(left, chosen, right) for (left, right), chosen in zip(content["pairs"], given) if chosen != right]


def default_grade(right: bool) -> int:
    """The grade offered first after an auto-checked answer: Enter accepts it."""
    return 4 if right else 1


def cloze_shown(content: dict) -> str:
    """A cloze card's question: its own deletion hidden as [...] (or [hint]), the others filled in."""
    from ..deckfile.cloze import cloze_question

    return cloze_question(content["prompt"], content["cloze"])


def cloze_is_right(given: str, content: dict) -> bool:
    """Checked like a typed answer; a deletion used twice wants both parts, in any separator."""
    from ..deckfile.cloze import cloze_answers

    return typed_is_right(given, {"answer": " ".join(cloze_answers(content["prompt"], content["cloze"]))})
