"""Anki collections made with the real `anki` package, for import tests: answer cards, fix the answers' times,
export in the modern or legacy package form."""

import datetime

import pytest


@pytest.fixture
def anki(tmp_path, monkeypatch):
    """An empty Anki collection (Anki writes beside HOME, so HOME points into the test's folder)."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    col = open_anki(tmp_path / "anki")
    yield col
    col.close()


def open_anki(folder):
    from anki.collection import Collection

    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))


def import_package(col, path, scheduling=True):
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions(
        with_scheduling=scheduling, merge_notetypes=True))
    return col.import_anki_package(request).log


def answer(col, deck_name: str, ratings: list[str]) -> list[int]:
    """Answer the cards Anki's scheduler serves, one rating each (AGAIN, HARD, GOOD, EASY); their card ids."""
    from anki.scheduler.v3 import CardAnswer

    col.decks.select(col.decks.id_for_name(deck_name))
    answered = []
    for rating in ratings:
        queued = col.sched.get_queued_cards().cards[0]
        card = col.get_card(queued.card.id)
        card.start_timer()
        col.sched.answer_card(col.sched.build_answer(card=card, states=queued.states,
                                                     rating=getattr(CardAnswer, rating)))
        answered.append(card.id)
    return answered


def retime_answers(col, after_ms: int, start: str, step_minutes: int = 1) -> list[int]:
    """Move the log rows written after `after_ms` to fixed moments from `start` (UTC), in order; their new ids."""
    first = datetime.datetime.fromisoformat(start).replace(tzinfo=datetime.timezone.utc)
    ids = [row[0] for row in col.db.all("SELECT id FROM revlog WHERE id > ? ORDER BY id", after_ms)]
    moved = []
    for index, old in enumerate(ids):
        new = int((first + datetime.timedelta(minutes=step_minutes * index)).timestamp() * 1000)
        col.db.execute("UPDATE revlog SET id = ? WHERE id = ?", new, old)
        moved.append(new)
    return moved


def export(col, path, legacy: bool, scheduling: bool = True):
    from anki.collection import ExportAnkiPackageOptions

    col.export_anki_package(out_path=str(path), options=ExportAnkiPackageOptions(
        with_scheduling=scheduling, with_deck_configs=scheduling, with_media=True, legacy=legacy), limit=None)
    return path


def export_collection_package(col, path, legacy: bool):
    """A .colpkg: the whole collection (the collection is closed by Anki and reopened)."""
    col.export_collection_package(str(path), include_media=True, legacy=legacy)
    return path
def last_log_id(col) -> int:
    return col.db.scalar("SELECT coalesce(max(id), 0) FROM revlog")


def foreign_collection(col) -> dict:
    """A shared-deck-like collection: Basic, Basic (and reversed), Cloze, type-in, a custom note type, HTML,
    entities, media references, tags and sub-decks. Returns the note ids by name."""
    models = col.models
    custom = models.new("Vocab")
    for name in ("Word", "Meaning", "Example"):
        models.add_field(custom, models.new_field(name))
    template = models.new_template("Recognise")
    template["qfmt"] = "<div class=word>{{Word}}</div>"
    template["afmt"] = "{{FrontSide}}<hr id=answer>{{Meaning}}<br><i>{{Example}}</i>"
    models.add_template(custom, template)
    models.add(custom)
    verbs, nouns = col.decks.id("Spanish::Verbs"), col.decks.id("Spanish::Nouns")
    top = col.decks.id("Spanish")
    notes = {}

    def add(name, model, deck, tags=(), **fields):
        note = col.new_note(col.models.by_name(model))
        for key, value in fields.items():
            note[key] = value
        note.tags = list(tags)
        col.add_note(note, deck)
        notes[name] = note.id

    add("basic", "Basic", verbs, ["verb", "chapter::1"], Front="<b>hablar</b> &amp; <i>co</i>&nbsp;&lt;x&gt;",
        Back='to speak<br>[sound:hablar.mp3]<img src="mouth.png">')
    add("reversed", "Basic (and reversed card)", nouns, ["noun"], Front="el gato", Back="the cat")
    add("cloze", "Cloze", top, [], Text="{{c1::Madrid}} is the capital of {{c2::Spain::country}}",
        **{"Back Extra": "Since 1561"})
    add("typed", "Basic (type in the answer)", top, [], Front="uno + uno", Back="dos")
    add("vocab", "Vocab", nouns, ["noun"], Word="la casa", Meaning="the house", Example="Mi casa es tu casa")
    add("empty", "Basic", top, [], Front="", Back="no question")
    return notes
