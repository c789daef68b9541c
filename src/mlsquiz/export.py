"""Anki packages with genanki: stable ids and GUIDs, escaped fields, sub-decks per section, atomic writing."""

import contextlib
import hashlib
import html
import json
import os
import random
import tempfile

from .errors import MlsquizError

# Hard-coded once, never changed: Anki recognises a note type by its id across re-imports.
MODEL_IDS = {"basic": 1738492011, "choice": 1738492012, "order": 1738492013, "typed": 1738492014}
MODEL_OF_TYPE = {"basic": "basic", "choice": "choice", "multi": "choice", "order": "order", "typed": "typed"}
STYLE = ".card { font-family: sans-serif; font-size: 20px; text-align: left; } .why { color: #555; }"
BACK = '<hr id="answer">{{Answer}}<p class="why">{{Explanation}}</p><p class="why">{{Source}}</p>'


def guid_for(deck_id: str, card_id: str) -> str:
    """A note's identity in Anki: from the deck and card ids only, never the text, so edits update the note."""
    import genanki

    return genanki.guid_for("mlsquiz", deck_id, card_id)


def anki_deck_id(*parts: str) -> int:
    """A stable Anki deck id for an mlsquiz deck (and section), in the range genanki recommends."""
    digest = int(hashlib.sha256("\x1f".join(("mlsquiz", *parts)).encode()).hexdigest()[:15], 16)
    return (1 << 30) + digest % (1 << 30)


def field(text: str) -> str:
    """Card text as literal text in Anki: markup escaped, line breaks kept."""
    return html.escape(text, quote=False).replace("\r\n", "\n").replace("\n", "<br>")


def html_list(items: list[str], ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{field(item)}</li>" for item in items) + f"</{tag}>"


def build_models() -> dict:
    import genanki

    def model(kind: str, name: str, fields: list[str], front: str, back: str = BACK):
        return genanki.Model(MODEL_IDS[kind], name, fields=[{"name": f} for f in fields], css=STYLE,
                             templates=[{"name": "Card 1", "qfmt": front, "afmt": "{{FrontSide}}" + back}])

    return {
        "basic": model("basic", "mlsquiz basic", ["Prompt", "Answer", "Explanation", "Source"], "{{Prompt}}"),
        "choice": model("choice", "mlsquiz choice", ["Prompt", "Options", "Answer", "Explanation", "Source"],
                        "{{Prompt}}{{Options}}"),
        "order": model("order", "mlsquiz order", ["Prompt", "Items", "Answer", "Explanation", "Source"],
                       "{{Prompt}}<p>Put in order:</p>{{Items}}"),
        "typed": model("typed", "mlsquiz typed", ["Prompt", "Answer", "Explanation", "Source"],
                       "{{Prompt}}<br>{{type:Answer}}",
                       '<hr id="answer"><p class="why">{{Explanation}}</p><p class="why">{{Source}}</p>'),
    }


def note_fields(card: dict, section_title: str) -> list[str]:
    content, kind = card["content"], card["type"]
    source = field(section_title) + (f' - <a href="{html.escape(content["link"])}">{field(content["link"])}</a>'
                                     if content.get("link") else "")
    prompt, explanation = field(card["prompt"]), field(content["explanation"])
    if kind == "basic":
        return [prompt, field(content["answer"]), explanation, source]
    if kind == "typed":
        return [prompt, field(content["answer"]), explanation, source]
    if kind in ("choice", "multi"):
        right = [content["answer"]] if kind == "choice" else content["answers"]
        hint = "<p>Choose one:</p>" if kind == "choice" else "<p>Select all that apply:</p>"
        return [prompt, hint + html_list(content["options"]), html_list(right), explanation, source]
    # order: shuffled the same way on every export (seeded by the card id), so re-imports change nothing
    shuffled = random.Random(card["card_id"]).sample(content["items"], len(content["items"]))
    return [prompt, html_list(shuffled), html_list(content["items"], ordered=True), explanation, source]


def anki_tag(text: str) -> str:
    return "_".join(text.split())


def build_package(deck: dict, sections: list[dict], cards: list[dict]):
    """A genanki Package: one sub-deck per section, in the post's order, notes in authored order."""
    import genanki

    models = build_models()
    parent = genanki.Deck(anki_deck_id(deck["id"]), deck["name"], description=field(deck.get("description") or ""))
    # Anki lists sub-decks alphabetically: number the titles that are not, so they keep the post's order.
    titles = {s["id"]: s.get("title", s["id"]) for s in sections}
    for index, section in enumerate(sections):
        if not titles[section["id"]][:1].isdigit():
            titles[section["id"]] = f"{index}. {titles[section['id']]}"
    order = [s["id"] for s in sections] + sorted({c["section"] for c in cards} - set(titles))
    sub_decks = {sid: genanki.Deck(anki_deck_id(deck["id"], sid), f"{deck['name']}::{titles.get(sid, sid)}")
                 for sid in order}
    for card in cards:
        note = genanki.Note(
            model=models[MODEL_OF_TYPE[card["type"]]], fields=note_fields(card, titles.get(card["section"], "")),
            guid=guid_for(deck["id"], card["card_id"]), tags=[anki_tag(t) for t in [*card["tags"], card["type"]]],
            due=card["position"],
        )
        sub_decks[card["section"]].add_note(note)
    return genanki.Package([parent, *(sub_decks[sid] for sid in order if sub_decks[sid].notes)])


def write_package(package, target: str, timestamp: float, progress=None) -> None:
    """Write the .apkg atomically: a temporary file beside the target, renamed over it only once complete.

    `progress(cursor)` may edit the package's collection (scheduling, review log) before it is zipped."""
    import itertools
    import sqlite3
    import zipfile

    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise MlsquizError(f"{target}: the folder {folder} does not exist")
    try:
        handle, partial = tempfile.mkstemp(prefix=".mlsquiz-export-", suffix=".apkg.part", dir=folder)
    except OSError as err:
        raise MlsquizError(f"{target}: cannot write here ({err.strerror})") from None
    os.close(handle)
    database = partial + ".anki2"
    try:
        conn = sqlite3.connect(database)
        try:
            cursor = conn.cursor()
            # Same steps as genanki's Package.write_to_file, with our hook before zipping.
            package.write_to_db(cursor, timestamp, itertools.count(int(timestamp * 1000)))
            if progress:
                progress(cursor)
            conn.commit()
        finally:
            conn.close()
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(database, "collection.anki2")
            archive.writestr("media", json.dumps({}))
        os.replace(partial, target)
    except OSError as err:
        raise MlsquizError(f"{target}: could not write the package ({err.strerror}); nothing was replaced") from None
    finally:
        for leftover in (partial, database):
            with contextlib.suppress(FileNotFoundError):
                os.remove(leftover)
