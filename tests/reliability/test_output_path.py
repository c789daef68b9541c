"""Terminal safety is structural: every command's text, from any field, reaches the terminal through one path.

Each command runs as the installed program with hostile text in every field it can print (deck and section
names, resource name/kind/by/use, card text, file names, option values); no escape, bell, C1 or bidi
control may come out, on stdout or stderr. JSON keeps the text exactly, in ASCII."""

import json
import os
import subprocess

import pexpect
import pytest

from conftest import venv_bin
from history import History
from mlsquiz.terminal import output

ESCAPES = "\x1b[2J\x1b]0;owned\x07\x9b31m\x85\u202eevil\u202c\x1b[31m"
FORBIDDEN = ("\x1b", "\x07", "\x9b", "\x85", "\u202e", "\u202c", "\x00")
HOSTILE = f"Hostile {ESCAPES} <b>&amp;</b>"


def toml(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid TOML basic string


def hostile_deck(folder, link="https://example.com/ok"):
    """A valid deck whose every free-text field (and its file name) carries escape sequences."""
    deck = folder / f"deck{ESCAPES}.toml"
    deck.write_text(
        f'[deck]\nid = "hostile"\nname = {toml(HOSTILE)}\ndescription = {toml(HOSTILE)}\nsource = {toml(HOSTILE)}\n\n'
        f'[[sections]]\nid = "s"\ntitle = {toml(HOSTILE)}\nstage = 1\n\n'
        f'[[resources]]\nname = {toml(HOSTILE)}\nsection = "s"\nkind = {toml(HOSTILE)}\npaid = false\n'
        f'by = {toml(HOSTILE)}\nuse = {toml(HOSTILE)}\nlink = {toml(link)}\n\n'
        f'[[cards]]\nid = "h1"\ntype = "basic"\nsection = "s"\ntags = [{toml("tag" + ESCAPES)}]\n'
        f"prompt = {toml(HOSTILE)}\nanswer = {toml(HOSTILE)}\nexplanation = {toml(HOSTILE)}\nlink = {toml(link)}\n"
        f'\n[[cards]]\nid = "h2"\ntype = "choice"\nsection = "s"\nprompt = {toml(HOSTILE)}\n'
        f"options = [{toml(HOSTILE)}, {toml('plain')}]\nanswer = {toml(HOSTILE)}\nexplanation = {toml(HOSTILE)}\n"
    )
    return deck


def mlsquiz(db, *args, **env):
    done = subprocess.run([venv_bin("mlsquiz"), "--db", str(db), *map(str, args)], capture_output=True, timeout=60,
                          env={**os.environ, "MLSQUIZ_NOW": "2026-03-03 09:00", "TZ": "UTC", **env})
    return done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")


def assert_clean(text, what):
    for forbidden in FORBIDDEN:
        assert forbidden not in text, (what, forbidden, text[:300])


def test_every_command_prints_hostile_fields_without_a_single_control(tmp_path):
    db = tmp_path / f"col{ESCAPES}.db"  # the collection's path is printed too (doctor, errors)
    deck = hostile_deck(tmp_path)
    code, out, err = mlsquiz(db, "import", deck)
    assert code == 0, err
    assert "deck\ufffd[2J" in out  # the file name, neutralised
    assert_clean(out + err, "import")
    assert subprocess.run([venv_bin("mlsquiz"), "--db", str(db), "config", "new_per_day", "5"],
                          capture_output=True, timeout=60).returncode == 0
    runs = {
        "roadmap": ["roadmap", "--deck", "hostile"], "decks": ["decks"], "cards": ["cards", "--deck", "hostile"],
        "stats": ["stats", "--deck", "hostile"], "due": ["due", "--deck", "hostile"], "check": ["check", deck],
        "import again": ["import", deck],
        "export": ["export", "--deck", "hostile", "-o", tmp_path / f"x{ESCAPES}.apkg"],
        "config": ["config"], "doctor": ["doctor"],
        # commands added since: covered by the same path, checked here all the same
        "cards show": ["cards", "show", "h1"], "suspend": ["suspend", "h1"], "unsuspend": ["unsuspend", "h1"],
        "roadmap json": ["roadmap", "--deck", "hostile", "--json"], "decks json": ["decks", "--json"],
    }
    for name, args in runs.items():
        code, out, err = mlsquiz(db, *args)
        assert code == 0, (name, err)
        assert out.strip(), name
        assert_clean(out + err, name)
    code, out, err = mlsquiz(db, "roadmap", "--deck", "hostile")
    assert out.count("Hostile") >= 4  # name, kind, by/use and the stage title are all shown, neutralised


def test_errors_quoting_hostile_input_are_clean(tmp_path):
    db = tmp_path / "c.db"
    mlsquiz(db, "import", hostile_deck(tmp_path))
    for args in (["due", "--deck", HOSTILE], ["config", "new_per_day", HOSTILE], ["config", HOSTILE],
                 ["stats", "--days", HOSTILE], ["check", tmp_path / f"missing{ESCAPES}.toml"],
                 ["export", "--deck", "hostile", "-o", tmp_path / "no" / f"dir{ESCAPES}" / "x.apkg"],
                 [HOSTILE], ["--now", HOSTILE, "due"]):
        code, out, err = mlsquiz(db, *args)
        assert code != 0 and err.strip(), args
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, (args, err)
        assert_clean(out + err, args)


def test_a_bad_link_is_reported_with_its_line_and_quoted_safely(tmp_path):
    deck = hostile_deck(tmp_path, link="javascript:alert(1)\x1b]0;x\x07")
    code, out, err = mlsquiz(tmp_path / "c.db", "check", deck)
    assert code == 1 and "must be a web address" in err
    assert ":19: resource: link" in err and ":29: card 'h1': link" in err
    assert_clean(out + err, "check")


def test_a_new_print_in_any_command_cannot_bypass_the_filter(cli, monkeypatch, tmp_path):
    from mlsquiz.commands import collection

    def careless(args, context):
        print("raw field:", HOSTILE)
        print("to stderr:", HOSTILE, file=__import__("sys").stderr)
        __import__("sys").stdout.writelines([HOSTILE, "\n"])
        return 0

    monkeypatch.setattr(collection, "run_decks", careless)
    result = cli("decks")
    assert result.code == 0 and result.out.count("Hostile") == 2 and "Hostile" in result.err
    assert_clean(result.out + result.err, "careless command")
    assert "\t" in output.terminal_text("a\tb") and "\n" in output.terminal_text("a\nb")  # layout survives


def test_only_our_own_colour_sequences_come_through(monkeypatch):
    import io
    import sys

    shown = io.StringIO()
    monkeypatch.setattr(sys, "stdout", output.SafeStream(shown))
    print(output.colour("bar", "36") + " \x1b[31m red \ue000" + "0" * 12 + "31m imitation")
    assert shown.getvalue() == "\x1b[36mbar\x1b[0m \ufffd[31m red \ue000" + "0" * 12 + "31m imitation\n"


def test_a_screen_that_draws_itself_gets_the_colour_itself(monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdout", io.StringIO())  # not behind SafeStream, as in the quiz
    assert output.colour("bar\x1b]0;x\x07", "36") == "\x1b[36mbar\ufffd]0;x\ufffd\x1b[0m"


def test_statistics_in_a_terminal_keep_their_colour_and_nothing_else(tmp_path):
    db = tmp_path / "c.db"
    mlsquiz(db, "import", hostile_deck(tmp_path))
    history = History(db, deck="hostile")
    history.answer("h1", 4, "2026-03-02 09:00")  # due on the 3rd: a bar in the forecast
    history.close()
    env = {**os.environ, "MLSQUIZ_NOW": "2026-03-03 09:00", "TZ": "UTC", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(venv_bin("mlsquiz"), ["--db", str(db), "stats", "--deck", "hostile", "--days", "3"],
                          env=env, dimensions=(50, 100), encoding="utf-8", timeout=30)
    child.expect(pexpect.EOF)
    shown = child.before
    assert "Hostile" in shown
    for forbidden in FORBIDDEN[1:]:
        assert forbidden not in shown
    assert "\x1b[36m" in shown  # the forecast's bars keep their colour...
    assert set(part[:3] for part in shown.split("\x1b")[1:]) <= {"[36", "[0m"}  # ...and nothing else gets through


@pytest.mark.parametrize("command", [["cards", "--deck", "hostile", "--json"],
                                     ["stats", "--deck", "hostile", "--json"]])
def test_json_is_ascii_and_keeps_every_character_under_an_ascii_terminal(tmp_path, command):
    db = tmp_path / "c.db"
    mlsquiz(db, "import", hostile_deck(tmp_path))
    code, out, err = mlsquiz(db, *command, PYTHONIOENCODING="ascii", LANG="C")
    assert code == 0, err
    assert out.isascii() and "?" not in out.replace('"?"', "")
    data = json.loads(out)
    if command[0] == "cards":
        assert data[0]["prompt"] == HOSTILE
    else:
        assert data["sections"][0]["title"] == HOSTILE


def test_only_the_screens_that_draw_themselves_skip_the_filter():
    from types import SimpleNamespace

    from mlsquiz.commands import COMMANDS
    from mlsquiz.cli import draws_own_screen

    own = {name for name in COMMANDS if draws_own_screen(SimpleNamespace(command=name, action=None))}
    assert own == {"quiz"}
    assert draws_own_screen(SimpleNamespace(command="exam", action="practice"))
    assert not draws_own_screen(SimpleNamespace(command="exam", action="plan"))
