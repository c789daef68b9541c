"""Anki packages with genanki: stable ids and GUIDs, escaped fields, sub-decks per section, atomic writing."""

import contextlib
import hashlib
import html
import json
import os
import random
import re
import secrets
import stat

from ..errors import MlsquizError
from ..runtime.leftovers import remove_stale

# Names of a package's collection inside the zip, in every format Anki has written.
ANKI_COLLECTIONS = {"collection.anki2", "collection.anki21", "collection.anki21b"}
# Our temporary files beside the target; the number is the writer's process id (see leftovers.py).
TEMPORARY = re.compile(r"^\.mlsquiz-export-(?P<pid>\d+)-[0-9a-f]+\.apkg\.part(\.anki2(-journal|-wal|-shm)?)?$")
# Control characters other than line breaks and tabs: Anki splits fields at U+001F, and none belong in a card.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Hard-coded once, never changed: Anki recognises a note type by its id across re-imports.
MODEL_IDS = {"basic": 1738492011, "choice": 1738492012, "order": 1738492013, "typed": 1738492014,
             "cloze": 1738492015, "matching": 1738492016}
MODEL_OF_TYPE = {"basic": "basic", "choice": "choice", "multi": "choice", "order": "order", "typed": "typed",
                 "cloze": "cloze", "matching": "matching"}
STYLE = (".card { font-family: sans-serif; font-size: 20px; text-align: left; } .why { color: #555; } "
         ".case { color: #333; font-size: 18px; } td { padding: 2px 12px 2px 0; vertical-align: top; }")
BACK = '<hr id="answer">{{Answer}}<p class="why">{{Explanation}}</p><p class="why">{{Source}}</p>'


# Anki's base-91 alphabet for GUIDs, in genanki's order.
_BASE91 = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
           "!#$%&()*+,-./:;<=>?@[]^_`{|}~")


def guid_for(deck_id: str, card_id: str) -> str:
    """A note's identity in Anki: from the deck and card ids only, never the text, so edits update the note.

    genanki.guid_for("mlsquiz", deck, card), worked here: an Anki import needs the GUIDs of every card, and
    importing genanki for them (it brings asyncio and yaml) costs more than computing them all."""
    number = int.from_bytes(hashlib.sha256(f"mlsquiz__{deck_id}__{card_id}".encode()).digest()[:8], "big")
    digits = []
    while number:
        number, digit = divmod(number, 91)
        digits.append(_BASE91[digit])
    return "".join(reversed(digits))


def anki_identity(deck_id: str, card_id: str, card_type: str) -> tuple[str, int]:
    """(note GUID, card ordinal) of an mlsquiz card in Anki: the cards `x.c1`, `x.c2` of a cloze entry are
    cards 0 and 1 of note `x`, every other card is card 0 of its own note."""
    if card_type == "cloze":
        base, number = card_id.rsplit(".c", 1)
        return guid_for(deck_id, base), int(number) - 1
    return guid_for(deck_id, card_id), 0


def anki_deck_id(*parts: str) -> int:
    """A stable Anki deck id for an mlsquiz deck (and section), in the range genanki recommends."""
    digest = int(hashlib.sha256("\x1f".join(("mlsquiz", *parts)).encode()).hexdigest()[:15], 16)
    return (1 << 30) + digest % (1 << 30)


def plain(text: str) -> str:
    """Text for Anki's own names (decks, tags): without control characters, which Anki uses as separators."""
    return _CONTROL.sub("", text)


def field(text: str) -> str:
    """Card text as literal text in Anki: markup escaped, line breaks kept, control characters dropped.

    Every field of every note is built through this function, so no field can carry Anki's separator."""
    text = plain(text.replace("\r\n", "\n").replace("\r", "\n"))
    return html.escape(text, quote=False).replace("\n", "<br>")


def web_link(url: str) -> str | None:
    """The URL if it is an http(s) link, else None: nothing else becomes a live link in a card.

    Quotes, angle brackets and spaces are refused too, so the link is safe inside the href attribute."""
    from ..deckfile.model import WEB_LINK

    url = url.strip()
    return url if WEB_LINK.fullmatch(url) else None


def source_field(section_title: str, link: str | None) -> str:
    """The section's title, then the card's link: clickable only for http(s), shown as text otherwise."""
    text, url = field(section_title), web_link(link) if link else None
    if url:
        return text + f' - <a href="{field(url)}">{field(url)}</a>'
    return text + f" - {field(link)}" if link else text


def html_list(items: list[str], ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{field(item)}</li>" for item in items) + f"</{tag}>"


def stable_shuffle(card_id: str, items: list[str]) -> list[str]:
    """`items` shuffled the same way on every export (seeded by the card id), so re-imports change nothing."""
    return random.Random(card_id).sample(items, len(items))


def case_html(content: dict) -> str:
    """A case-study card's scenario, put above its prompt on the front."""
    case = content.get("case")
    if not case:
        return ""
    return f'<div class="case"><b>{field(case["title"])}</b><br>{field(case["text"])}</div><hr>'


def matching_fields(card: dict) -> list[str]:
    """Left items numbered, the right items shuffled and lettered (a, b, c), and the pairs as a table."""
    from ..deckfile.model import lettered_items

    pairs = card["content"]["pairs"]
    rights = lettered_items(stable_shuffle(card["card_id"], [right for _, right in pairs]))
    letter_of = {item: letter for letter, item in rights}
    table = "".join(f"<tr><td>{field(left)}</td><td>{letter_of[right]}) {field(right)}</td></tr>"
                    for left, right in pairs)
    return [html_list([left for left, _ in pairs], ordered=True),
            '<ol type="a">' + "".join(f"<li>{field(item)}</li>" for _, item in rights) + "</ol>",
            f"<table>{table}</table>"]


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
        "matching": model("matching", "mlsquiz matching",
                          ["Prompt", "Left", "Right", "Answer", "Explanation", "Source"],
                          "{{Prompt}}<p>Match each item with one of the lettered answers:</p>{{Left}}{{Right}}"),
        "typed": model("typed", "mlsquiz typed", ["Prompt", "Answer", "Explanation", "Source"],
                       "{{Prompt}}<br>{{type:Answer}}",
                       '<hr id="answer"><p class="why">{{Explanation}}</p><p class="why">{{Source}}</p>'),
        "cloze": genanki.Model(  # Anki's Cloze kind: one card per deletion number, made by Anki itself
            MODEL_IDS["cloze"], "mlsquiz cloze", fields=[{"name": f} for f in ("Text", "Explanation", "Source")],
            templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}" + BACK.replace(
                '<hr id="answer">{{Answer}}', '<hr id="answer">')}], css=STYLE, model_type=genanki.Model.CLOZE),
    }


def note_fields(card: dict, section_title: str) -> list[str]:
    content, kind = card["content"], card["type"]
    source = source_field(section_title, content.get("link"))
    prompt, explanation = case_html(content) + field(card["prompt"]), field(content["explanation"])
    if kind == "basic":
        return [prompt, field(content["answer"]), explanation, source]
    if kind == "typed":
        return [prompt, field(content["answer"]), explanation, source]
    if kind == "cloze":
        return [prompt, explanation, source]
    if kind in ("choice", "multi"):
        right = [content["answer"]] if kind == "choice" else content["answers"]
        hint = "<p>Choose one:</p>" if kind == "choice" else "<p>Select all that apply:</p>"
        # shuffled, or the right answer of most decks would always be option 1 on a phone
        options = html_list(stable_shuffle(card["card_id"], content["options"]))
        return [prompt, hint + options, html_list(right), explanation, source]
    if kind == "matching":
        return [prompt, *matching_fields(card), explanation, source]
    return [prompt, html_list(stable_shuffle(card["card_id"], content["items"])),
            html_list(content["items"], ordered=True), explanation, source]


def anki_tag(text: str) -> str:
    return "_".join(plain(text).split())


def sub_deck_titles(sections: list[dict]) -> dict[str, str]:
    """Section id -> its sub-deck's title. Anki lists sub-decks alphabetically: a title without a number gets its
    index (`0. Intro`), unless a numbered title already starts with that number: then the number of the numbered
    title before it, and a sub-number (`1.1 Setup` after `1. Intro`), so it keeps the post's order and no two
    sub-decks share a number. Two titles that are still the same take their section id, `(id)`."""
    import re

    titles = {s["id"]: plain(s.get("title", s["id"])) for s in sections}
    leading = {sid: re.match(r"\d+(?:\.\d+)*", title) for sid, title in titles.items()}
    used = {match.group() for match in leading.values() if match}
    before = "0"  # the number of the last numbered title so far
    for index, section in enumerate(sections):
        sid = section["id"]
        if leading[sid]:
            before = leading[sid].group()
            continue
        number = str(index)
        if number in used:
            sub = 1
            while f"{before}.{sub}" in used:
                sub += 1
            number = f"{before}.{sub}"
            titles[sid] = f"{number} {titles[sid]}"
        else:
            titles[sid] = f"{number}. {titles[sid]}"
        used.add(number)
    seen = set()
    for section in sections:
        sid = section["id"]
        if titles[sid].casefold() in seen:  # Anki's deck names ignore case
            titles[sid] = f"{titles[sid]} ({plain(sid)})"
        seen.add(titles[sid].casefold())
    return titles


def build_package(deck: dict, sections: list[dict], cards: list[dict], advance=None):
    """A genanki Package: one sub-deck per section, in the post's order, notes in authored order.
    `advance(1)` is called after each card (for a progress bar)."""
    import genanki

    models = build_models()
    name = plain(deck["name"])
    parent = genanki.Deck(anki_deck_id(deck["id"]), name, description=field(deck.get("description") or ""))
    titles = sub_deck_titles(sections)
    order = [s["id"] for s in sections] + sorted({c["section"] for c in cards} - set(titles))
    sub_decks = {sid: genanki.Deck(anki_deck_id(deck["id"], sid), f"{name}::{titles.get(sid, plain(sid))}")
                 for sid in order}
    noted = set()
    for card in cards:
        if advance is not None:
            advance(1)
        guid, _ = anki_identity(deck["id"], card["card_id"], card["type"])
        if guid in noted:
            continue  # another deletion of a cloze note already written: Anki makes that card itself
        noted.add(guid)
        note = genanki.Note(
            model=models[MODEL_OF_TYPE[card["type"]]], fields=note_fields(card, titles.get(card["section"], "")),
            guid=guid, tags=[anki_tag(t) for t in [*card["tags"], card["type"]]],
            due=card["position"],
        )
        sub_decks[card["section"]].add_note(note)
    return genanki.Package([parent, *(sub_decks[sid] for sid in order if sub_decks[sid].notes)])


def is_anki_package(path: str) -> bool:
    """A zip holding an Anki collection (only ever asked of a regular file)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return bool(ANKI_COLLECTIONS & set(archive.namelist()))
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return False


def check_target(target: str, collection_path: str, force: bool = False):
    """Refuse a target whose replacement could lose something; the target's stat if a package will be replaced.

    Never replaced: the collection itself or any file beside it named after it (-wal, -shm, backups), a
    symbolic link, a folder, a device, a FIFO. An existing file that is not an Anki package, or is read-only,
    only with `force`."""
    real, collection = os.path.realpath(target), os.path.realpath(collection_path)
    folder, name = os.path.split(collection)
    rest = real[len(collection):] if real.startswith(collection) else None
    companion = rest is not None and (rest in ("", "-wal", "-shm", "-journal") or rest.startswith(".schema")
                                      or rest.endswith(".bak"))
    if companion or real.startswith(os.path.join(folder, f".{name}.")):  # also our temporary files
        raise MlsquizError(f"{target}: is the collection or one of its files; choose another name for the package")
    try:
        status = os.lstat(target)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise MlsquizError(f"{target}: cannot check the target ({err.strerror})") from None
    with contextlib.suppress(OSError):
        if os.path.samefile(target, collection_path):  # a hard link to the collection
            raise MlsquizError(f"{target}: is the collection itself; choose another name for the package")
    if stat.S_ISLNK(status.st_mode):
        raise MlsquizError(f"{target}: is a symbolic link; give the path of a regular file or a new name")
    if stat.S_ISDIR(status.st_mode):
        raise MlsquizError(f"{target}: is a folder; give a file name such as {os.path.join(target, 'deck.apkg')}")
    if not stat.S_ISREG(status.st_mode):
        raise MlsquizError(f"{target}: is not a regular file (a device, FIFO or socket); nothing was written")
    if not force and not status.st_mode & 0o222:
        raise MlsquizError(f"{target}: is read-only; add --force to replace it")
    if not force and not is_anki_package(target):
        raise MlsquizError(f"{target}: exists and is not an Anki package; add --force to replace it")
    return status


def mark_package(collection_identity: str, then=None):
    """A write_package hook naming, in every deck's description, the collection that wrote the package (an HTML
    comment: Anki keeps it through its own import and export, and does not show it); then runs `then`. An import
    into that collection knows the package's reviews are its own (anki.collection.EXPORT_MARK)."""

    def apply(cursor) -> None:
        decks = json.loads(cursor.execute("SELECT decks FROM col").fetchone()[0])
        for deck_id, deck in decks.items():
            if deck_id != "1":  # Anki's Default deck is never ours
                deck["desc"] = f"{deck.get('desc', '')}<!-- mlsquiz-collection:{collection_identity} -->"
        cursor.execute("UPDATE col SET decks = ?", (json.dumps(decks),))
        if then is not None:
            then(cursor)

    return apply


def write_package(package, target: str, timestamp: float, progress=None, replacing=None) -> None:
    """Write the .apkg atomically: a temporary file beside the target, moved into place only once complete.

    `progress(cursor)` may edit the package's collection (scheduling, review log) before it is zipped.
    `replacing` is the stat `check_target` saw: the file there is replaced only if it is still that file, and
    a new name is only ever linked, never written over something that appeared meanwhile."""
    import itertools
    import sqlite3
    import zipfile

    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise MlsquizError(f"{target}: the folder {folder} does not exist")
    remove_stale(folder, TEMPORARY)  # what an export killed earlier left here
    partial = os.path.join(folder, f".mlsquiz-export-{os.getpid()}-{secrets.token_hex(4)}.apkg.part")
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    except OSError as err:
        raise MlsquizError(f"{target}: cannot write here ({err.strerror})") from None
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
        _move_into_place(partial, target, replacing)
    except OSError as err:
        raise MlsquizError(f"{target}: could not write the package ({err.strerror}); nothing was replaced") from None
    finally:
        for leftover in (partial, database, database + "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(leftover)


def _move_into_place(partial: str, target: str, replacing) -> None:
    appeared = MlsquizError(f"{target}: a file appeared there during the export; nothing was replaced")
    if replacing is None:
        try:
            os.link(partial, target)  # a new name: fails rather than replace whatever appeared there meanwhile
        except FileExistsError:
            raise appeared from None
        except OSError:  # no hard links here (FAT, some network drives): check, then rename
            if os.path.lexists(target):
                raise appeared from None
            os.replace(partial, target)
        return
    now = os.lstat(target)
    if (now.st_dev, now.st_ino) != (replacing.st_dev, replacing.st_ino) or not stat.S_ISREG(now.st_mode):
        raise MlsquizError(f"{target}: was changed during the export; nothing was replaced")
    os.replace(partial, target)
