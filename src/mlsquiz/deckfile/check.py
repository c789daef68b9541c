"""Checking a parsed deck file: every field, card and cross-reference, each problem as `FILE:LINE: message`."""

import datetime
import functools
import re

from .model import CARD_TYPES, ID_PATTERN, WEB_LINK, CardSpec, Deck, expand_clozes
from .cloze import cloze_problem
from ..errors import DeckError

COMMON_REQUIRED = {"id": str, "type": str, "prompt": str, "explanation": str, "section": str}
COMMON_OPTIONAL = {"tags": list, "link": str, "case": str}  # case: the id of a [[cases]] scenario
TYPE_FIELDS = {  # per type: field -> (python type, required)
    "basic": {"answer": (str, True)},
    "choice": {"options": (list, True), "answer": (str, True)},
    "multi": {"options": (list, True), "answers": (list, True)},
    "order": {"items": (list, True)},
    "typed": {"answer": (str, True), "accept": (list, False)},
    "cloze": {},  # the prompt holds Anki cloze syntax: {{c1::answer::hint}}
    "matching": {"pairs": (list, True)},  # [["left", "right"], ...]: each left item has one right item
}
MATCHING_PAIRS = (3, 10)  # fewest and most pairs: ten lettered right items still fit a screen
DECK_FIELDS = {"id": (str, True), "name": (str, True), "description": (str, False), "source": (str, False),
               "exam": (dict, False), "require_links": (bool, False)}
EXAM_FIELDS = {  # [deck.exam]: the exam a deck prepares for, kept in Deck.meta["exam"] (see README, Deck files)
    "code": (str, True), "name": (str, True), "status": (str, True), "retired_on": (datetime.date, False),
    "successors": (list, False), "note": (str, False), "historical": (bool, False), "pass_mark": (int, False),
    "score_min": (int, False), "score_max": (int, False), "questions": (int, False), "minutes": (int, False),
    "unscored": (int, False),  # questions of the real exam that are not scored (the practice exam scores all)
    "sources": (list, False),
}
EXAM_STATUSES = ("active", "retired")
SECTION_FIELDS = {"id": (str, True), "title": (str, True), "stage": (int, False),
                  "weight": (int, False)}  # the section's share of a practice exam's questions
CASE_FIELDS = {"id": (str, True), "title": (str, True), "text": (str, True)}  # a scenario cards share
RESOURCE_FIELDS = {
    "name": (str, True), "section": (str, True), "kind": (str, True), "paid": (bool, True),
    "by": (str, False), "use": (str, False), "link": (str, False), "optional": (bool, False),
}


class Lines:
    """Finds the line of the n-th `[[table]]` header and of a key inside it, for error messages."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        # The lines that can be table headers, found once: a 10,000-card file has ~80,000 lines, ~10,000 of these.
        self.header_lines = [(n, line) for n, line in enumerate(self.lines, 1) if line.lstrip().startswith("[")]

    def headers(self, table: str) -> list[int]:
        pattern = re.compile(r"^\s*\[\[\s*" + re.escape(table) + r"\s*\]\]")
        return [n for n, line in self.header_lines if pattern.match(line)]

    def single_header(self, table: str) -> int:
        pattern = re.compile(r"^\s*\[\s*" + re.escape(table) + r"\s*\]")
        return next((n for n, line in self.header_lines if pattern.match(line)), 1)

    def table_end(self, start: int) -> int:
        """The line after the table that starts at `start`: the next table header, or the end of the file."""
        header = re.compile(r"^\s*\[")
        return next((n for n in range(start + 1, len(self.lines) + 1) if header.match(self.lines[n - 1])),
                    len(self.lines) + 1)

    def key_line(self, start: int, end: int, key: str) -> int:
        pattern = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
        for n in range(start, min(end, len(self.lines) + 1)):
            if pattern.match(self.lines[n - 1]):
                return n
        return start


class DeckValidator:
    def __init__(self, data: dict, name: str, lines: Lines):
        self.data, self.name, self.lines = data, name, lines
        self.problems: list[str] = []
        self.advance = None  # told of every card checked, for a progress bar

    def problem(self, line: int, message: str) -> None:
        self.problems.append(f"{self.name}:{line}: {message}")

    def validate(self) -> Deck:
        for key in sorted(set(self.data) - {"deck", "sections", "resources", "cases", "cards"}):
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
        meta = {"exam": self.validate_exam(deck["exam"])} if isinstance(deck.get("exam"), dict) else {}
        sections = self.validate_tables("sections", SECTION_FIELDS)
        section_ids = [s.get("id") for s in sections]
        self.report_duplicates("sections", section_ids, "section id")
        resources = self.validate_tables("resources", RESOURCE_FIELDS)
        for resource, (start, end) in zip(resources, self.table_spans("resources", len(resources))):
            if isinstance(resource.get("link"), str):
                self.check_link(resource["link"], self.lines.key_line(start, end, "link"), "resource")
        for resource, line in zip(resources, self.lines.headers("resources")):
            if section_ids and resource.get("section") not in section_ids:
                self.problem(line, f"resource section {resource.get('section')!r} is not among [[sections]]")
        self.validate_cases()
        cards = self.validate_cards(set(section_ids) if section_ids else None)
        for case_id, line in self.case_lines.items():
            if case_id not in self.used_cases:
                self.problem(line, f"case {case_id!r} is used by no card")
        if self.problems:
            raise DeckError(self.problems)
        return Deck(
            id=deck["id"], name=deck["name"], description=deck.get("description", ""),
            source=deck.get("source", ""), sections=sections, resources=resources, cards=expand_clozes(cards),
            meta=meta,
        )

    def validate_exam(self, exam: dict) -> dict:
        """[deck.exam] checked field by field; returned ready for JSON (the date as YYYY-MM-DD)."""
        start = self.lines.single_header("deck.exam")
        end = self.lines.table_end(start)
        line = lambda key: self.lines.key_line(start, end, key)  # noqa: E731
        self.check_fields(exam, EXAM_FIELDS, "deck.exam", start, end)
        if isinstance(exam.get("retired_on"), datetime.datetime):  # a date and time is a date subclass
            self.problem(line("retired_on"), "deck.exam: 'retired_on' must be a date (YYYY-MM-DD), not a date and time")
        if isinstance(exam.get("status"), str) and exam["status"] not in EXAM_STATUSES:
            self.problem(line("status"),
                         f"deck.exam: status {exam['status']!r} must be one of {', '.join(EXAM_STATUSES)}")
        if exam.get("status") == "retired" and "retired_on" not in exam:
            self.problem(start, "deck.exam: a retired exam needs 'retired_on'")
        for key in ("successors", "sources"):
            if isinstance(exam.get(key), list) and not all(isinstance(v, str) and v.strip() for v in exam[key]):
                self.problem(line(key), f"deck.exam: {key!r} must be a list of non-empty strings")
        for key in ("pass_mark", "score_min", "score_max", "questions", "minutes"):
            if isinstance(exam.get(key), int) and not isinstance(exam[key], bool) and exam[key] <= 0:
                self.problem(line(key), f"deck.exam: {key!r} must be a positive number")
        scale = [exam.get(k) for k in ("score_min", "pass_mark", "score_max")]
        if all(isinstance(v, int) for v in scale) and not scale[0] <= scale[1] <= scale[2]:
            self.problem(line("pass_mark"), "deck.exam: 'pass_mark' must lie between 'score_min' and 'score_max'")
        unscored = exam.get("unscored")
        if isinstance(unscored, int) and not isinstance(unscored, bool) and (
                unscored < 0 or (isinstance(exam.get("questions"), int) and unscored >= exam["questions"])):
            self.problem(line("unscored"), "deck.exam: 'unscored' must be 0 or more and fewer than 'questions'")
        return {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in exam.items()}

    def validate_cases(self) -> None:
        """[[cases]]: scenarios several cards share; each card with `case = "ID"` gets its case in its content."""
        entries = self.validate_tables("cases", CASE_FIELDS)
        self.report_duplicates("cases", [entry.get("id") for entry in entries], "case id")
        self.cases, self.case_lines, self.used_cases = {}, {}, set()
        for entry, (start, end) in zip(entries, self.table_spans("cases", len(entries))):
            if isinstance(entry.get("id"), str):
                self.case_lines.setdefault(entry["id"], start)
                if not ID_PATTERN.match(entry["id"]):
                    self.problem(start, f"case id {entry['id']!r} may hold only letters, digits, '.', '_' and '-'")
            for key in ("title", "text"):
                if isinstance(entry.get(key), str) and not entry[key].strip():
                    self.problem(self.lines.key_line(start, end, key), f"case: {key!r} is empty")
            if all(isinstance(entry.get(key), str) for key in CASE_FIELDS):
                self.cases.setdefault(entry["id"], {key: entry[key] for key in CASE_FIELDS})

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

    def check_fields(self, entry: dict, fields: dict, where: str, start: int, end: int) -> bool:
        """Report missing, mistyped and unknown fields; True when every field present is known and well typed."""
        clean = True
        for key, (kind, required) in fields.items():
            if key not in entry:
                if required:
                    self.problem(start, f"{where}: missing field {key!r}")
            elif not _is_kind(entry[key], kind):
                self.problem(self.lines.key_line(start, end, key), f"{where}: {key!r} must be {_kind_name(kind)}")
                clean = False
        if entry.keys() <= fields.keys():
            return clean
        for key in sorted(set(entry) - set(fields)):
            self.problem(self.lines.key_line(start, end, key), f"{where}: unknown field {key!r}")
        return False

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
            if self.advance is not None:
                self.advance(1)
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
        fields = _card_fields(card_type if isinstance(card_type, str) else None)  # shared: never changed
        if card_type is None:  # unknown type: only judge the common fields
            raw = {k: v for k, v in raw.items() if k in fields}
        clean = self.check_fields(raw, fields, label, start, end)
        # Every further check runs on the fields that are present and of the right type, so one pass reports
        # every problem of the card instead of stopping at the first (a clean card: all of them, as written).
        raw = dict(raw) if clean else {k: v for k, v in raw.items() if k in fields and _is_kind(v, fields[k][0])}
        line = lambda key: self.lines.key_line(start, end, key)  # noqa: E731
        if "id" in raw and not ID_PATTERN.match(raw["id"]):
            self.problem(line("id"), f"{label}: id may hold only letters, digits, '.', '_' and '-'")
        for key in ("prompt", "explanation"):
            if key in raw and not raw[key].strip():
                self.problem(line(key), f"{label}: {key!r} is empty")
        if section_ids is not None and "section" in raw and raw["section"] not in section_ids:
            self.problem(line("section"), f"{label}: section {raw['section']!r} is not among [[sections]]")
        if "link" in raw:
            self.check_link(raw["link"], line("link"), label)
        if "case" in raw:
            self.used_cases.add(raw["case"])
            if raw["case"] not in self.case_lines:
                self.problem(line("case"), f"{label}: case {raw['case']!r} is not among [[cases]]")
        for key in ("tags", "options", "answers", "items", "accept"):
            if key in raw and not all(isinstance(v, str) and v.strip() for v in raw[key]):
                self.problem(line(key), f"{label}: {key!r} must be a list of non-empty strings")
                del raw[key]  # its entries are not text: the answer checks below cannot judge it
        if card_type is not None:
            self.check_answers(raw, card_type, label, line)
        if len(self.problems) > before:
            return None
        content = {k: v for k, v in raw.items() if k not in ("id", "type", "section", "tags")}
        if "case" in content:  # resolved here, so the store, the quiz and the export need nothing else
            content["case"] = dict(self.cases.get(content["case"], {"id": content["case"]}))
        return CardSpec(id=raw["id"], type=card_type, prompt=raw["prompt"], section=raw["section"],
                        tags=tuple(raw.get("tags", [])), content=content)

    def check_link(self, link: str, line: int, label: str) -> None:
        """Only web addresses: a link becomes clickable in Anki, and `javascript:` or `file:` must not."""
        if not WEB_LINK.fullmatch(link.strip()):
            self.problem(line, f"{label}: link {link!r} must be a web address (http:// or https://, no spaces)")

    def check_answers(self, raw: dict, card_type: str, label: str, line) -> None:
        """The type's own rules, on whichever of its fields `raw` still holds (present and well typed)."""
        options = raw.get("options")
        if card_type in ("choice", "multi") and options is not None:
            if not 2 <= len(options) <= 10:
                self.problem(line("options"), f"{label}: needs 2 to 10 options, has {len(options)}")
            if len(set(options)) != len(options):
                self.problem(line("options"), f"{label}: options repeat")
        if card_type == "choice" and options is not None and "answer" in raw and raw["answer"] not in options:
            self.problem(line("answer"), f"{label}: answer {raw['answer']!r} is not among the options")
        if card_type == "multi" and "answers" in raw:
            answers = raw["answers"]
            if not answers:
                self.problem(line("answers"), f"{label}: needs at least one right answer")
            for missing in [a for a in answers if options is not None and a not in options]:
                self.problem(line("answers"), f"{label}: answer {missing!r} is not among the options")
            if len(set(answers)) != len(answers):
                self.problem(line("answers"), f"{label}: answers repeat")
        if card_type == "order" and "items" in raw:
            items = raw["items"]
            if len(items) < 2:
                self.problem(line("items"), f"{label}: an order card needs at least 2 items, has {len(items)}")
            if len(set(items)) != len(items):
                self.problem(line("items"), f"{label}: items repeat")
        if card_type == "matching" and "pairs" in raw:
            self.check_pairs(raw["pairs"], label, line("pairs"))
        if card_type == "cloze" and isinstance(raw.get("prompt"), str) and (problem := cloze_problem(raw["prompt"])):
            self.problem(line("prompt"), f"{label}: {problem}")
        if card_type in ("basic", "typed") and "answer" in raw and not raw["answer"].strip():
            self.problem(line("answer"), f"{label}: 'answer' is empty")


    def check_pairs(self, pairs: list, label: str, line: int) -> None:
        if not all(isinstance(pair, list) and len(pair) == 2 and all(isinstance(side, str) and side.strip()
                                                                     for side in pair) for pair in pairs):
            self.problem(line, f"{label}: 'pairs' must be a list of [left, right] pairs of non-empty strings")
            return
        fewest, most = MATCHING_PAIRS
        if not fewest <= len(pairs) <= most:
            self.problem(line, f"{label}: a matching card needs {fewest} to {most} pairs, has {len(pairs)}")
        for side, name in ((0, "left"), (1, "right")):
            items = [pair[side] for pair in pairs]
            if len(set(items)) != len(items):
                self.problem(line, f"{label}: {name} sides repeat")


@functools.cache
def _card_fields(card_type: str | None) -> dict:
    """field -> (python type, required) of a card of this type (None: an unknown type, the common fields only).
    Worked out once per type: a 10,000-card deck asks 10,000 times."""
    fields = {k: (t, True) for k, t in COMMON_REQUIRED.items()}
    fields |= {k: (t, False) for k, t in COMMON_OPTIONAL.items()}
    return fields | TYPE_FIELDS.get(card_type, {})


def _is_kind(value, kind: type) -> bool:
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


def _kind_name(kind: type) -> str:
    return {str: "a string", list: "a list", int: "an integer", bool: "true or false", dict: "a table",
            datetime.date: "a date (YYYY-MM-DD)"}[kind]
