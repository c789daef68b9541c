"""Issue 27: the Anki export numbered two sub-decks "1." (a section whose title has no number got its index, which
collided with a section titled "1. …"). Every sub-deck keeps its own number, in the post's order."""

from anki_fixtures import anki, import_package  # noqa: F401  (a fixture)

DECK = """[deck]
id = "numbered"
name = "Numbered"
description = "Numbered and unnumbered section titles."
source = "tests"

[[sections]]
id = "intro"
title = "1. Intro"

[[sections]]
id = "setup"
title = "Setup"

[[sections]]
id = "more"
title = "2. More"

[[sections]]
id = "extra"
title = "Extra"
"""

CARD = """
[[cards]]
id = "{section}-card"
type = "basic"
section = "{section}"
prompt = "What is in {section}?"
answer = "Its card."
explanation = "One card a section."
"""


def test_sub_decks_never_share_a_number_and_keep_the_post_s_order(cli, anki, tmp_path):  # noqa: F811
    deck = tmp_path / "numbered.toml"
    deck.write_text(DECK + "".join(CARD.format(section=s) for s in ("intro", "setup", "more", "extra")))
    assert cli("import", deck).code == 0
    package = tmp_path / "numbered.apkg"
    assert cli("export", "--deck", "numbered", "-o", package).code == 0
    import_package(anki, package, scheduling=False)
    names = [name.split("::", 1)[1] for name in sorted(d.name for d in anki.decks.all_names_and_ids())
             if name.startswith("Numbered::")]
    assert names == ["1. Intro", "1.1 Setup", "2. More", "3. Extra"]  # was "1. Intro", "1. Setup", …
    from mlsquiz.anki.export import sub_deck_titles

    assert sub_deck_titles([{"id": "a", "title": "1. Same"}, {"id": "b", "title": "1. Same"}]) == {
        "a": "1. Same", "b": "1. Same (b)"}
