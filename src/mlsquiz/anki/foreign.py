"""Pure: notes of Anki's own note types as mlsquiz deck tables (the shape of a deck file), one deck per top-level
Anki deck, sub-decks as sections. Basic-like notes follow their card templates; cloze notes stay cloze."""

import functools
import re
from collections import Counter
from typing import NamedTuple

from ..deckfile.cloze import cloze_numbers
from .text import html_to_text

_REFERENCE = re.compile(r"\{\{([^{}]+?)\}\}")
TOP_SECTION = "main"


class ForeignDecks(NamedTuple):
    decks: list[dict]  # {"deck": {...}, "sections": [...], "cards": [...]}, as a deck file would hold them
    card_keys: dict[int, tuple[str, str]]  # Anki card id -> (mlsquiz deck id, card id)
    skipped: Counter  # reason -> how many Anki cards
    anki_decks: dict[str, int]  # mlsquiz deck id -> the Anki id of the top-level deck it came from


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")


def note_key(guid: str) -> str:
    """A deck-file card id from a note's GUID (which may hold any printable character)."""
    return "n" + guid.encode("utf-8").hex()


@functools.lru_cache(maxsize=1024)  # a note type's few templates serve thousands of notes
def referenced_fields(template: str, names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(field, filter) for each field a card template shows, in order: `{{type:Back}}` -> ("Back", "type")."""
    found = []
    for match in _REFERENCE.finditer(template):
        token = match.group(1).strip()
        if token[:1] in "#/^!":
            continue  # conditional sections and comments show nothing themselves
        kind, _, name = token.rpartition(":")
        if name in names and (name, kind) not in found:
            found.append((name, kind))
    return tuple(found)


class _Builder:
    def __init__(self, collection):
        self.collection = collection
        self.decks: dict[str, dict] = {}
        self.deck_ids: dict[str, str] = {}  # top-level Anki deck name -> mlsquiz deck id
        self.anki_decks: dict[str, int] = {}  # mlsquiz deck id -> its top-level Anki deck's id
        self.top_ids = {path[0]: deck for deck, path in collection.decks.items() if len(path) == 1}
        self.section_ids: dict[tuple, str] = {}
        self.entries: dict[tuple[str, str], dict] = {}
        self.card_keys: dict[int, tuple[str, str]] = {}
        self.skipped: Counter = Counter()
        self.guid_notes: dict[str, int] = {}  # note GUID -> the first note holding it

    def deck_for(self, path: tuple[str, ...], anki_deck: int) -> tuple[dict, str]:
        top = path[0]
        if top not in self.deck_ids:
            wanted = "anki-" + (slug(top) or str(anki_deck))
            self.deck_ids[top] = wanted if wanted not in self.decks else f"{wanted}-{anki_deck}"
            self.anki_decks[self.deck_ids[top]] = self.top_ids.get(top, anki_deck)
            self.decks[self.deck_ids[top]] = {
                "deck": {"id": self.deck_ids[top], "name": top, "description": f"The Anki deck {top}",
                         "source": "Anki"},
                "sections": [], "cards": []}
        deck = self.decks[self.deck_ids[top]]
        key = (self.deck_ids[top], path[1:])
        if key not in self.section_ids:
            wanted = slug("-".join(path[1:])) or (TOP_SECTION if len(path) == 1 else f"section-{anki_deck}")
            taken = {s["id"] for s in deck["sections"]}
            self.section_ids[key] = wanted if wanted not in taken else f"{wanted}-{anki_deck}"
            deck["sections"].append({"id": self.section_ids[key], "title": " / ".join(path[1:]) or top})
        return deck, self.section_ids[key]

    def add(self, card, note, notetype) -> None:
        if self.guid_notes.setdefault(note.guid, note.id) != note.id:
            # Anki keeps one note per GUID; a second would overwrite the first's card here.
            self.skipped["cards of notes sharing another note's GUID (the first note kept)"] += 1
            return
        deck, section = self.deck_for(self.collection.decks.get(card.deck) or ("Default",), card.deck)
        deck_id = deck["deck"]["id"]
        texts = dict(zip(notetype.fields, (html_to_text(f) for f in note.fields)))
        base = note_key(note.guid)
        if notetype.is_cloze:
            card_id, entry = f"{base}.c{card.ord + 1}", self.cloze_entry(base, notetype, texts, card)
        else:
            card_id = base if card.ord == 0 else f"{base}.{card.ord + 1}"
            entry = self.basic_entry(card_id, notetype, texts, card)
        if entry is None:
            return
        if (deck_id, entry["id"]) not in self.entries:
            entry |= {"section": section, "tags": list(note.tags)}
            self.entries[(deck_id, entry["id"])] = entry
            deck["cards"].append(entry)
        self.card_keys[card.id] = (deck_id, card_id)

    def explanation(self, notetype, texts: dict, shown: set) -> str:
        rest = [texts[name] for name in notetype.fields if name not in shown and texts.get(name)]
        return "\n".join(rest) or f"(from Anki, note type {notetype.name})"

    def cloze_entry(self, base: str, notetype, texts: dict, card) -> dict | None:
        question = notetype.templates[0][0] if notetype.templates else ""
        field = next((name for name, kind in referenced_fields(question, notetype.fields) if kind == "cloze"),
                     notetype.fields[0] if notetype.fields else None)
        text = texts.get(field, "")
        if "image-occlusion:" in text:
            self.skipped["image occlusion cards (not supported)"] += 1
            return None
        if card.ord + 1 not in cloze_numbers(text):
            self.skipped["cloze cards whose deletion is missing"] += 1
            return None
        return {"id": base, "type": "cloze", "prompt": text,
                "explanation": self.explanation(notetype, texts, {field})}

    def basic_entry(self, card_id: str, notetype, texts: dict, card) -> dict | None:
        if not 0 <= card.ord < len(notetype.templates):
            self.skipped["cards without a template"] += 1
            return None
        question, answer = notetype.templates[card.ord]
        asked = referenced_fields(question, notetype.fields)
        shown = [(n, k) for n, k in referenced_fields(answer, notetype.fields) if n not in {a for a, _ in asked}]
        typed = [name for name, kind in (*asked, *shown) if kind == "type"]
        prompt_fields = [name for name, kind in asked if kind != "type"]
        answer_fields = typed[:1] or [name for name, _ in shown]
        prompt = "\n".join(texts[n] for n in prompt_fields if texts.get(n))
        answer_value = "\n".join(texts[n] for n in answer_fields if texts.get(n))
        if not prompt.strip():
            self.skipped["cards with an empty question"] += 1
            return None
        if not answer_value.strip():
            self.skipped["cards with an empty answer"] += 1
            return None
        return {"id": card_id, "type": "typed" if typed else "basic", "prompt": prompt, "answer": answer_value,
                "explanation": self.explanation(notetype, texts, {*prompt_fields, *answer_fields})}


def _refuse_guid(note) -> None:
    """A note's GUID is its identity here (the card ids) and in Anki, which always writes one as text."""
    from .package import PackageError

    what = "no GUID (NULL)" if note.guid is None else f"a GUID that is {type(note.guid).__name__}, not text"
    raise PackageError(f"the package's note {note.id} has {what}, which Anki never writes; nothing imported")


def foreign_decks(collection, note_ids) -> ForeignDecks:
    """mlsquiz decks for the cards of the given (foreign) notes, in the collection's card order."""
    builder = _Builder(collection)
    wanted = set(note_ids)
    for card in collection.cards:
        if card.note not in wanted:
            continue
        note = collection.notes.get(card.note)
        notetype = collection.notetypes.get(note.notetype) if note else None
        if note is not None and not isinstance(note.guid, str):
            _refuse_guid(note)
        if notetype is None:
            builder.skipped["cards of a missing note or note type"] += 1
            continue
        builder.add(card, note, notetype)
    decks = [deck for deck in builder.decks.values() if deck["cards"]]
    for deck in decks:  # the top level first, then sub-decks as Anki lists them (by name)
        deck["sections"].sort(key=lambda section: (section["id"] != TOP_SECTION, section["title"].casefold()))
    return ForeignDecks(decks, builder.card_keys, builder.skipped, builder.anki_decks)
