"""Anki export shuffles the options of choice and multi cards per card, the same way on every export, so the
right answer is not always option 1 on a phone and a re-export changes no note."""

import re

from anki_fixtures import anki  # noqa: F401  (a fixture)
from test_export_anki import import_into

CHOICES, MULTIS = 12, 4


def deck_text() -> str:
    """A deck whose right answers are all written first, as a deck author easily does."""
    text = '[deck]\nid = "firsts"\nname = "Firsts"\n\n'
    for n in range(CHOICES):
        text += (f'[[cards]]\nid = "c{n}"\ntype = "choice"\nsection = "s"\nprompt = "Choice {n}?"\n'
                 f'options = ["right {n}", "wrong {n}a", "wrong {n}b", "wrong {n}c"]\nanswer = "right {n}"\n'
                 'explanation = "E"\n\n')
    for n in range(MULTIS):
        text += (f'[[cards]]\nid = "m{n}"\ntype = "multi"\nsection = "s"\nprompt = "Multi {n}?"\n'
                 f'options = ["right {n}a", "right {n}b", "wrong {n}a", "wrong {n}b", "wrong {n}c"]\n'
                 f'answers = ["right {n}a", "right {n}b"]\nexplanation = "E"\n\n')
    return text


def options_by_prompt(col) -> dict[str, list[str]]:
    notes = [col.get_note(nid) for nid in col.find_notes("")]
    return {note["Prompt"]: re.findall(r"<li>(.*?)</li>", note["Options"]) for note in notes}


def test_options_are_shuffled_per_card_and_stay_put_across_exports(cli, anki, tmp_path):
    from anki.collection import Collection

    deck = tmp_path / "firsts.toml"
    deck.write_text(deck_text())
    assert cli("import", deck).code == 0
    first, second = tmp_path / "first.apkg", tmp_path / "second.apkg"
    assert cli("--now", "2026-03-02 09:00", "export", "--deck", "firsts", "-o", first).code == 0
    assert cli("--now", "2026-03-09 09:00", "export", "--deck", "firsts", "-o", second).code == 0
    import_into(anki, first)
    (tmp_path / "other").mkdir()
    other = Collection(str(tmp_path / "other" / "collection.anki2"))
    try:
        import_into(other, second)
        assert options_by_prompt(other) == options_by_prompt(anki)  # the same order on every export
    finally:
        other.close()
    shown = options_by_prompt(anki)
    assert len(shown) == CHOICES + MULTIS
    for n in range(CHOICES):
        assert sorted(shown[f"Choice {n}?"]) == [f"right {n}", f"wrong {n}a", f"wrong {n}b", f"wrong {n}c"]
    positions = [shown[f"Choice {n}?"].index(f"right {n}") for n in range(CHOICES)]
    assert positions.count(0) < CHOICES / 2 and len(set(positions)) >= 3  # spread, not always first
    multi_firsts = [shown[f"Multi {n}?"][:2] for n in range(MULTIS)]
    assert multi_firsts != [[f"right {n}a", f"right {n}b"] for n in range(MULTIS)]
    note = anki.get_note(anki.find_notes('"Prompt:Choice 0?"')[0])
    assert note["Answer"] == "<ul><li>right 0</li></ul>"  # the answer itself is unchanged
