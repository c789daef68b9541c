"""What a deck is once read: decks and card specs, the card types, and the right answer of each as text."""

import hashlib
import json
import re
from dataclasses import dataclass, field

from .cloze import cloze_numbers

CARD_TYPES = ("basic", "choice", "multi", "order", "typed", "cloze", "matching")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# http(s) only, and nothing that could end an HTML attribute or hide in a terminal (quotes, <, >, spaces, controls)
WEB_LINK = re.compile(r"(?i)https?://[^\s\"'<>\x00-\x1f\x7f-\x9f]+")

# json.dumps with options builds a new encoder per call; a deck has thousands of cards.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode


@dataclass(frozen=True)
class CardSpec:
    id: str
    type: str
    prompt: str
    section: str
    tags: tuple[str, ...]
    content: dict  # the card's whole table as written (answers, options, explanation, link), its case resolved

    @property
    def content_hash(self) -> str:
        canonical = _CANONICAL_JSON(self.content)
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Deck:
    id: str
    name: str
    description: str
    source: str
    sections: list[dict] = field(default_factory=list)
    resources: list[dict] = field(default_factory=list)
    cards: list[CardSpec] = field(default_factory=list)
    meta: dict = field(default_factory=dict)  # extra [deck] facts kept as JSON (exam facts, status)


def answer_text(card_type: str, content: dict) -> str:
    """The right answer as one line of text, whatever the card type."""
    if card_type == "multi":
        return "; ".join(content["answers"])
    if card_type == "order":
        return " → ".join(content["items"])
    if card_type == "matching":
        return "; ".join(f"{left} → {right}" for left, right in content["pairs"])
    if card_type == "cloze":
        from .cloze import cloze_answers

        return "; ".join(cloze_answers(content["prompt"], content["cloze"]))
    return content["answer"]


def lettered_items(items: list[str]) -> list[tuple[str, str]]:
    """(letter, item) pairs, a, b, c, ...: how a matching card lists its right-hand items (at most 26)."""
    return list(zip("abcdefghijklmnopqrstuvwxyz", items))


def expand_clozes(cards: list[CardSpec]) -> list[CardSpec]:
    """A cloze entry is one card per deletion number, as in Anki: `id.c1`, `id.c2`, ..."""
    expanded = []
    for card in cards:
        if card.type != "cloze":
            expanded.append(card)
            continue
        for number in cloze_numbers(card.prompt):
            expanded.append(CardSpec(id=f"{card.id}.c{number}", type="cloze", prompt=card.prompt,
                                     section=card.section, tags=card.tags, content={**card.content, "cloze": number}))
    return expanded
