"""Deck files (TOML) -> validated decks and card specs. Every problem is reported as `FILE:LINE: message`."""

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DeckError

CARD_TYPES = ("basic", "choice", "multi", "order", "typed")
MAX_FILE_BYTES = 64 * 1024 * 1024
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

COMMON_REQUIRED = {"id": str, "type": str, "prompt": str, "explanation": str, "section": str}
COMMON_OPTIONAL = {"tags": list, "link": str}
TYPE_FIELDS = {  # per type: field -> (python type, required)
    "basic": {"answer": (str, True)},
    "choice": {"options": (list, True), "answer": (str, True)},
    "multi": {"options": (list, True), "answers": (list, True)},
    "order": {"items": (list, True)},
    "typed": {"answer": (str, True), "accept": (list, False)},
}
DECK_FIELDS = {"id": (str, True), "name": (str, True), "description": (str, False), "source": (str, False)}
SECTION_FIELDS = {"id": (str, True), "title": (str, True), "stage": (int, False)}
RESOURCE_FIELDS = {
    "name": (str, True), "section": (str, True), "kind": (str, True), "paid": (bool, True),
    "by": (str, False), "use": (str, False), "link": (str, False), "optional": (bool, False),
}


@dataclass(frozen=True)
class CardSpec:
    id: str
    type: str
    prompt: str
    section: str
    tags: tuple[str, ...]
    content: dict  # the card's whole table as written: answers, options, explanation, link

    @property
    def content_hash(self) -> str:
        canonical = json.dumps(self.content, sort_keys=True, ensure_ascii=False)
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
    return content["answer"]


class _Lines:
    """Finds the line of the n-th `[[table]]` header and of a key inside it, for error messages."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def headers(self, table: str) -> list[int]:
        pattern = re.compile(r"^\s*\[\[\s*" + re.escape(table) + r"\s*\]\]")
        return [n for n, line in enumerate(self.lines, 1) if pattern.match(line)]

    def single_header(self, table: str) -> int:
        pattern = re.compile(r"^\s*\[\s*" + re.escape(table) + r"\s*\]")
        return next((n for n, line in enumerate(self.lines, 1) if pattern.match(line)), 1)

    def key_line(self, start: int, end: int, key: str) -> int:
        pattern = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
        for n in range(start, min(end, len(self.lines) + 1)):
            if pattern.match(self.lines[n - 1]):
                return n
        return start


def load_deck(path: str | Path) -> Deck:
    """Read and validate a deck file; raises DeckError listing every problem."""
    return parse_deck(read_deck_bytes(path), str(path))


def read_deck_bytes(path: str | Path) -> bytes:
    """A deck file's bytes, refusing folders, missing files and files over the size limit."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DeckError([f"{path}: file is too large ({size // 2**20} MiB; the limit is 64 MiB)"])
        return path.read_bytes()
    except IsADirectoryError:
        raise DeckError([f"{path}: is a folder, not a deck file"]) from None
    except FileNotFoundError:
        raise DeckError([f"{path}: no such file"]) from None
    except OSError as err:
        raise DeckError([f"{path}: cannot read ({err.strerror})"]) from None


def parse_deck(raw: bytes, name: str) -> Deck:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DeckError([f"{name}:{line}: not valid UTF-8 (byte 0x{raw[err.start]:02x})"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        found = re.search(r"\(at line (\d+), column \d+\)", str(err))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(err)) or "TOML syntax error"
        raise DeckError([f"{name}:{found.group(1) if found else 1}: TOML syntax: {message}"]) from None
    return _DeckValidator(data, name, _Lines(text)).validate()


class _DeckValidator:
    def __init__(self, data: dict, name: str, lines: _Lines):
        self.data, self.name, self.lines = data, name, lines
        self.problems: list[str] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(f"{self.name}:{line}: {message}")

    def validate(self) -> Deck:
        for key in sorted(set(self.data) - {"deck", "sections", "resources", "cards"}):
            self.problem(1, f"unknown top-level table or key {key!r}")
        deck = self.data.get("deck")
        deck_line = self.lines.single_header("deck")
        if not isinstance(deck, dict):
            self.problem(deck_line, "missing [deck] table with id and name")
            deck = {}
        else:
            self.check_fields(deck, DECK_FIELDS, "deck", deck_line, len(self.lines.lines) + 1)
            if isinstance(deck.get("id"), str) and not ID_PATTERN.match(deck["id"]):
                self.problem(deck_line, f"deck id {deck['id']!r} may hold only letters, digits, '.', '_' and '-'")
        sections = self.validate_tables("sections", SECTION_FIELDS)
        section_ids = [s.get("id") for s in sections]
        self.report_duplicates("sections", section_ids, "section id")
        resources = self.validate_tables("resources", RESOURCE_FIELDS)
        for resource, line in zip(resources, self.lines.headers("resources")):
            if section_ids and resource.get("section") not in section_ids:
                self.problem(line, f"resource section {resource.get('section')!r} is not among [[sections]]")
        cards = self.validate_cards(set(section_ids) if section_ids else None)
        if self.problems:
            raise DeckError(self.problems)
        return Deck(
            id=deck["id"], name=deck["name"], description=deck.get("description", ""),
            source=deck.get("source", ""), sections=sections, resources=resources, cards=cards,
        )

    def table_spans(self, table: str, count: int) -> list[tuple[int, int]]:
        """(first line, line after the last) of each `[[table]]` entry, as far as the text tells."""
        starts = self.lines.headers(table)
        starts += [1] * (count - len(starts))  # inline arrays have no headers; point at the top
        ends = starts[1:] + [len(self.lines.lines) + 1]
        return list(zip(starts, ends))

    def validate_tables(self, table: str, fields: dict) -> list[dict]:
        entries = self.data.get(table, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            self.problem(1, f"{table} must be written as [[{table}]] tables")
            return []
        for entry, (start, end) in zip(entries, self.table_spans(table, len(entries))):
            self.check_fields(entry, fields, table, start, end)
        return entries

    def check_fields(self, entry: dict, fields: dict, where: str, start: int, end: int) -> None:
        for key, (kind, required) in fields.items():
            if key not in entry:
                if required:
                    self.problem(start, f"{where}: missing field {key!r}")
            elif not isinstance(entry[key], kind) or (kind is int and isinstance(entry[key], bool)):
                self.problem(self.lines.key_line(start, end, key), f"{where}: {key!r} must be {_kind_name(kind)}")
        for key in sorted(set(entry) - set(fields)):
            self.problem(self.lines.key_line(start, end, key), f"{where}: unknown field {key!r}")

    def report_duplicates(self, table: str, ids: list, label: str) -> None:
        seen: set = set()
        for value, (line, _) in zip(ids, self.table_spans(table, len(ids))):
            if value in seen:
                self.problem(line, f"duplicate {label} {value!r}")
            seen.add(value)

    def validate_cards(self, section_ids: set | None) -> list[CardSpec]:
        raw_cards = self.data.get("cards", [])
        if not isinstance(raw_cards, list) or not all(isinstance(c, dict) for c in raw_cards):
            self.problem(1, "cards must be written as [[cards]] tables")
            return []
        if not raw_cards:
            self.problem(1, "the deck has no [[cards]]")
        cards = []
        spans = self.table_spans("cards", len(raw_cards))
        for raw, (start, end) in zip(raw_cards, spans):
            card = self.validate_card(raw, start, end, section_ids)
            if card:
                cards.append(card)
        self.report_duplicates("cards", [c.get("id") for c in raw_cards], "card id")
        return cards

    def validate_card(self, raw: dict, start: int, end: int, section_ids: set | None) -> CardSpec | None:
        before = len(self.problems)
        label = f"card {raw['id']!r}" if isinstance(raw.get("id"), str) else "card"
        card_type = raw.get("type")
        if isinstance(card_type, str) and card_type not in CARD_TYPES:
            self.problem(self.lines.key_line(start, end, "type"),
                         f"{label}: unknown type {card_type!r} (expected one of {', '.join(CARD_TYPES)})")
            card_type = None
        fields = {k: (t, True) for k, t in COMMON_REQUIRED.items()}
        fields |= {k: (t, False) for k, t in COMMON_OPTIONAL.items()}
        fields |= TYPE_FIELDS.get(card_type, {}) if isinstance(card_type, str) else {}
        if card_type is None:  # unknown type: only judge the common fields
            raw = {k: v for k, v in raw.items() if k in fields}
        self.check_fields(raw, fields, label, start, end)
        if len(self.problems) > before:
            return None
        line = lambda key: self.lines.key_line(start, end, key)  # noqa: E731
        if not ID_PATTERN.match(raw["id"]):
            self.problem(line("id"), f"{label}: id may hold only letters, digits, '.', '_' and '-'")
        for key in ("prompt", "explanation"):
            if not raw[key].strip():
                self.problem(line(key), f"{label}: {key!r} is empty")
        if section_ids is not None and raw["section"] not in section_ids:
            self.problem(line("section"), f"{label}: section {raw['section']!r} is not among [[sections]]")
        for key in ("tags", "options", "answers", "items", "accept"):
            if key in raw and not all(isinstance(v, str) and v.strip() for v in raw[key]):
                self.problem(line(key), f"{label}: {key!r} must be a list of non-empty strings")
        if len(self.problems) == before:
            self.check_answers(raw, card_type, label, line)
        if len(self.problems) > before:
            return None
        content = {k: v for k, v in raw.items() if k not in ("id", "type", "section", "tags")}
        return CardSpec(id=raw["id"], type=card_type, prompt=raw["prompt"], section=raw["section"],
                        tags=tuple(raw.get("tags", [])), content=content)

    def check_answers(self, raw: dict, card_type: str, label: str, line) -> None:
        if card_type in ("choice", "multi"):
            options = raw["options"]
            if not 2 <= len(options) <= 10:
                self.problem(line("options"), f"{label}: needs 2 to 10 options, has {len(options)}")
            if len(set(options)) != len(options):
                self.problem(line("options"), f"{label}: options repeat")
        if card_type == "choice" and raw["answer"] not in raw["options"]:
            self.problem(line("answer"), f"{label}: answer {raw['answer']!r} is not among the options")
        if card_type == "multi":
            answers = raw["answers"]
            if not answers:
                self.problem(line("answers"), f"{label}: needs at least one right answer")
            for missing in [a for a in answers if a not in raw["options"]]:
                self.problem(line("answers"), f"{label}: answer {missing!r} is not among the options")
            if len(set(answers)) != len(answers):
                self.problem(line("answers"), f"{label}: answers repeat")
        if card_type == "order":
            items = raw["items"]
            if len(items) < 2:
                self.problem(line("items"), f"{label}: an order card needs at least 2 items, has {len(items)}")
            if len(set(items)) != len(items):
                self.problem(line("items"), f"{label}: items repeat")
        if card_type in ("basic", "typed") and not raw["answer"].strip():
            self.problem(line("answer"), f"{label}: 'answer' is empty")


def _kind_name(kind: type) -> str:
    return {str: "a string", list: "a list", int: "an integer", bool: "true or false"}[kind]
