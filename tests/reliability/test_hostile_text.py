"""Card text with markup, escape sequences, control and right-to-left characters shows safely."""

import json
import sqlite3

from history import History

HOSTILE = "Red \x1b[31mALERT\x1b[0m \x1b]0;owned\x07 bell\x07 \u202eevil\u202c <b>&amp;</b> " + "long " * 2000


def hostile_deck(tmp_path):
    deck = tmp_path / "hostile.toml"
    text = json.dumps(HOSTILE)  # a JSON string is a valid TOML basic string
    deck.write_text(
        '[deck]\nid = "hostile"\nname = ' + json.dumps("Deck \x1b[2J") + '\n\n'
        '[[cards]]\nid = "h1"\ntype = "basic"\nsection = "s"\ntags = ["x"]\n'
        f"prompt = {text}\nanswer = {text}\nexplanation = {text}\n"
    )
    return deck


def test_listing_and_statistics_pass_no_escape_to_the_terminal(cli, tmp_path, local_zone):
    local_zone("UTC")
    assert cli("import", hostile_deck(tmp_path)).code == 0
    history = History(tmp_path / "collection.db", deck="hostile")
    history.answer("h1", 1, "2026-03-02 09:00")
    history.close()
    for command in (["cards", "--deck", "hostile"], ["decks"], ["stats", "--deck", "hostile"],
                    ["roadmap", "--deck", "hostile"], ["check", tmp_path / "hostile.toml"]):
        result = cli(*command, "--now", "2026-03-03 09:00") if command[0] != "check" else cli(*command)
        assert result.code == 0, result.err
        for forbidden in ("\x1b", "\x07", "\u202e"):
            assert forbidden not in result.out + result.err, command
        assert all(len(line) <= 120 for line in result.out.splitlines()), command


def test_json_output_keeps_the_text_exactly(cli, tmp_path):
    cli("import", hostile_deck(tmp_path))
    cards = json.loads(cli("cards", "--deck", "hostile", "--json").out)
    assert cards[0]["prompt"] == HOSTILE  # JSON escapes control characters itself


def test_errors_quoting_file_text_are_neutralised(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[deck]\nid = "x"\nname = "X"\n[[cards]]\nid = "a"\ntype = "\\u001b[31mred"\nsection = "s"\n'
                   'prompt = "P"\nexplanation = "E"\n')
    result = cli("check", bad)
    assert result.code == 1 and "\x1b" not in result.err and "unknown type" in result.err


def test_anki_export_escapes_it(cli, tmp_path):
    cli("import", hostile_deck(tmp_path))
    target = tmp_path / "h.apkg"
    assert cli("export", "--deck", "hostile", "-o", target).code == 0
    import zipfile

    with zipfile.ZipFile(target) as archive:
        archive.extract("collection.anki2", tmp_path)
    fields = sqlite3.connect(tmp_path / "collection.anki2").execute("SELECT flds FROM notes").fetchone()[0]
    assert "<b>" not in fields and "&lt;b&gt;&amp;amp;&lt;/b&gt;" in fields
